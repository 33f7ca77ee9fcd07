/**
 * Agreements (协议支付, 商业委托支付) and the debits made under them, as the bank and the API see
 * them. The shapes are core banking's wire contract (contracts/core-banking-payments.ts), taken
 * unchanged so the API, the SDK and the workflows cannot drift from what core banking enforces.
 */
import type { MandatePeriod } from '../contracts/core-banking-payments';

export {
  type Agreement,
  type AgreementScope,
  agreementCancelReasonSchema,
  agreementNumberSchema,
  agreementSchema,
  agreementScopeSchema,
  agreementStatusSchema,
  type CnyAmount,
  type CreditRefusalReason,
  cnyAmountSchema,
  creditRefusalReasonSchema,
  creditSourceSchema,
  type Debit,
  type DebitRefusalReason,
  debitRefusalReasonSchema,
  debitRequestSchema,
  debitSchema,
  type Institution,
  institutionSchema,
  type MandatePeriod,
  mandatePeriodSchema,
  payeeSchema,
} from '../contracts/core-banking-payments';

/** Whether an entrusted mandate's term covers a China date (both ends included; no end: until cancelled). */
export function periodCovers(period: MandatePeriod, chinaDate: string): boolean {
  return period.from <= chinaDate && (period.to === undefined || chinaDate <= period.to);
}
