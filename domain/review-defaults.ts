/**
 * The review policy's defaults, without zod: the starter writes them, whole, into each review's
 * input (policy-defaults.ts). Changing one changes reviews started from then on; reviews already
 * running keep what their input holds.
 */
import type { ReviewPolicy } from './review';

export const defaultReviewPolicy: ReviewPolicy = {
  operatorSlaSeconds: 4 * 3600,
  resubmissionDeadlineSeconds: 30 * 24 * 3600,
  restrictionAfterDeadline: 'FROZEN',
  fourEyes: true,
  ruleVersion: 'review-rules-2026-11',
  webhookGiveUpSeconds: 24 * 3600,
  claimLeaseSeconds: 15 * 60,
  // LINKED_APPLICANTS (flow v4) is treated as a watch-list doubt: receive-only, two operators.
  restrictingReasons: ['WATCHLIST_POSSIBLE_MATCH', 'FACE_BORDERLINE', 'LINKED_APPLICANTS'],
  secondApprovalReasons: ['WATCHLIST_POSSIBLE_MATCH', 'LINKED_APPLICANTS'],
  maxFailedResubmissionsPerRound: 5,
  // Three months frozen without new photos: the bank closes the account (and returns the money).
  frozenDeadlineSeconds: 90 * 24 * 3600,
  afterFrozenDeadline: 'CLOSE_ACCOUNT',
  bankActionWindowSeconds: 60,
  bankActionBackoffSeconds: 60,
  bankActionMaxBackoffSeconds: 3600,
  // Well below Temporal's warnings (10,240 events, 10 MB) and its 2,000 updates per run.
  continueAsNewAtEvents: 5_000,
  continueAsNewAtUpdates: 1_000,
  // An app's request waits on the check: half a minute, then the customer is asked to try again.
  resubmissionCallSeconds: 30,
};
