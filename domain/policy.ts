import { z } from 'zod';
import { defaultReviewPolicy, reviewPolicySchema } from './review';

/** Policy is workflow input, so tests run the same code with seconds instead of minutes. */
export const policySchema = z.object({
  smsCodeMaxAttempts: z.number().int().min(1).max(10),
  /** How long the application waits for the app to submit the code before it is abandoned. */
  smsCodeWaitSeconds: z.number().positive(),
  classIIPerPersonCap: z.number().int().min(1),
  review: reviewPolicySchema,
});
export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = {
  smsCodeMaxAttempts: 3,
  smsCodeWaitSeconds: 15 * 60,
  classIIPerPersonCap: 5,
  review: defaultReviewPolicy,
};
