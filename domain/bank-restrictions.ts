/**
 * Abnormal-account restrictions (DESIGN.md, "The account's risk life"): an operator proposes to
 * restrict an account with a category and a note, a supervisor sending the same confirms (four
 * eyes), and the account becomes receive-only by a hold of its own kind. The holder is told what
 * to do and by when the bank decides, never the category (no tip-off: DESIGN.md, "What apps and
 * customers are told"); their appeal is a re-verification, after which an operator lifts or
 * upholds the restriction within the policy's time, escalated to ops when missed.
 *
 * Durations are policy data in seconds, so tests run the whole case in seconds.
 */
import * as z from 'zod';

const DAY = 24 * 3600;

export const restrictionCategorySchema = z.enum(['SUSPECTED_FRAUD', 'SUSPECTED_ACCOUNT_TRADING', 'OTHER']);
export type RestrictionCategory = z.infer<typeof restrictionCategorySchema>;

/** A staff note: free text, kept in the case (encrypted history) and the audit log (sealed). */
const noteSchema = z
  .string({ error: 'must be a note saying why' })
  .trim()
  .min(1, 'must say why')
  .max(2000, 'must be at most 2000 characters');

/** POST /v1/accounts/{accountNumber}/restrictions: an operator's proposal, or a supervisor's confirmation. */
export const restrictionRequestSchema = z.strictObject({
  category: restrictionCategorySchema,
  note: noteSchema,
});
export type RestrictionRequest = z.infer<typeof restrictionRequestSchema>;

export const restrictionDecisionSchema = z.enum(['LIFT', 'UPHOLD']);
export type RestrictionDecision = z.infer<typeof restrictionDecisionSchema>;

/** POST /v1/accounts/{accountNumber}/restrictions/{caseId}/decision: an operator's decision. */
export const restrictionDecisionRequestSchema = z.strictObject({
  decision: restrictionDecisionSchema,
  note: noteSchema,
});
export type RestrictionDecisionRequest = z.infer<typeof restrictionDecisionRequestSchema>;

export const restrictionCaseParamsSchema = z.object({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number'),
  caseId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be a restriction case id'),
});

/**
 * PROPOSED: waiting for a supervisor (expires after `proposalExpirySeconds`). IN_FORCE: the
 * account is receive-only; the holder may appeal by re-verifying. RE_VERIFYING: the appeal's
 * re-verification is being checked. APPEALED: it passed; an operator decides by the deadline.
 * UPHELD: the restriction stays after the appeal; staff may still lift it (the holder is told to
 * contact the bank). LIFTED and EXPIRED end the case.
 */
export const bankRestrictionStatusSchema = z.enum([
  'PROPOSED',
  'EXPIRED',
  'IN_FORCE',
  'RE_VERIFYING',
  'APPEALED',
  'UPHELD',
  'LIFTED',
]);
export type BankRestrictionStatus = z.infer<typeof bankRestrictionStatusSchema>;

/** Statuses in which the account is held by the case's restriction. */
export const HELD_STATUSES: readonly BankRestrictionStatus[] = [
  'IN_FORCE',
  'RE_VERIFYING',
  'APPEALED',
  'UPHELD',
];

/**
 * What the holder is told to do: re-verify (the appeal) while they may, otherwise contact the bank
 * (their appeal is being decided, or was and the restriction stands).
 */
export const publicActionOf = (status: BankRestrictionStatus): 'RE_VERIFY' | 'CONTACT_BANK' =>
  status === 'IN_FORCE' ? 'RE_VERIFY' : 'CONTACT_BANK';

