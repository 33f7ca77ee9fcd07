/**
 * Mainland China resident identity number (GB 11643-1999): 6-digit region code,
 * birth date YYYYMMDD, 3-digit sequence (odd = male), check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type IdNumberProblem =
  | 'must be 18 characters: 17 digits and a check character (digit or X)'
  | 'region code must not start with 0'
  | 'birth date is not a real date'
  | 'birth date is in the future'
  | 'birth date is before 1900'
  | 'check character does not match the first 17 digits';

export interface ParsedIdNumber {
  /** Upper-cased canonical form (a trailing x becomes X). */
  readonly idNumber: string;
  readonly birthDate: string; // YYYY-MM-DD
  readonly sex: 'M' | 'F';
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** `today` is YYYY-MM-DD so callers (and tests) decide what "now" is. */
export function parseIdNumber(
  raw: string,
  today: string,
): { ok: true; value: ParsedIdNumber } | { ok: false; problem: IdNumberProblem } {
  const idNumber = raw.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) {
    return { ok: false, problem: 'must be 18 characters: 17 digits and a check character (digit or X)' };
  }
  if (idNumber.startsWith('0')) return { ok: false, problem: 'region code must not start with 0' };
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return { ok: false, problem: 'birth date is not a real date' };
  }
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (y < 1900) return { ok: false, problem: 'birth date is before 1900' };
  if (birthDate > today) return { ok: false, problem: 'birth date is in the future' };
  if (checkCharacter(idNumber) !== idNumber[17]) {
    return { ok: false, problem: 'check character does not match the first 17 digits' };
  }
  return { ok: true, value: { idNumber, birthDate, sex: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F' } };
}

/** Builds a valid number from its parts; used by the sandbox's sample data and by tests. */
export function makeIdNumber(region: string, birthYYYYMMDD: string, sequence: string): string {
  const first17 = `${region}${birthYYYYMMDD}${sequence}`;
  if (!/^\d{17}$/.test(first17))
    throw new Error('region (6), birth date (8) and sequence (3) must be digits');
  return first17 + checkCharacter(first17);
}
