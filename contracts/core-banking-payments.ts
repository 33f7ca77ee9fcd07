/**
 * Wire format of core banking's payment API: agreements the bank registers after signing them
 * with the customer, debits payment institutions make under them, the ledger, and (sandbox only)
 * credits that fund an account. Money is yuan as a decimal string ("12.50"), never a JSON number:
 * numbers become binary floats on the way (0.1 + 0.2 ≠ 0.3) and a ledger must add up to the fen.
 */
import * as z from 'zod';

/**
 * Yuan with at most two decimals, more than zero: "12", "12.5", "12.50". Answers always carry
 * two decimals. Twelve integer digits at most, so every amount in fen is an exact JS integer.
 */
export const cnyAmountSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,2})?$/, 'must be yuan as a decimal string with at most 2 decimals')
  .refine((amount) => /[1-9]/.test(amount), 'must be more than 0');
export type CnyAmount = z.infer<typeof cnyAmountSchema>;

export const institutionSchema = z.enum(['WECHAT_PAY', 'UNIONPAY', 'JD_PAY']);
export type Institution = z.infer<typeof institutionSchema>;

/** 协议支付 (any merchant of the institution) or 商业委托支付 (one payee, within a term). */
export const agreementScopeSchema = z.enum(['QUICK_PAY', 'ENTRUSTED']);
export type AgreementScope = z.infer<typeof agreementScopeSchema>;

export const agreementNumberSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be 6 to 64 letters, digits, _ or -');

/** Who an entrusted mandate pays: the payee's id at the institution (a utility, an insurer, a school). */
export const payeeSchema = z.string().min(1).max(64);

/** The term of an entrusted mandate, China dates, both days included; no `to`: until cancelled. */
export const mandatePeriodSchema = z
  .object({ from: z.iso.date(), to: z.iso.date().optional() })
  .refine((p) => p.to === undefined || p.from <= p.to, {
    message: 'to must not be before from',
    path: ['to'],
  });
export type MandatePeriod = z.infer<typeof mandatePeriodSchema>;

/**
 * PUT /core/v1/agreements/{agreementNumber}: the bank's service registers an agreement it has
 * signed with the customer, under the number it issued. The same body again answers the
 * agreement as it is now (a late retry cannot revive a cancelled one); another body is a 409.
 */
export const registerAgreementRequestSchema = z
  .object({
    accountNumber: z.string().min(1),
    institution: institutionSchema,
    scope: agreementScopeSchema,
    payee: payeeSchema.optional(),
    period: mandatePeriodSchema.optional(),
    perDebitLimitCny: cnyAmountSchema,
    dailyLimitCny: cnyAmountSchema,
  })
  .superRefine((body, ctx) => {
    if (body.scope === 'ENTRUSTED') {
      for (const field of ['payee', 'period'] as const) {
        if (body[field] === undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'is required for an ENTRUSTED agreement' });
      }
    } else {
      // A quick-pay agreement covers any merchant of the institution: a payee or term would be
      // a limit the caller believes in and core banking would not enforce.
      for (const field of ['payee', 'period'] as const) {
        if (body[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'is only for an ENTRUSTED agreement' });
      }
    }
  });
export type RegisterAgreementRequest = z.infer<typeof registerAgreementRequestSchema>;

export const agreementStatusSchema = z.enum(['ACTIVE', 'CANCELLED']);
/** REQUESTED: DELETE /core/v1/agreements/{n}; ACCOUNT_CLOSED: the account's closing cancelled it. */
export const agreementCancelReasonSchema = z.enum(['REQUESTED', 'ACCOUNT_CLOSED']);

export const agreementSchema = z.object({
  agreementNumber: z.string(),
  accountNumber: z.string(),
  institution: institutionSchema,
  scope: agreementScopeSchema,
  payee: z.string().optional(),
  period: mandatePeriodSchema.optional(),
  perDebitLimitCny: cnyAmountSchema,
  dailyLimitCny: cnyAmountSchema,
  status: agreementStatusSchema,
  registeredAt: z.string(),
  cancelledAt: z.string().optional(),
  cancelReason: agreementCancelReasonSchema.optional(),
});
export type Agreement = z.infer<typeof agreementSchema>;
export const agreementListSchema = z.object({ agreements: z.array(agreementSchema) });

/**
 * Why core banking refuses a debit (`422 {"error": "DEBIT_REFUSED", "reason"}`). An unknown
 * agreement number and another institution's are AGREEMENT_NOT_ACTIVE, like a cancelled one, so
 * an institution cannot learn which numbers exist.
 */
