/**
 * The account's risk life (DESIGN.md, "The account's risk life"): a holder's identity is checked
 * again on a schedule set by their risk rating (HIGH at least every 6 months, each lower tier at
 * most twice as long as the one above), and an account whose holder lets the grace period pass
 * becomes receive-only until they re-verify. Durations are policy data in seconds, so tests run
 * the whole life in seconds; the decisions are pure, so the sweep, the re-verification and the
 * tests agree on them.
 *
 * Why a due date kept by core banking and a daily sweep, not a timer per account: the same reason
 * as the ID-expiry sweep (domain/id-expiry.ts): the work a day is proportional to the accounts due
 * that day, not to all accounts, and no workflow stays open for years per account.
 */
import * as z from 'zod';
import { idCardPhotosSchema } from './documents';
import { documentIdSchema } from './identifiers';
import { intentSchema } from './opening-intent';
import { type RiskRating, riskRatingSchema } from './risk-rating';
import { reasonCodeSchema } from './steps';

const DAY = 24 * 3600;

/** The law's outer bound for HIGH (at least every 6 months): the shortest six months there are. */
export const HIGH_AT_MOST_SECONDS = 181 * DAY;

export const riskLifePolicySchema = z
  .object({
    /** How long after a (re-)verification the holder is asked again, by rating. */
    reVerifyEverySeconds: z.object({
      HIGH: z.number().int().min(1).max(HIGH_AT_MOST_SECONDS),
      MEDIUM: z.number().int().min(1),
      LOW: z.number().int().min(1),
    }),
    /**
     * Accounts without a rating (opened by flows v1-v3, before ratings existed) are asked as if
     * rated this: the bank's policy, MEDIUM by default.
     */
    unratedAs: riskRatingSchema,
    /** How long after the due date the holder may still re-verify before the account becomes receive-only. */
    graceSeconds: z.number().int().min(0),
    /** Accounts per page of the daily sweep (one activity each). */
    pageSize: z.number().int().min(1).max(500),
  })
  .superRefine((p, ctx) => {
    const { HIGH, MEDIUM, LOW } = p.reVerifyEverySeconds;
    // Each lower tier at most twice as long as the one above, and never shorter than it.
    if (MEDIUM < HIGH || MEDIUM > 2 * HIGH)
      ctx.addIssue({
        code: 'custom',
        path: ['reVerifyEverySeconds', 'MEDIUM'],
        message: 'must be between HIGH and twice HIGH',
      });
    if (LOW < MEDIUM || LOW > 2 * MEDIUM)
      ctx.addIssue({
        code: 'custom',
        path: ['reVerifyEverySeconds', 'LOW'],
        message: 'must be between MEDIUM and twice MEDIUM',
      });
  });
export type RiskLifePolicy = z.infer<typeof riskLifePolicySchema>;

export const defaultRiskLifePolicy: RiskLifePolicy = {
  // 180 days is within six months whatever the months; each lower tier exactly twice the one above.
  reVerifyEverySeconds: { HIGH: 180 * DAY, MEDIUM: 360 * DAY, LOW: 720 * DAY },
  unratedAs: 'MEDIUM',
  graceSeconds: 30 * DAY,
  pageSize: 200,
};

/** How often a holder of this rating (or none) is asked to re-verify, in seconds. */
export const reVerifyEverySeconds = (rating: RiskRating | undefined, policy: RiskLifePolicy): number =>
  policy.reVerifyEverySeconds[rating ?? policy.unratedAs];

/** When a holder verified at `from` (ISO instant) is next due, as an ISO instant. */
export const nextReVerificationDue = (
  from: string,
  rating: RiskRating | undefined,
  policy: RiskLifePolicy,
): string => new Date(Date.parse(from) + reVerifyEverySeconds(rating, policy) * 1000).toISOString();

export type ReVerificationStage = 'DUE' | 'OVERDUE';

/** Where an account due at `dueAt` stands at `now` (ISO instants): undefined while not yet due. */
export function reVerificationStage(
  dueAt: string,
  now: string,
  policy: RiskLifePolicy,
): ReVerificationStage | undefined {
  const late = Date.parse(now) - Date.parse(dueAt);
  if (late < 0) return undefined;
  return late >= policy.graceSeconds * 1000 ? 'OVERDUE' : 'DUE';
}

/** How every hold a missed re-verification places begins: what tells it from every other kind. */
export const RE_VERIFICATION_HOLD_PREFIX = 're-verification:';

/** The receive-only hold of a missed due date: one per due date, so the sweep places it once. */
export const reVerificationHoldId = (dueAt: string): string =>
  `${RE_VERIFICATION_HOLD_PREFIX}${dueAt}:RECEIVE_ONLY`;

/** The hold's reason as core banking keeps it (staff read it; apps read only the restriction kind). */
export const RE_VERIFICATION_OVERDUE = 'RE_VERIFICATION_OVERDUE';

/**
 * POST /v1/accounts/{accountNumber}/re-verifications: new ID photos or a selfie, checked like an
 * opening's against the account's holder, and the intent declaration again (开户意愿 holds for as
 * long as the account lives).
 */
export const reVerificationRequestSchema = z.strictObject({
  documents: z.union([idCardPhotosSchema, z.strictObject({ selfie: documentIdSchema })], {
    error: 'must be {idFront, idBack} or {selfie}',
  }),
  intent: intentSchema,
});
export type ReVerificationRequest = z.infer<typeof reVerificationRequestSchema>;
export type ReVerificationDocuments = ReVerificationRequest['documents'];

export const reVerificationStartedSchema = z.object({ caseId: z.string() });

/** Why a re-verification did not pass: a check's reason, or the declaration withheld. */
export const reVerificationReasonSchema = z.union([reasonCodeSchema, z.literal('INTENT_NOT_CONFIRMED')]);
export type ReVerificationReason = z.infer<typeof reVerificationReasonSchema>;

/** How a re-verification case ended: passed (next due date set, holds lifted) or not (the holder may try again). */
export const reVerificationResultSchema = z.object({
  passed: z.boolean(),
  reasons: z.array(reVerificationReasonSchema),
  nextDueAt: z.string().optional(),
  /** The holds of a missed re-verification lifted. */
  lifted: z.array(z.string()),
});
export type ReVerificationResult = z.infer<typeof reVerificationResultSchema>;
