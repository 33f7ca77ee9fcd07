/**
 * Accounts a person already holds at the bank through other channels (a branch, another app):
 * opened straight in the core-banking sandbox, which counts them towards its per-person cap.
 */
import { randomUUID } from 'node:crypto';
import { catalogue } from '../../sandbox/catalogue';

/** Core banking's own Class II cap (the sandbox's default). */
export const CLASS_II_CAP = catalogue.coreBanking.perPersonCaps.II;

export async function openElsewhere(
  coreBankingUrl: string,
  person: { name: string; idNumber: string; mobile?: string },
  count: number,
  channel = 'BRANCH',
): Promise<string[]> {
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    const reference = `${channel.toLowerCase()}-${randomUUID()}`;
    const res = await fetch(`${coreBankingUrl}/core/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': reference },
      body: JSON.stringify({ customer: person, accountClass: 'II', channel, reference }),
    });
    if (res.status !== 201) throw new Error(`core banking answered ${res.status}`);
    numbers.push(((await res.json()) as { accountNumber: string }).accountNumber);
  }
  return numbers;
}
