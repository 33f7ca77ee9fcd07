/**
 * How long the bank keeps a person's identification data, as policy data and pure rules
 * (docs/retention.md). Two laws pull in opposite directions: the revised Anti-Money Laundering
 * Law (in force 2025-01-01) keeps a customer's identification data at least 10 years after the
 * business relationship ends (the account closed); PIPL (art. 19, 47) keeps nothing longer than
 * its purpose needs, so an applicant who never became a customer (rejected, failed, abandoned)
 * is destroyed after a short policy period. A legal hold stops both until it is released.
 *
 * Who is a customer is read from core banking, not from the application's status: an
 * application that FAILED after its account was opened (a lost answer, frozen) made a customer
 * all the same, and the AML period applies to that account.
 */
import * as z from 'zod';

const DAY = 86_400;

export const retentionPolicySchema = z.strictObject({
  /** After an application of someone who never became a customer ended (PIPL: no longer than needed). */
  neverCustomerSeconds: z.int().positive(),
  /**
   * After the last of the application's accounts closed (AML: at least 10 years). The default is
   * 3,653 days: ten years with their leap days, never a day short.
   */
  customerSeconds: z.int().positive(),
  /** A closed review round's documents: after the round closed, the same period as a customer's. */
  reviewDocumentsSeconds: z.int().positive(),
  /**
   * How soon an application whose account is still open is looked at again. Closing is found by
   * reading core banking then; it must be shorter than customerSeconds, so that the AML period
   * still counts from the real closedAt and nothing is kept past it.
   */
  customerCheckSeconds: z.int().positive(),
  /**
   * Applications that ended in the last this many seconds are indexed on a later run: visibility
   * is eventually consistent, and one seen late must not be skipped by the watermark.
   */
  visibilityLagSeconds: z.int().min(0),
  /** Index rows (or ended applications) per activity: a page, never the whole table in memory. */
  pageSize: z.int().min(1).max(1000),
});
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

export const defaultRetentionPolicy: RetentionPolicy = {
  neverCustomerSeconds: 180 * DAY,
  customerSeconds: 3653 * DAY,
  reviewDocumentsSeconds: 3653 * DAY,
  customerCheckSeconds: 30 * DAY,
  visibilityLagSeconds: 300,
  pageSize: 200,
};

/** Which rule made data due: what an audit entry and a refusal name. */
export const retentionRuleSchema = z.enum(['NEVER_CUSTOMER', 'CUSTOMER', 'REVIEW_ROUND_DOCUMENTS']);
export type RetentionRule = z.infer<typeof retentionRuleSchema>;

/** Where a page of the due-date index ended (its order: lookAt, then applicationId); the next page starts after it. */
export interface DueCursor {
  lookAt: string;
  applicationId: string;
}

/** What the rules need to know of one application. */
export interface ApplicationFacts {
  /** When its onboarding workflow ended; absent while it runs. */
  endedAt?: string;
  /** The accounts core banking opened under it (by reference), whatever their status. */
  accounts: readonly { closedAt?: string | undefined }[];
}

/** A legal hold as the rules see it: standing until released. */
export interface HoldFacts {
  legalHoldId: string;
  releasedAt?: string | undefined;
}

export type RetentionVerdict =
  /** Due at `at` (perhaps already past) under `rule`. */
  | { due: true; at: string; rule: RetentionRule }
  /** Not due at any known time yet: the application runs, an account is open, or a hold stands. */
  | { due: false; because: 'RUNNING' | 'ACCOUNT_OPEN' | 'LEGAL_HOLD'; legalHoldIds?: string[] };

const plusSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

export const standingHolds = (holds: readonly HoldFacts[]): HoldFacts[] =>
  holds.filter((h) => h.releasedAt === undefined);

/**
 * When an application's data is due for destruction, or why it is not yet. A standing hold wins
 * over everything; then a running application; then a customer's open account.
 */
