/** The delivery log of webhook events, kept by the workflow that sent them. */
import { z } from 'zod';

export const appEventTypeSchema = z.enum([
  'APPLICATION_REJECTED',
  'ACCOUNT_OPENED',
  'HOLD_APPLIED',
  'RESUBMISSION_REQUESTED',
  'HOLD_LIFTED',
  'ACCOUNT_FROZEN',
  // For the bank's operations team rather than the app.
  'REVIEW_ESCALATED',
]);
export type AppEventType = z.infer<typeof appEventTypeSchema>;

export const deliverySchema = z.object({
  eventId: z.string(),
  type: appEventTypeSchema,
  status: z.enum(['PENDING', 'DELIVERED', 'GAVE_UP']),
  /** Tries it took; more than 1 means the receiver was down for a while. */
  attempts: z.number().int().optional(),
  at: z.string().optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;