export const debitRefusalReasonSchema = z.enum([
  'ACCOUNT_RESTRICTED',
  'AGREEMENT_NOT_ACTIVE',
  'PER_DEBIT_LIMIT',
  'DAILY_LIMIT',
  'CLASS_DAILY_CAP',
  'CLASS_YEARLY_CAP',
  'PAYEE_NOT_IN_MANDATE',
  'INSUFFICIENT_FUNDS',
]);
export type DebitRefusalReason = z.infer<typeof debitRefusalReasonSchema>;

/** POST /core/v1/debits: idempotent by (institution, reference). */
export const debitRequestSchema = z.object({
  agreementNumber: agreementNumberSchema,
  institution: institutionSchema,
  amountCny: cnyAmountSchema,
  reference: z.string().min(1).max(64),
  payee: payeeSchema.optional(),
});
export type DebitRequest = z.infer<typeof debitRequestSchema>;

export const debitSchema = z.object({
  debitId: z.string(),
  status: z.literal('SETTLED'),
  agreementNumber: z.string(),
  accountNumber: z.string(),
  institution: institutionSchema,
  amountCny: cnyAmountSchema,
  reference: z.string(),
  payee: z.string().optional(),
  settledAt: z.string(),
});
export type Debit = z.infer<typeof debitSchema>;

export const debitRefusedSchema = z.object({
  error: z.literal('DEBIT_REFUSED'),
  reason: debitRefusalReasonSchema,
  message: z.string().optional(),
});

/** BOUND: a transfer in from the bound Class I account (outside the Class II caps); OTHER: anyone else. */
export const creditSourceSchema = z.enum(['BOUND', 'OTHER']);

/** POST /sandbox/accounts/{accountNumber}/credits (sandbox only; Idempotency-Key optional). */
export const creditRequestSchema = z.object({ amountCny: cnyAmountSchema, from: creditSourceSchema });
export type CreditRequest = z.infer<typeof creditRequestSchema>;

/**
 * Why a credit is refused (`422 {"error": "CREDIT_REFUSED", "reason"}`): a frozen account takes
 * nothing in (不收不付), a closed one neither; inflows from non-bound accounts have the same caps
 * as payments out; a Class III balance has a cap; BOUND needs a bound account.
 */
export const creditRefusalReasonSchema = z.enum([
  'ACCOUNT_RESTRICTED',
  'ACCOUNT_CLOSED',
  'NO_BOUND_ACCOUNT',
  'CLASS_DAILY_CAP',
  'CLASS_YEARLY_CAP',
  'BALANCE_CAP',
]);
export type CreditRefusalReason = z.infer<typeof creditRefusalReasonSchema>;
export const creditRefusedSchema = z.object({
  error: z.literal('CREDIT_REFUSED'),
  reason: creditRefusalReasonSchema,
  message: z.string().optional(),
});

export const ledgerEntryKindSchema = z.enum([
  'CREDIT_FROM_BOUND',
  'CREDIT_FROM_OTHER',
  'AGREEMENT_DEBIT',
  /** Closing an account sends what is left to the bound account. */
  'CLOSING_TRANSFER_TO_BOUND',
]);

export const ledgerEntrySchema = z.object({
  seq: z.number().int().positive(),
  entryId: z.string(),
  at: z.string(),
  kind: ledgerEntryKindSchema,
  direction: z.enum(['IN', 'OUT']),
  amountCny: cnyAmountSchema,
  /** "0.00" is a balance, not an amount: the balance schema allows it. */
  balanceAfterCny: z.string(),
  /** False for transfers with the bound account: they are outside the Class II caps. */
  countsTowardsCaps: z.boolean(),
  agreementNumber: z.string().optional(),
  institution: institutionSchema.optional(),
  reference: z.string().optional(),
  payee: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const creditAnswerSchema = z.object({ entry: ledgerEntrySchema, balanceCny: z.string() });

/** What counts towards the class caps so far: today and this year, China time, each direction. */
export const capUsageSchema = z.object({
  chinaDate: z.iso.date(),
  outTodayCny: z.string(),
  outThisYearCny: z.string(),
  inTodayCny: z.string(),
  inThisYearCny: z.string(),
});

/** GET /core/v1/accounts/{accountNumber}/ledger?afterSeq=&limit=: balance, cap usage, entries oldest first. */
export const ledgerQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const accountLedgerSchema = z.object({
  accountNumber: z.string(),
  balanceCny: z.string(),
  capUsage: capUsageSchema,
  entries: z.array(ledgerEntrySchema),
  /** Present when more entries follow: pass it as afterSeq. */
  nextAfterSeq: z.number().int().optional(),
});
export type AccountLedger = z.infer<typeof accountLedgerSchema>;

/** POST /core/v1/accounts/{accountNumber}/close: final; what is left goes to the bound account. */
export const closeAccountRequestSchema = z.object({ reason: z.string().min(1).max(200) });
