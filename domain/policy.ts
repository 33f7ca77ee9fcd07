import { z } from 'zod';
import { defaultReviewPolicy, reviewPolicySchema } from './review';

/** Policy is workflow input, so tests run the same code with seconds instead of minutes. */
export const policySchema = z.object({
  smsCodeMaxAttempts: z.number().int().min(1).max(10),
  /** How long the application waits for the app to submit the code before it is abandoned. */
  smsCodeWaitSeconds: z.number().positive(),
  classIIPerPersonCap: z.number().int().min(1),
  /** Webhooks to the app are retried with backoff for this long, then given up (and logged so). */
  webhookGiveUpSeconds: z.number().positive(),
  review: reviewPolicySchema,
});
export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = {
  smsCodeMaxAttempts: 3,
  smsCodeWaitSeconds: 15 * 60,
  classIIPerPersonCap: 5,
  webhookGiveUpSeconds: 24 * 3600,
  review: defaultReviewPolicy,
};

/** Abuse limits the API enforces before anything starts (vendors allow about 5 card checks a day). */
export const abuseLimitsSchema = z.object({
  applicationsPerCardPerDay: z.number().int().positive(),
  applicationsPerMobilePerDay: z.number().int().positive(),
});
export type AbuseLimits = z.infer<typeof abuseLimitsSchema>;

export const defaultAbuseLimits: AbuseLimits = {
  applicationsPerCardPerDay: 5,
  applicationsPerMobilePerDay: 5,
};
