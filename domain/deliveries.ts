/** The delivery log of webhook events, kept by the workflow that sent them. */
import * as z from 'zod';
import { appEventTypeSchema } from '../contracts/providers';

/** The webhook events apps receive: their wire format is in contracts/providers.ts. */
export { appEventTypeSchema };

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

/**
 * Events for the bank's operations team (escalations, refused holds, confirmed fraud, failures
 * to settle): never shown to an app, a partner or a customer.
 */
export const isOpsEvent = (type: AppEventType): boolean =>
  type === 'REVIEW_ESCALATED' || type.startsWith('OPS_');
