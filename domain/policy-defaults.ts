/** The policy's defaults, without zod: workflow code reads them without building policy.ts's schemas. */
import type { Policy } from './policy';
import { defaultReviewPolicy } from './review-defaults';

/**
 * The per-person cap on Class II accounts is core banking's (it counts the person's accounts of
 * every channel): applications no longer carry it. Inputs of applications started before still
 * hold a `classIIPerPersonCap`, which nothing reads.
 */
export const defaultPolicy: Policy = {
  smsCodeMaxAttempts: 3,
  // UnionPay's codes live 5 minutes (the sandbox's default too): the wait agrees.
  smsCodeWaitSeconds: 5 * 60,
  smsResendIntervalSeconds: 60,
  smsMaxResends: 3,
  applicationDeadlineSeconds: 3600,
  // Not bound, never handed to the customer: nothing may move in or out until the bank settles it.
  failedAccountRestriction: 'FROZEN',
  restrictionGiveUpSeconds: 10 * 60,
  webhookGiveUpSeconds: 24 * 3600,
  review: defaultReviewPolicy,
  // DESIGN.md: one device or mobile behind 3 or more ID numbers within 30 days.
  linkedApplicants: { windowSeconds: 30 * 24 * 3600, identitiesAt: 3 },
  // A tenth of a Class II account's caps (10,000 a day, 200,000 a year) for a HIGH-risk holder.
  highRiskLimits: { dailyCny: 1000, yearlyCny: 20_000 },
};

/**
 * The policy a running application goes by: its input's, with today's defaults for any setting
 * added after it started (or sent by an API older than the worker).
 */
export const policyWithDefaults = (policy: Policy): Policy => ({ ...defaultPolicy, ...policy });
