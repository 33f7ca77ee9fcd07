/**
 * Dormancy (DESIGN.md, "The account's risk life"; issue 23): an account with no customer-initiated
 * activity for the policy's idle period is put to sleep for non-counter use: a receive-only hold of
 * its own kind (debits and agreement payments refused, credits accepted), lifted by the holder's
 * re-verification. Durations are policy data in seconds, so tests run it in seconds.
 *
 * Why a daily sweep over core banking's last-activity index, not a timer per account: as with the
 * re-verification sweep (domain/risk-life.ts), the work a day is the accounts falling idle that day,
 * and no workflow stays open for a year per account.
 */
import * as z from 'zod';
import { RE_VERIFICATION_HOLD_PREFIX } from './risk-life';

const DAY = 24 * 3600;

export const dormancyPolicySchema = z.object({
  /** How long without customer-initiated activity before an account is put to sleep. */
  idleSeconds: z.number().int().min(1),
  /**
   * How far back the sweep looks past the idle period: an account that fell idle within it and is
   * not yet asleep (a missed day, a hold core banking refused) is put to sleep by a later sweep.
   * Older ones were acted on already, so a day's sweep does not page through every sleeping account.
   */
  catchUpSeconds: z.number().int().min(0),
  /** Accounts per page of the daily sweep (one activity each). */
  pageSize: z.number().int().min(1).max(500),
});
export type DormancyPolicy = z.infer<typeof dormancyPolicySchema>;

export const defaultDormancyPolicy: DormancyPolicy = {
  // One year without customer-initiated activity: common practice in China's banks for "long
  // unused" (久悬/睡眠) personal accounts' non-counter restriction (docs/risk-life.md, Dormancy).
  idleSeconds: 365 * DAY,
  catchUpSeconds: 30 * DAY,
  pageSize: 200,
};

/** The last-activity instants a sweep at `now` lists (ISO): idle since [from, before). */
export function idleWindow(now: string, policy: DormancyPolicy): { from: string; before: string } {
  const before = Date.parse(now) - policy.idleSeconds * 1000;
  return {
    from: new Date(before - policy.catchUpSeconds * 1000).toISOString(),
    before: new Date(before).toISOString(),
  };
}

/** When an account last active at `since` falls asleep (ISO). */
export const dormantFrom = (since: string, policy: DormancyPolicy): string =>
  new Date(Date.parse(since) + policy.idleSeconds * 1000).toISOString();

/** How every hold dormancy places begins: what tells it from every other kind. */
export const DORMANT_HOLD_PREFIX = 'dormant:';

/**
 * The receive-only hold of an account idle since `since` (its last customer-initiated activity):
 * one per idle stretch, so the sweep places it once, and a stretch after waking gets a new one.
 */
export const dormantHoldId = (since: string): string => `${DORMANT_HOLD_PREFIX}${since}:RECEIVE_ONLY`;

/** The hold's reason as core banking keeps it (staff read it; apps read only the restriction kind). */
export const DORMANT = 'DORMANT';

/**
 * The kinds of hold a passed re-verification lifts: a missed re-verification's and dormancy's,
 * both the holder's to clear by proving who they are. Never another kind (a review's, an expired
 * card's, a bank's restriction): each is its own hold, lifted by its own remedy.
 */
export const HOLDS_RE_VERIFICATION_LIFTS: readonly string[] = [
  RE_VERIFICATION_HOLD_PREFIX,
  DORMANT_HOLD_PREFIX,
];

export const liftedByReVerification = (holdId: string): boolean =>
  HOLDS_RE_VERIFICATION_LIFTS.some((prefix) => holdId.startsWith(prefix));
