/**
 * Money as integer fen (分) inside, yuan decimal strings on the wire (contracts/core-banking-payments.ts):
 * sums and comparisons of integers are exact, where floats drift.
 */
import type { CnyAmount } from '../contracts/core-banking-payments';

/** Fen of a validated amount ("12.5" → 1250), read digit by digit so no float is ever involved. */
export function fenOf(amount: CnyAmount): number {
  const [yuan = '0', fraction = ''] = amount.split('.');
  return Number(yuan) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Yuan with two decimals ("12.50"), as every answer carries amounts and balances. */
export function cnyOf(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Whole yuan (the class caps are set in yuan) as fen. */
export const fenOfYuan = (yuan: number): number => Math.round(yuan * 100);
