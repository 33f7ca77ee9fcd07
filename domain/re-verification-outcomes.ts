/**
 * What the console and the funnel say of re-verification (issue 23, part 4): the outcome a
 * decided case publishes in visibility (`ReVerificationOutcome`, a code, never personal data),
 * and the lists of accounts staff work beside the review queue.
 *
 * A failed case is counted by the class of its first reason (the check that stopped it), so the
 * classes of failed cases add up to the failed; each class is one the holder can fail by:
 * withholding the declaration, photos no ID check could read, photos or a register answer that
 * are not the holder's, a face that does not pass.
 */
import * as z from 'zod';
import { bankRestrictionCaseSchema } from './bank-restrictions';
import type { ReVerificationReason, ReVerificationResult } from './risk-life';

export const reVerificationFailureClassSchema = z.enum(['INTENT', 'ID_DOCUMENT', 'IDENTITY', 'FACE']);
export type ReVerificationFailureClass = z.infer<typeof reVerificationFailureClassSchema>;

/** The search attribute's values: PASSED, or FAILED_<class>. */
export const reVerificationOutcomeSchema = z.enum([
  'PASSED',
  ...reVerificationFailureClassSchema.options.map((c) => `FAILED_${c}` as const),
]);
export type ReVerificationOutcome = z.infer<typeof reVerificationOutcomeSchema>;

/** The class of a reason a re-verification can fail by (reasons of other steps never reach one). */
export function failureClassOf(reason: ReVerificationReason): ReVerificationFailureClass {
  if (reason === 'INTENT_NOT_CONFIRMED') return 'INTENT';
  if (reason.startsWith('FACE_')) return 'FACE';
  // Not the holder's: the photos' data, or the register's answer for the holder.
  if (reason === 'ID_DATA_MISMATCH' || reason.startsWith('IDENTITY_')) return 'IDENTITY';
  return 'ID_DOCUMENT';
}

export const outcomeOf = (result: ReVerificationResult): ReVerificationOutcome =>
  result.passed ? 'PASSED' : `FAILED_${failureClassOf(result.reasons[0] ?? 'ID_DATA_MISMATCH')}`;

/**
 * The console's risk-life lists (GET /v1/re-verifications/due): DUE (asked, within the grace
 * period), OVERDUE (past it: receive-only once the sweep has placed its hold) and APPEALED (a bank
 * restriction whose holder's appeal passed its re-verification, awaiting an operator's decision).
 * A case still checking the appeal's re-verification (RE_VERIFYING) is on no list: nobody has
 * anything to do with it yet.
 */
export const riskLifeListSchema = z.enum(['DUE', 'OVERDUE', 'APPEALED']);
export type RiskLifeList = z.infer<typeof riskLifeListSchema>;

/** The paging cursor: opaque to callers, base64url. */
export const listCursorSchema = z
  .string()
  .min(1)
  .max(1000)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor this listing answered');

export const riskLifeListQuerySchema = z.strictObject({
  status: riskLifeListSchema,
  cursor: listCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RiskLifeListQuery = z.input<typeof riskLifeListQuerySchema>;

const claimSchema = z.object({ claimedBy: z.string(), until: z.string() });

/** One account of a list, as staff see it: the holder's name masked (domain/masking.ts), nothing more of them. */
export const riskLifeListItemSchema = z.object({
  accountNumber: z.string(),
  /** The application that opened the account (core banking's reference): the audit log's key. */
  applicationId: z.string(),
  list: riskLifeListSchema,
  /**
   * By when the list's act is due: the holder's re-verification (DUE, OVERDUE), or the operator's
   * decision on the appeal (APPEALED: the bank's stated time).
   */
  dueAt: z.string(),
  /** Past `restrictFrom` (OVERDUE), or past the appeal's decision deadline (APPEALED, escalated to ops). */
  overdue: z.boolean(),
  /** DUE and OVERDUE: when the account becomes (or became) receive-only, the due date plus the grace period. */
  restrictFrom: z.string().optional(),
  /** APPEALED: the bank restriction case to decide (POST /v1/accounts/{n}/restrictions/{caseId}/decision). */
  caseId: z.string().optional(),
  /** Whether the sweep's receive-only hold of a missed re-verification is placed. */
  held: z.boolean(),
  holderName: z.string().describe('masked: the first character, then one * per character'),
  /** Absent for accounts never rated (flows v1-v3): they are asked as the policy's `unratedAs`. */
  riskRating: z.enum(['LOW', 'MEDIUM', 'HIGH']).optional(),
  accountStatus: z.enum(['ACTIVE', 'RECEIVE_ONLY', 'FROZEN', 'CLOSED']),
  channel: z.string(),
  /** Who works the account now, until when (a lease, renewed by claiming again). */
  claim: claimSchema.optional(),
});
export type RiskLifeListItem = z.infer<typeof riskLifeListItemSchema>;

export const riskLifeListPageSchema = z.object({
  accounts: z.array(riskLifeListItemSchema),
  /** Set when more remain: send it as `cursor` with the same `status`. */
  nextCursor: z.string().optional(),
});
export type RiskLifeListPage = z.infer<typeof riskLifeListPageSchema>;

/** GET /v1/re-verifications/due/{accountNumber}: one account opened (audited), with its holds as staff keep them. */
export const riskLifeAccountSchema = riskLifeListItemSchema
  .omit({ list: true, dueAt: true, overdue: true })
  .extend({
    /** Absent once the account is on no list (re-verified since the list was read, or its appeal decided). */
    list: riskLifeListSchema.optional(),
    dueAt: z.string().optional(),
    overdue: z.boolean().optional(),
    /** The account's open bank restriction case as staff read it (GET /v1/accounts/{n}), if one is open. */
    bankRestriction: bankRestrictionCaseSchema.optional(),
    openedAt: z.string(),
    riskRatedAt: z.string().optional(),
    holds: z.array(
      z.object({ holdId: z.string(), type: z.string(), reason: z.string(), placedAt: z.string() }),
    ),
  });
export type RiskLifeAccount = z.infer<typeof riskLifeAccountSchema>;

/**
 * GET /v1/funnel/re-verifications: the re-verification cases started in a period, counted through
 * visibility. `started` = passed + failed + inProgress + undecided.
 */
export const reVerificationFunnelSchema = z.object({
  started: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  /** The failed by the class of the reason that stopped them; they add up to `failed`. */
  failedBy: z.object({
    INTENT: z.number().int(),
    ID_DOCUMENT: z.number().int(),
    IDENTITY: z.number().int(),
    FACE: z.number().int(),
  }),
  /** Being checked now. */
  inProgress: z.number().int(),
  /**
   * Ended without an outcome: the run failed (a provider's broken contract, an account core
   * banking no longer knows), was terminated, or was decided before outcomes were published.
   */
  undecided: z.number().int(),
});
export type ReVerificationFunnel = z.infer<typeof reVerificationFunnelSchema>;
