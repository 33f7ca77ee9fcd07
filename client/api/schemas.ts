/** Request and answer shapes of HTTP API v1, built from the domain schemas. */
import { z } from 'zod';
import {
  accountClassSchema,
  accountLimitsSchema,
  accountStatusSchema,
  holdSchema,
} from '../../contracts/core-banking';
import { boundAccountKindSchema } from '../../domain/applicant';
import {
  applicationIdSchema,
  applicationViewSchema,
  documentIdSchema,
  reviewStateSchema,
} from '../../domain/application';
import { reasonCodeSchema } from '../../domain/steps';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  attemptsLeft: z.number().int().optional(),
  applicationStatus: z.string().optional(),
});

export const applicationParamsSchema = z.strictObject({ applicationId: applicationIdSchema });

export const documentCreatedSchema = z.object({ documentId: documentIdSchema });

export const submitCodeAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('OPENED'), accountNumber: z.string(), review: reviewStateSchema }),
  z.object({ status: z.literal('REJECTED'), reasons: z.array(reasonCodeSchema) }),
]);

export const accountParamsSchema = z.strictObject({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number'),
});

export const accountViewSchema = z.object({
  accountNumber: z.string(),
  accountClass: accountClassSchema,
  status: accountStatusSchema,
  limits: accountLimitsSchema,
  openedAt: z.string(),
  holds: z.array(holdSchema),
  boundAccount: z.object({ maskedNumber: z.string(), kind: boundAccountKindSchema }).nullable(),
});

export { applicationViewSchema };

/** Optional on every state-changing call: a client retry with the same key never does the work twice. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{8,128}$/, 'must be 8 to 128 letters, digits, dots, colons, dashes or underscores')
    .optional(),
});
