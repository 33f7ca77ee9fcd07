import { z } from 'zod';
import { applicantSchema, boundAccountSchema } from './applicant';
import { reasonCodeSchema, stepResultSchema } from './steps';

/** Apps generate a UUID per application: safe to use in workflow ids (never PII). */
export const applicationIdSchema = z
  .uuid('must be a UUID the app generates once per application')
  // One application, one workflow id, whatever case the app sends.
  .transform((id) => id.toLowerCase());

/** Content address of a stored document: hex SHA-256 of its bytes. */
export const documentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a documentId from POST /v1/documents');

export const flowVersionSchema = z.enum(['v3']);
export type FlowVersion = z.infer<typeof flowVersionSchema>;

export const channelSchema = z.enum(['OWN_APP']);
export type Channel = z.infer<typeof channelSchema>;

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

/** Policy is workflow input, so tests run the same code with seconds instead of minutes. */
export const policySchema = z.object({
  smsCodeMaxAttempts: z.number().int().min(1).max(10),
  /** How long the application waits for the app to submit the code before it is abandoned. */
  smsCodeWaitSeconds: z.number().positive(),
  classIIPerPersonCap: z.number().int().min(1),
});
export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = {
  smsCodeMaxAttempts: 3,
  smsCodeWaitSeconds: 15 * 60,
  classIIPerPersonCap: 5,
};

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
  applicationId: applicationIdSchema,
  status: applicationStatusSchema,
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  steps: z.array(stepResultSchema),
  warnings: z.array(warningSchema),
  reasons: z.array(reasonCodeSchema).optional(),
  smsAttemptsLeft: z.number().int().optional(),
  accountNumber: z.string().optional(),
  review: reviewStateSchema.optional(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const submitCodeResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('OPENED'), accountNumber: z.string(), review: reviewStateSchema }),
  z.object({ status: z.literal('WRONG_CODE'), attemptsLeft: z.number().int() }),
  z.object({ status: z.literal('REJECTED'), reasons: z.array(reasonCodeSchema) }),
]);
export type SubmitCodeResult = z.infer<typeof submitCodeResultSchema>;
