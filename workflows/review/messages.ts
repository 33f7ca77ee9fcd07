/** How operators (decisions) and apps (re-submitted ID photos) reach a review. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DecisionRequest, Resubmission, ResubmissionResult, ReviewCase } from '../../domain/review';

/** An operator's decision on a round; `operator` comes from the caller's token. */
export const decide = defineUpdate<ReviewCase, [DecisionRequest & { operator: string }]>('decide');

/** New ID-card photos from the customer; answers whether they were good enough to review. */
export const resubmit = defineUpdate<ResubmissionResult, [Resubmission]>('resubmit');

export const getReview = defineQuery<ReviewCase>('getReview');
