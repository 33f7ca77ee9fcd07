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
import { type RiskRating, riskRatingSchema } from './risk-rating';

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
