/**
 * Fresh applicants for every test: the sandboxes keep per-person, per-card and per-mobile
 * state (account caps, daily card checks, the SMS inbox), so tests never share them.
 */
import { randomInt } from 'node:crypto';
import { withLuhnDigit } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';

export interface Person {
  name: string;
  idNumber: string;
  mobile: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function newPerson(name = '张伟'): Person {
  const birth = `${1960 + randomInt(40)}${pad(1 + randomInt(12), 2)}${pad(1 + randomInt(28), 2)}`;
  return {
    name,
    idNumber: makeIdNumber(String(110000 + randomInt(540000)), birth, pad(randomInt(1000), 3)),
    mobile: `1${3 + randomInt(7)}${pad(randomInt(1e9), 9)}`,
  };
}

/** A 19-digit UnionPay card; `lastFour` picks a sandbox magic answer (docs/sandbox.md). */
export function newCard(lastFour?: string): string {
  if (lastFour) return `62${pad(randomInt(1e9), 9)}${pad(randomInt(1e4), 4)}${lastFour}`;
  // Avoid magic endings by chance: 1xxx never is one.
  const body = `62${pad(randomInt(1e9), 9)}${pad(randomInt(1e4), 4)}1${pad(randomInt(100), 2)}`;
  return withLuhnDigit(body);
}
