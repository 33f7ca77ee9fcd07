/** How operators (decisions) and apps (re-submitted ID photos) reach a review. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  CaseFile,
  Claim,
  DecisionRequest,
  Resubmission,
  ResubmissionResult,
  ReviewCase,
} from '../../domain/review';
import type { Signed } from './message-signature';

/**
 * An operator's decision on a round; `operator` and `supervisor` come from the caller's token
 * (callers from before `supervisor` existed send none: not a supervisor), and the API's
 * signature vouches for them (message-signature.ts).
 */
export const decide = defineUpdate<
  ReviewCase,
  [DecisionRequest & { operator: string; supervisor?: boolean } & Signed]
>('decide');

/** New ID-card photos from the customer; answers whether they were good enough to review. */
export const resubmit = defineUpdate<ResubmissionResult, [Resubmission]>('resubmit');

export const getReview = defineQuery<ReviewCase>('getReview');

/**
 * An operator takes (or renews) the case's claim for the policy's lease; refused while another
 * holds it. Answers who holds it and until when.
 */
export const claim = defineUpdate<Claim, [{ operator: string } & Signed]>('claim');

/** Ends the claim: its holder, or a supervisor (`supervisor: true`). */
export const releaseClaim = defineUpdate<void, [{ operator: string; supervisor: boolean } & Signed]>(
  'releaseClaim',
);

/** Staff only (the API masks it): the applicant as entered and every ID photo of the case. */
export const getCaseFile = defineQuery<CaseFile>('getCaseFile');
