/**
 * Signing an agreement (协议支付 / 商业委托支付) with a payment institution: the institution sends
 * the account and the holder's elements, the bank checks them against the account's holder and
 * sends an SMS code to the holder's mobile; the right code signs the agreement under a number
 * the bank issues, with limits never above the bank's policy for the scope. One workflow per
 * signing (workflows/agreement/); after signing, core banking keeps the agreement (and enforces
 * it on every debit), so cancelling and reading go there.
 */
import * as z from 'zod';
import {
  agreementScopeSchema,
  cnyAmountSchema,
  type Institution,
  institutionSchema,
  mandatePeriodSchema,
  payeeSchema,
} from '../contracts/core-banking-payments';
import { idNumberSchema, mobileSchema, personNameSchema } from './applicant';
import { fenOf } from './cny';

/** The institution's own id for the signing: the same reference again answers the same agreement. */
export const signingReferenceSchema = z
  .string()
  .regex(/^[\w.:-]{1,64}$/, 'must be 1 to 64 letters, digits, _ . : or -');

export const signingRequestSchema = z
  .strictObject({
    accountNumber: z.string().regex(/^\d{8,32}$/, 'must be the account number: 8 to 32 digits'),
    holder: z.strictObject({ name: personNameSchema, idNumber: idNumberSchema, mobile: mobileSchema }),
    scope: agreementScopeSchema,
    payee: payeeSchema.optional(),
    period: mandatePeriodSchema.optional(),
    perDebitLimitCny: cnyAmountSchema,
    dailyLimitCny: cnyAmountSchema,
    reference: signingReferenceSchema,
  })
  .superRefine((body, ctx) => {
    for (const field of ['payee', 'period'] as const) {
      if (body.scope === 'ENTRUSTED' && body[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'is required for an ENTRUSTED agreement' });
      if (body.scope === 'QUICK_PAY' && body[field] !== undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'is only for an ENTRUSTED agreement' });
    }
    const perDebit = safeFen(body.perDebitLimitCny);
    const daily = safeFen(body.dailyLimitCny);
    if (perDebit !== undefined && daily !== undefined && perDebit > daily)
      ctx.addIssue({
        code: 'custom',
        path: ['perDebitLimitCny'],
        message: 'must not be above dailyLimitCny',
      });
  });
export type SigningRequest = z.infer<typeof signingRequestSchema>;

const safeFen = (amount: string): number | undefined => {
  try {
    return fenOf(amount);
  } catch {
    return undefined;
  }
};

export const agreementSigningStatusSchema = z.enum([
  /** The elements are being checked. */
  'CHECKING',
  'AWAITING_SMS_CODE',
  'SIGNED',
  /** The bank will not sign: `reason` says why. */
  'REFUSED',
  /** The code was not entered while it lived. */
  'EXPIRED',
  /** The institution or the holder cancelled: final. */
  'CANCELLED',
]);
export type AgreementSigningStatus = z.infer<typeof agreementSigningStatusSchema>;

/**
 * Why the bank refuses to sign. HOLDER_MISMATCH also stands for an unknown account: an
 * institution learns nothing about which accounts exist.
 */
export const signingRefusalSchema = z.enum([
  'HOLDER_MISMATCH',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'SMS_CODE_TRIES_EXHAUSTED',
  /** Core banking would not register the agreement (the account closed meanwhile). */
  'REGISTRATION_REFUSED',
  /** A system the signing needs refused for good, or did not answer while the signing lived. */
  'NOT_COMPLETED',
]);
export type SigningRefusal = z.infer<typeof signingRefusalSchema>;

/** Limits in yuan, as core banking enforces them. */
export const agreementLimitsSchema = z.object({
  perDebitLimitCny: cnyAmountSchema,
  dailyLimitCny: cnyAmountSchema,
});
export type AgreementLimits = z.infer<typeof agreementLimitsSchema>;

/** The bank's policy for signing: workflow input, so tests run with seconds. */
export const agreementPolicySchema = z.object({
  smsCodeMaxAttempts: z.number().int().min(1).max(10),
  /** How long the code (and the signing) lives once sent. */
  signingExpirySeconds: z.number().positive(),
  /** The most the bank grants per scope, whatever the institution asks. */
  limits: z.record(agreementScopeSchema, agreementLimitsSchema),
  /** An account under a receive-only hold (an unsettled doubt) gets at most these. */
  restrictedAccountLimits: agreementLimitsSchema,
  /**
   * Refused signings for elements that do not match, per account and China day, before further
   * ones are refused (429). A signing counts from its start until its elements are found to match.
   */
  mismatchesPerAccountPerDay: z.number().int().min(1),
  /**
   * Signing codes sent to an account's holder per China day, before further signings for the
   * account are refused (429) with nothing sent: an institution may not flood the holder's phone.
   * A signing counts from its start unless it is refused before its code is sent.
   */
  smsCodesPerAccountPerDay: z.number().int().min(1),
});
export type AgreementPolicy = z.infer<typeof agreementPolicySchema>;

export const defaultAgreementPolicy: AgreementPolicy = {
  smsCodeMaxAttempts: 3,
  signingExpirySeconds: 300,
  limits: {
    QUICK_PAY: { perDebitLimitCny: '5000.00', dailyLimitCny: '10000.00' },
    ENTRUSTED: { perDebitLimitCny: '10000.00', dailyLimitCny: '10000.00' },
  },
  restrictedAccountLimits: { perDebitLimitCny: '500.00', dailyLimitCny: '1000.00' },
  mismatchesPerAccountPerDay: 3,
  // A code lives 5 minutes: five a day covers a holder signing with a few institutions, and retrying.
  smsCodesPerAccountPerDay: 5,
};

/** The workflow's input: the request as checked by the API, with the ids the API derived. */
export interface AgreementInput {
  agreementId: string;
  /** Issued on signing; derived from agreementId (domain/agreement-ids.ts) so it can be found without the workflow. */
  agreementNumber: string;
  institution: Institution;
  request: Omit<SigningRequest, 'reference'>;
  /** The request's fingerprint: the same reference with another request is a conflict. */
  requestFingerprint: string;
  policy: AgreementPolicy;
}

/** What the institution reads of a signing (never the holder's elements). */
export const agreementSigningViewSchema = z.object({
  agreementId: z.string(),
  institution: institutionSchema,
  accountNumber: z.string(),
  scope: agreementScopeSchema,
  payee: payeeSchema.optional(),
  period: mandatePeriodSchema.optional(),
  status: agreementSigningStatusSchema,
  reason: signingRefusalSchema.optional(),
  attemptsLeft: z.number().int().optional(),
  /** While AWAITING_SMS_CODE: when the code stops working. */
  expiresAt: z.string().optional(),
  agreementNumber: z.string().optional(),
  perDebitLimitCny: cnyAmountSchema.optional(),
  dailyLimitCny: cnyAmountSchema.optional(),
});
export type AgreementSigningView = z.infer<typeof agreementSigningViewSchema>;

export const submitAgreementCodeResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('SIGNED'),
    agreementNumber: z.string(),
    perDebitLimitCny: cnyAmountSchema,
    dailyLimitCny: cnyAmountSchema,
  }),
  z.object({ status: z.literal('AWAITING_SMS_CODE'), attemptsLeft: z.number().int() }),
  z.object({ status: z.literal('REFUSED'), reason: signingRefusalSchema }),
  z.object({ status: z.literal('EXPIRED') }),
]);
export type SubmitAgreementCodeResult = z.infer<typeof submitAgreementCodeResultSchema>;
