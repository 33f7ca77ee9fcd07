/**
 * The limits the bank grants an agreement: pure and schema-free, so the signing workflow can use
 * it without building zod schemas at every start.
 */
import type { CnyAmount } from '../contracts/core-banking-payments';
import { fenOf } from './cny';

export interface AgreementLimits {
  perDebitLimitCny: CnyAmount;
  dailyLimitCny: CnyAmount;
}

const lower = (a: CnyAmount, b: CnyAmount): CnyAmount => (fenOf(a) <= fenOf(b) ? a : b);

/** What was asked, never above `cap` (the scope's policy, or the restricted account's). */
export function grantedLimits(asked: AgreementLimits, cap: AgreementLimits): AgreementLimits {
  return {
    perDebitLimitCny: lower(asked.perDebitLimitCny, cap.perDebitLimitCny),
    dailyLimitCny: lower(asked.dailyLimitCny, cap.dailyLimitCny),
  };
}
