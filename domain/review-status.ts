/**
 * A review's statuses and the sets of them that the workflow, the API and the console branch on,
 * written once. Plain arrays, no zod: the console's bundle and workflow code import them as they
 * are (domain/review.ts builds its schema from REVIEW_STATUSES).
 *
 * PENDING: a round waits for an operator. AWAITING_SECOND_DECISION: its first decision needs a
 * second one from someone else (a watch-list approval: another operator; closing the account or
 * confirming fraud: a supervisor). ACTION_PENDING: decided, and core banking has not yet done its
 * part (a hold, a lift, a close): retried, ops alerted. AWAITING_RESUBMISSION: the customer is
 * asked for new photos. CLEARED, CLOSED and FRAUD_CONFIRMED end the review (docs/terminal-states.md).
 */
export const REVIEW_STATUSES = [
  'PENDING',
  'AWAITING_SECOND_DECISION',
  'ACTION_PENDING',
  'AWAITING_RESUBMISSION',
  'CLEARED',
  'CLOSED',
  'FRAUD_CONFIRMED',
] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Statuses in which the open round takes a decision: its first, or the second a proposal needs. */
export const DECIDING: readonly ReviewStatus[] = ['PENDING', 'AWAITING_SECOND_DECISION'];

/** Statuses in which a case waits on someone: an operator, the customer or core banking. */
export const OPEN: readonly ReviewStatus[] = [...DECIDING, 'ACTION_PENDING', 'AWAITING_RESUBMISSION'];

/** Statuses that end the review. */
export const ENDED: readonly ReviewStatus[] = ['CLEARED', 'CLOSED', 'FRAUD_CONFIRMED'];

export const isDeciding = (status: ReviewStatus): boolean => DECIDING.includes(status);
