/**
 * Legal holds and data exports at the API's boundary (docs/retention.md): a supervisor stops
 * the destruction of an application's data while a court or regulator needs it, and exports
 * what the bank holds on one person. The schemas are the boundary's types.
 */
import * as z from 'zod';
import { idNumberSchema } from './applicant';
import { applicationIdSchema } from './identifiers';

const accountNumberSchema = z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number');

/** Why, as the supervisor states it: the legal basis and case reference (not a person's details). */
const reasonSchema = z
  .string()
  .trim()
  .min(3, 'must state why (the legal basis or case reference), at least 3 characters')
  .max(500);

/** POST /v1/legal-holds: exactly one target, and a reason. */
export const placeLegalHoldSchema = z
  .strictObject({
    applicationId: applicationIdSchema.optional(),
    accountNumber: accountNumberSchema.optional(),
    reason: reasonSchema,
  })
  .refine((b) => (b.applicationId === undefined) !== (b.accountNumber === undefined), {
    message: 'give exactly one of applicationId or accountNumber',
    path: ['applicationId'],
  });
export type PlaceLegalHold = z.infer<typeof placeLegalHoldSchema>;

export const legalHoldIdSchema = z.string().regex(/^lh-[0-9a-f]{32}$/, 'must be a legalHoldId');

export const legalHoldParamsSchema = z.strictObject({ legalHoldId: legalHoldIdSchema });

/** DELETE /v1/legal-holds/{legalHoldId}: why it is released. */
export const releaseLegalHoldSchema = z.strictObject({ reason: reasonSchema });

export const legalHoldSchema = z.object({
  legalHoldId: z.string(),
  /** The application whose data it keeps (an account's hold names the application that opened it). */
  applicationId: z.string(),
  accountNumber: z.string().optional(),
  status: z.enum(['STANDING', 'RELEASED']),
  reason: z.string(),
  placedBy: z.string(),
  placedAt: z.string(),
  releasedBy: z.string().optional(),
  releasedAt: z.string().optional(),
  releaseReason: z.string().optional(),
});
export type LegalHold = z.infer<typeof legalHoldSchema>;

export const legalHoldListSchema = z.object({ legalHolds: z.array(legalHoldSchema) });

/** POST /v1/data-exports: the ID number in the body, never in a URL or a log line. */
export const dataExportRequestSchema = z.strictObject({ idNumber: idNumberSchema });
