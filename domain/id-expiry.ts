/**
 * What happens to an account as its holder's ID card nears and passes its end date (DESIGN.md
 * "ID expiry"): a reminder before, receive-only (只收不付) some days after, frozen (不收不付)
 * later; a valid card presented restores it. Days are policy data; the decision is pure, so the
 * daily sweep (workflows/id-expiry/) and the tests agree on it.
 *
 * Why a sweep and not a timer per account: a year of timers for a million accounts would be a
 * million open workflows, each a history to keep and a task to run when its timer fires. The
 * validity lives with the account in core banking (indexed by date), and one run a day asks core
 * banking for the accounts whose card falls in the window that matters today, a page at a time:
 * the work is proportional to the accounts that need something that day, not to all accounts.
 */
import * as z from 'zod';
import { addDays } from './china-time';
import { daysUntilExpiry, type IdValidUntil } from './id-validity';
import { reasonCodeSchema } from './steps';

export const idExpiryPolicySchema = z.object({
  /** Days before the end date when the customer is reminded. */
  remindDaysBefore: z.number().int().min(0),
  /** Days after the end date when the account becomes receive-only. */
  receiveOnlyDaysAfter: z.number().int().min(0),
  /** Days after the end date when it is frozen. */
  frozenDaysAfter: z.number().int().min(1),
  /**
   * A day's sweep also looks this many days back, so a sweep missed (the cluster down) catches
   * up, and reminders go out on these first days of the window only (apps de-duplicate by event id).
   */
  catchUpDays: z.number().int().min(1),
  /** Accounts per page (one activity each). */
  pageSize: z.number().int().min(1).max(500),
});
export type IdExpiryPolicy = z.infer<typeof idExpiryPolicySchema>;

export const defaultIdExpiryPolicy: IdExpiryPolicy = {
  remindDaysBefore: 30,
  receiveOnlyDaysAfter: 30,
  frozenDaysAfter: 60,
  catchUpDays: 7,
  pageSize: 200,
};

export type ExpiryStage = 'REMINDER' | 'RECEIVE_ONLY' | 'FROZEN';

/** Where a card stands on `asOf` (a China date): undefined when nothing is due (or a LONG card). */
export function expiryStage(
  validUntil: IdValidUntil,
  asOf: string,
  policy: IdExpiryPolicy,
): ExpiryStage | undefined {
  const days = daysUntilExpiry(validUntil, asOf);
  if (days === undefined) return undefined;
  if (days <= -policy.frozenDaysAfter) return 'FROZEN';
  if (days <= -policy.receiveOnlyDaysAfter) return 'RECEIVE_ONLY';
  if (days <= policy.remindDaysBefore && days > policy.remindDaysBefore - policy.catchUpDays)
    return 'REMINDER';
  return undefined;
}

/** The dates a sweep on `asOf` lists: cards ending in [from, before). */
export function sweepWindow(asOf: string, policy: IdExpiryPolicy): { from: string; before: string } {
  return {
    from: addDays(asOf, -(policy.frozenDaysAfter + policy.catchUpDays)),
    before: addDays(asOf, policy.remindDaysBefore + 1),
  };
}

/** POST /v1/accounts/{accountNumber}/id-renewal answers this. */
export const idRenewalResultSchema = z.object({
  accepted: z.boolean(),
  /** Why the photos were not accepted: the customer tries again. */
  reasons: z.array(reasonCodeSchema),
  /** The new card's end date, kept with the account. */
  idValidUntil: z.string().optional(),
  /** The expiry holds lifted. */
  lifted: z.array(z.string()),
});
export type IdRenewalResult = z.infer<typeof idRenewalResultSchema>;

/** How every hold an expired card places begins: what tells them from a review's holds. */
export const ID_EXPIRY_HOLD_PREFIX = 'id-expiry:';

/** The holds an expired card places, one per stage and end date: a renewed card lifts both. */
export const idExpiryHoldId = (validUntil: string, type: 'RECEIVE_ONLY' | 'FROZEN') =>
  `${ID_EXPIRY_HOLD_PREFIX}${validUntil}:${type}`;
