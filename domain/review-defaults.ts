/** The review policy's defaults, without zod: workflow code reads them (policy-defaults.ts). */
import type { ReviewPolicy } from './review';

export const defaultReviewPolicy: ReviewPolicy = {
  operatorSlaSeconds: 4 * 3600,
  resubmissionDeadlineSeconds: 30 * 24 * 3600,
  restrictionAfterDeadline: 'FROZEN',
  fourEyes: true,
  ruleVersion: 'review-rules-2026-11',
  webhookGiveUpSeconds: 24 * 3600,
  claimLeaseSeconds: 15 * 60,
};

export const DEFAULT_CLAIM_LEASE_SECONDS = 15 * 60;
