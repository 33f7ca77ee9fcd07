import * as z from 'zod';

/** Every verification step answers pass, review (a human settles it later) or reject. */
export const outcomeSchema = z.enum(['PASS', 'REVIEW', 'REJECT']);
export type Outcome = z.infer<typeof outcomeSchema>;

export const stepNameSchema = z.enum([
  'ID_DOCUMENT',
  'IDENTITY',
  'WATCHLIST',
  'CARD_FOUR_ELEMENTS',
  'CARD_THREE_ELEMENTS',
  'FACE',
  /** Flow v4: the applicant's declared intent (开户意愿), confirmed before any check runs. */
  'INTENT',
  /** Flow v4: the joint-punishment list for account trading (惩戒名单). */
  'PUNISHMENT_LIST',
  /** Flow v4: how many identities applied from the same device or mobile lately. */
  'LINKED_APPLICANTS',
  'SMS_CODE',
]);
export type StepName = z.infer<typeof stepNameSchema>;

/**
 * Reason codes are stable strings apps and operators can act on. Tier 1 ID-image problems
 * reject; tier 2 problems open the account and send it to review.
 */
export const reasonCodeSchema = z.enum([
  // ID document, tier 1
  'ID_NOT_AN_ID_CARD',
  'ID_CARD_EXPIRED',
  'ID_DATA_MISMATCH',
  // ID document, tier 2
  'ID_IMAGE_OCCLUDED',
  'ID_IMAGE_BLURRED',
  'ID_IMAGE_GLARE',
  'ID_IMAGE_PARTLY_UNREADABLE',
  // identity (name + ID number)
  'IDENTITY_MISMATCH',
  'IDENTITY_NOT_FOUND',
  // watch-list screening
  'WATCHLIST_POSSIBLE_MATCH',
  'WATCHLIST_CONFIRMED_MATCH',
  // UnionPay four elements (three elements answer the same, never a phone mismatch)
  'CARD_MISMATCH',
  'CARD_PHONE_MISMATCH',
  'CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED',
  'CARD_REPORTED_LOST',
  'CARD_EXPIRED',
  'CARD_RESTRICTED',
  'CARD_PIN_TRIES_EXCEEDED',
  'CARD_DAILY_CHECKS_EXCEEDED',
  // face liveness and comparison with the register's photo (flow v2)
  'FACE_BORDERLINE',
  'FACE_MISMATCH',
  'FACE_SPOOF',
  // flow v4 (the Anti-Telecom and Online Fraud Law)
  /** The applicant did not declare that the account will not be rented, sold or lent: rejected before any check. */
  'INTENT_NOT_CONFIRMED',
  /** The person is under the joint punishment for account trading: no new accounts. */
  'PUNISHMENT_LISTED',
  /** The third or later identity on one device or mobile within the policy's window: a restricting doubt. */
  'LINKED_APPLICANTS',
  // SMS code
  'SMS_CODE_TRIES_EXHAUSTED',
  'SMS_CODE_EXPIRED',
  'SMS_CODE_NOT_SUBMITTED',
  // review
  'ID_RESUBMITTED',
  /** The customer's re-submitted photos failed the check as often as the policy allows in one round. */
  'RESUBMISSIONS_EXHAUSTED',
  // core banking
  'PERSON_ACCOUNT_CAP_REACHED',
  // could not finish (status FAILED): nothing answered no, but the application cannot go on
  /** A document the application names is gone from the store (expired upload, shredded). */
  'DOCUMENT_MISSING',
  /** A vendor (OCR, identity, watch list, UnionPay, face) refused the call for good. */
  'PROVIDER_REFUSED',
  /** A vendor answered what its contract does not allow: no retry can fix it. */
  'PROVIDER_CONTRACT_ERROR',
  /** Core banking refused to open the account for good (not the per-person cap: that rejects). */
  'ACCOUNT_OPENING_REFUSED',
  /** Core banking opened the account but refused to bind the card for good: the account is restricted. */
  'ACCOUNT_BINDING_REFUSED',
  /** Core banking answered what its contract does not allow. */
  'CORE_BANKING_CONTRACT_ERROR',
  /** The application's business deadline passed before it could finish. */
  'DEADLINE_EXCEEDED',
]);
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

/**
 * The coarse reasons apps and partners are told instead (domain/public-reasons.ts maps each
 * detailed code to one): operators see the detailed codes.
 */
export const publicReasonSchema = z.enum([
  'IDENTITY_NOT_VERIFIED',
  'CARD_NOT_VERIFIED',
  'DOCUMENT_NOT_ACCEPTED',
  'FACE_NOT_VERIFIED',
  /** A doubt an operator settles after opening; the account opens all the same. */
  'UNDER_REVIEW',
  'SMS_CODE_EXPIRED',
  'SMS_CODE_TRIES_EXHAUSTED',
  'SMS_CODE_NOT_SUBMITTED',
  'ACCOUNT_LIMIT_REACHED',
  'TRY_AGAIN_LATER',
  /** The applicant did not confirm the declaration (their own answer, so telling them tips nobody off). */
  'INTENT_NOT_CONFIRMED',
  /** The bank may not open an account for this person now; never which list or rule says so. */
  'ACCOUNT_OPENING_RESTRICTED',
  /** The application could not be finished (status FAILED); the customer may start a new one. */
  'NOT_COMPLETED',
]);
export type PublicReason = z.infer<typeof publicReasonSchema>;

/** A reason as an answer carries it: detailed for staff, public for apps. */
export const shownReasonSchema = z.enum([...reasonCodeSchema.options, ...publicReasonSchema.options]);
export type ShownReason = z.infer<typeof shownReasonSchema>;

/**
 * Where an application that could not finish stopped: one of its steps, or core banking's
 * opening and binding of the account.
 */
export const failedStepSchema = z.enum([...stepNameSchema.options, 'OPEN_ACCOUNT', 'BIND_ACCOUNT']);
export type FailedStep = z.infer<typeof failedStepSchema>;

export const stepResultSchema = z.object({
  step: stepNameSchema,
  outcome: outcomeSchema,
  reasons: z.array(reasonCodeSchema),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export const shownStepSchema = stepResultSchema.extend({ reasons: z.array(shownReasonSchema) });
