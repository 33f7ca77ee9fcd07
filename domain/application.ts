import { z } from 'zod';
import { applicantSchema, boundAccountSchema } from './applicant';
import { deliverySchema } from './deliveries';
import { applicationIdSchema, channelSchema, documentIdSchema, flowVersionSchema } from './identifiers';
import { policySchema } from './policy';
import { reasonCodeSchema, stepResultSchema } from './steps';

export * from './identifiers';
export * from './policy';

export const startApplicationRequestSchema = z
  .strictObject({
    applicationId: applicationIdSchema,
    flowVersion: flowVersionSchema.default('v3'),
    channel: channelSchema.default('OWN_APP'),
    applicant: applicantSchema,
    boundAccount: boundAccountSchema,
    documents: z.strictObject({
      idFront: documentIdSchema.optional(),
      idBack: documentIdSchema.optional(),
      selfie: documentIdSchema.optional(),
    }),
  })
  .superRefine((req, ctx) => {
    if (req.flowVersion === 'v3') {
      for (const side of ['idFront', 'idBack'] as const) {
        if (!req.documents[side]) {
          ctx.addIssue({ code: 'custom', path: ['documents', side], message: 'is required by flow v3' });
        }
      }
    }
  });
export type StartApplicationRequest = z.infer<typeof startApplicationRequestSchema>;

export const smsCodeSchema = z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the SMS');
export const submitSmsCodeRequestSchema = z.strictObject({ code: smsCodeSchema });

export const warningSchema = z.enum(['CARD_FAILS_LUHN']);

export const onboardingInputSchema = z.object({
  applicationId: applicationIdSchema,
  /** Hash of the start request: a re-sent start must carry the same body. */
  requestFingerprint: z.string(),
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  applicant: applicantSchema,
  boundAccount: boundAccountSchema,
  documents: z.object({ idFront: documentIdSchema, idBack: documentIdSchema }),
  warnings: z.array(warningSchema),
  policy: policySchema,
});
export type OnboardingInput = z.infer<typeof onboardingInputSchema>;

export const applicationStatusSchema = z.enum([
  'CHECKING',
  'AWAITING_SMS_CODE',
  'OPENING',
  'OPENED',
  'REJECTED',
  'ABANDONED',
]);
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

export const reviewStateSchema = z.enum(['NONE', 'PENDING']);

export const applicationViewSchema = z.object({
  // Answers carry ids as stored (lower case); transforms belong to requests only.
  applicationId: z.string(),
  status: applicationStatusSchema,
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  steps: z.array(stepResultSchema),
  warnings: z.array(warningSchema),
  reasons: z.array(reasonCodeSchema).optional(),
  smsAttemptsLeft: z.number().int().optional(),
  accountNumber: z.string().optional(),
  review: reviewStateSchema.optional(),
  /** Webhook deliveries of this application's events: the app's delivery log. */
  deliveries: z.array(deliverySchema),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const submitCodeResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('OPENED'), accountNumber: z.string(), review: reviewStateSchema }),
  z.object({ status: z.literal('WRONG_CODE'), attemptsLeft: z.number().int() }),
  z.object({ status: z.literal('REJECTED'), reasons: z.array(reasonCodeSchema) }),
]);
export type SubmitCodeResult = z.infer<typeof submitCodeResultSchema>;