export function retentionDue(
  facts: ApplicationFacts,
  holds: readonly HoldFacts[],
  policy: Pick<RetentionPolicy, 'neverCustomerSeconds' | 'customerSeconds'>,
): RetentionVerdict {
  const standing = standingHolds(holds);
  if (standing.length) {
    return { due: false, because: 'LEGAL_HOLD', legalHoldIds: standing.map((h) => h.legalHoldId) };
  }
  if (facts.endedAt === undefined) return { due: false, because: 'RUNNING' };
  if (facts.accounts.length === 0) {
    return { due: true, at: plusSeconds(facts.endedAt, policy.neverCustomerSeconds), rule: 'NEVER_CUSTOMER' };
  }
  const closings = facts.accounts.map((a) => a.closedAt);
  if (closings.some((c) => c === undefined)) return { due: false, because: 'ACCOUNT_OPEN' };
  const lastClosed = (closings as string[]).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
  return { due: true, at: plusSeconds(lastClosed, policy.customerSeconds), rule: 'CUSTOMER' };
}

/** When a closed review round's documents are due (a standing hold: never yet). */
export function reviewRoundDocumentsDue(
  roundClosedAt: string,
  holds: readonly HoldFacts[],
  policy: Pick<RetentionPolicy, 'reviewDocumentsSeconds'>,
): RetentionVerdict {
  const standing = standingHolds(holds);
  if (standing.length) {
    return { due: false, because: 'LEGAL_HOLD', legalHoldIds: standing.map((h) => h.legalHoldId) };
  }
  return {
    due: true,
    at: plusSeconds(roundClosedAt, policy.reviewDocumentsSeconds),
    rule: 'REVIEW_ROUND_DOCUMENTS',
  };
}

/**
 * What the daily run does with an index row it reads at `now`: destroy it, or look again at
 * `lookAgainAt`. A held application stays where it is (looked at again on the next run, so a
 * release lets it go the next day); an open account is looked at again after customerCheckSeconds;
 * a customer whose accounts all closed waits for the AML period's end.
 */
export function nextStep(
  verdict: RetentionVerdict,
  now: string,
  policy: Pick<RetentionPolicy, 'customerCheckSeconds'>,
): { destroy: RetentionRule } | { lookAgainAt: string } {
  if (verdict.due) {
    return Date.parse(verdict.at) <= Date.parse(now)
      ? { destroy: verdict.rule }
      : { lookAgainAt: verdict.at };
  }
  if (verdict.because === 'LEGAL_HOLD') return { lookAgainAt: now };
  return { lookAgainAt: plusSeconds(now, policy.customerCheckSeconds) };
}

/** The earliest an ended application can be due: when it is first looked at. */
export const firstLookAt = (endedAt: string, policy: Pick<RetentionPolicy, 'neverCustomerSeconds'>): string =>
  plusSeconds(endedAt, policy.neverCustomerSeconds);

/**
 * Why a hand-made shred must not go ahead at `now`, or undefined when nothing keeps the data:
 * a standing hold, a running application, an open account, or a period not over yet (its rule
 * and end). The shred command goes ahead despite it only with a supervisor's stated legal basis.
 */
export function shredRefusal(
  facts: ApplicationFacts,
  holds: readonly HoldFacts[],
  policy: Pick<RetentionPolicy, 'neverCustomerSeconds' | 'customerSeconds'>,
  now: string,
): string | undefined {
  const verdict = retentionDue(facts, holds, policy);
  if (!verdict.due) {
    switch (verdict.because) {
      case 'LEGAL_HOLD':
        return `under legal hold ${verdict.legalHoldIds!.join(', ')}: nothing of it may be destroyed until released`;
      case 'RUNNING':
        return 'its application still runs: it is kept while it runs and for the retention period after';
      case 'ACCOUNT_OPEN':
        return 'its account is open: AML law keeps a customer’s data until 10 years after the account closes';
    }
  }
  if (Date.parse(verdict.at) > Date.parse(now)) {
    return verdict.rule === 'CUSTOMER'
      ? `kept under AML law (rule CUSTOMER: 10 years after the account closed) until ${verdict.at}`
      : `kept under the retention policy (rule ${verdict.rule}) until ${verdict.at}`;
  }
  return undefined;
}