export const bankRestrictionPolicySchema = z.object({
  /** How long a proposal waits for a supervisor before it lapses (nothing restricted). */
  proposalExpirySeconds: z.number().int().min(1),
  /** How long after the holder's appeal the bank has to decide (the law's "stated time"). */
  appealDecisionSeconds: z.number().int().min(1),
  /** How long the app's receiver is retried with each event. */
  webhookGiveUpSeconds: z.number().int().min(1),
  /** The remedy the notice gives: where to resolve it, and what to bring. */
  remedy: z.object({
    channel: z.string().min(1),
    materials: z.array(z.string().min(1)).min(1),
    /** The notice in plain words, for the app to show (no category: see the module's comment). */
    notice: z.string().min(1),
  }),
});
export type BankRestrictionPolicy = z.infer<typeof bankRestrictionPolicySchema>;

export const defaultBankRestrictionPolicy: BankRestrictionPolicy = {
  proposalExpirySeconds: 3 * DAY,
  appealDecisionSeconds: 15 * DAY,
  webhookGiveUpSeconds: DAY,
  remedy: {
    channel: 'RE_VERIFY_IN_APP',
    materials: ['ID_CARD_PHOTOS_OR_SELFIE', 'ACCOUNT_USE_DECLARATION'],
    notice:
      'The bank has restricted outgoing payments from this account while it reviews how the account is used; it can still receive money. To ask for the restriction to be lifted, re-verify your identity in the app (photos of your ID card, or a selfie, and the declaration of how you use the account), or bring your ID card to a branch. The bank decides on your request within the time stated with this notice.',
  },
};

/** How every hold of a bank restriction begins: what tells it from every other kind. */
export const BANK_RESTRICTION_HOLD_PREFIX = 'bank-restriction:';

/** The case's own receive-only hold: lifting it lifts nothing else, lifting others leaves it. */
export const bankRestrictionHoldId = (caseId: string): string =>
  `${BANK_RESTRICTION_HOLD_PREFIX}${caseId}:RECEIVE_ONLY`;

/** The case as staff read it (GET of the account, and the answers of the staff routes). */
export const bankRestrictionCaseSchema = z.object({
  caseId: z.string(),
  status: bankRestrictionStatusSchema,
  category: restrictionCategorySchema,
  note: z.string(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  /** When an unconfirmed proposal lapses. */
  proposalExpiresAt: z.string(),
  confirmedBy: z.string().optional(),
  confirmationNote: z.string().optional(),
  inForceAt: z.string().optional(),
  holdId: z.string().optional(),
  appeal: z
    .object({
      /** The re-verification the holder appealed with (its case id). */
      reVerificationCaseId: z.string(),
      appealedAt: z.string(),
      /** Set once the re-verification is decided. */
      passed: z.boolean().optional(),
      /** By when an operator decides (the policy's SLA from the appeal). */
      decisionDueAt: z.string(),
    })
    .optional(),
  /** Ops were alerted: the appeal's deadline passed undecided. */
  escalated: z.boolean(),
  decision: z
    .object({
      decision: restrictionDecisionSchema,
      note: z.string(),
      decidedBy: z.string(),
      decidedAt: z.string(),
    })
    .optional(),
  /** Core banking has not yet taken the hold or its lift: retried, ops alerted. */
  actionPending: z.boolean(),
});
export type BankRestrictionCase = z.infer<typeof bankRestrictionCaseSchema>;

/**
 * One case in a listing by status (api/services/bank-restrictions.ts: `listByStatus`), read from
 * visibility alone: codes, ids and times, no personal data (the account number is core banking's,
 * found by the application id).
 */
export const restrictionCaseListItemSchema = z.object({
  caseId: z.string(),
  applicationId: z.string(),
  status: bankRestrictionStatusSchema,
  /** When the case was proposed (its start). */
  proposedAt: z.string(),
  /** By when an operator decides the holder's latest appeal; absent before any appeal. */
  appealDecisionDueAt: z.string().optional(),
});
export type RestrictionCaseListItem = z.infer<typeof restrictionCaseListItemSchema>;

export interface RestrictionCaseListPage {
  cases: RestrictionCaseListItem[];
  /** Where the next page begins; absent on the last page. */
  nextCursor?: string;
}
