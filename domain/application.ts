import * as z from 'zod';
import { applicantSchema, boundAccountSchema, mobileSchema } from './applicant';
import { deliverySchema } from './deliveries';
import { documentIdsSchema } from './documents';
import { flows } from './flows';
import { applicationIdSchema, channelSchema, flowVersionSchema, partnerIdSchema } from './identifiers';
import { devicePlatformSchema, deviceSchema, intentSchema } from './opening-intent';
import { channelPolicies, policySchema } from './policy';
import { riskRatingSchema } from './risk-rating';
import { SMS_CODE_MESSAGE, SMS_CODE_PATTERN } from './sms-code';
import { failedStepSchema, shownReasonSchema, shownStepSchema } from './steps';

// What an application's start carries and is started with, for the API and its tests in one import.
export * from './identifiers';
export * from './policy';
export { defaultPolicy, policyWithDefaults } from './policy-defaults';

/** The applicant as a start request gives it: the mobile is optional where the flow needs no reserved phone. */
export const requestApplicantSchema = applicantSchema.extend({ mobile: mobileSchema.optional() });
export type RequestApplicant = z.infer<typeof requestApplicantSchema>;

/**
 * The start request. The flow version is the request's, else the channel's default
 * (domain/policy.ts); what the request must carry follows from the version (domain/flows.ts).
 * The channel comes from the caller's token: the API fills it in, and refuses a body that names
 * another one.
 */
export const startApplicationRequestSchema = z
  .strictObject({
    applicationId: applicationIdSchema,
    flowVersion: flowVersionSchema.optional(),
    channel: channelSchema.default('OWN_APP'),
    applicant: requestApplicantSchema,
    boundAccount: boundAccountSchema,
    documents: documentIdsSchema,
    /** Flow v4: the purpose and the declaration (开户意愿); optional before v4. */
    intent: intentSchema.optional(),
    /** Flow v4: the device applied from, for anti-fraud use only (personal data); optional before v4. */
    device: deviceSchema.optional(),
  })
  .superRefine((req, ctx) => {
    const channel = channelPolicies[req.channel];
    const version = req.flowVersion ?? channel.defaultFlowVersion;
    if (!channel.flowVersions.includes(version)) {
      ctx.addIssue({
        code: 'custom',
        path: ['flowVersion'],
        message: `is not offered on the ${req.channel} channel, which offers ${channel.flowVersions.join(', ')}`,
      });
      return;
    }
    const flow = flows[version];
    for (const document of flow.documents) {
      if (!req.documents?.[document]) {
        ctx.addIssue({
          code: 'custom',
          path: ['documents', document],
          message: `is required by flow ${version}`,
        });
      }
    }
    if (flow.mobileRequired && req.applicant && !req.applicant.mobile) {
      ctx.addIssue({
        code: 'custom',
        path: ['applicant', 'mobile'],
        message: `is required by flow ${version} (the card's reserved mobile)`,
      });
    }
    if (flow.intentAndDevice) {
      if (!req.intent) {
        ctx.addIssue({
          code: 'custom',
          path: ['intent'],
          message: `is required by flow ${version} (the purpose and the declaration that the account will not be rented, sold or lent)`,
        });
      }
      if (!req.device) {
        ctx.addIssue({
          code: 'custom',
          path: ['device'],
          message: `is required by flow ${version} (the device applied from, for anti-fraud use)`,
        });
      }
    }
  })
  .transform((req) => ({
    ...req,
    flowVersion: req.flowVersion ?? channelPolicies[req.channel].defaultFlowVersion,
  }));
export type StartApplicationRequest = z.infer<typeof startApplicationRequestSchema>;

export const smsCodeSchema = z.string().regex(SMS_CODE_PATTERN, SMS_CODE_MESSAGE);
export const submitSmsCodeRequestSchema = z.strictObject({ code: smsCodeSchema });

export const warningSchema = z.enum(['CARD_FAILS_LUHN']);

export const onboardingInputSchema = z.object({
  applicationId: applicationIdSchema,
  /** Hash of the start request: a re-sent start must carry the same body. */
  requestFingerprint: z.string(),
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  /** PARTNER channel: the partner bank the application (and its account) belongs to. */
  partnerId: partnerIdSchema.optional(),
  applicant: requestApplicantSchema,
  boundAccount: boundAccountSchema,
  /** The documents the flow uses: ID photos (v3), a selfie (v2), none (v1). */
  documents: documentIdsSchema,
  warnings: z.array(warningSchema),
  policy: policySchema,
  /** Flow v4: as the request gave them. Device data is personal: it stays in this (encrypted) input. */
  intent: intentSchema.optional(),
  device: deviceSchema.optional(),
});
export type OnboardingInput = z.infer<typeof onboardingInputSchema>;

export const applicationStatusSchema = z.enum([
  'CHECKING',
  'AWAITING_SMS_CODE',
  'OPENING',
  'OPENED',
  'REJECTED',
  'ABANDONED',
  /** Terminal: the application could not finish (a refusal for good, a contract error, its deadline); the reasons say why. */
  'FAILED',
]);
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

export const reviewStateSchema = z.enum(['NONE', 'PENDING']);

export const applicationViewSchema = z.object({
  // Answers carry ids as stored (lower case); transforms belong to requests only.
  applicationId: z.string(),
  status: applicationStatusSchema,
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  partnerId: z.string().optional(),
  /** Detailed for staff; apps see them through domain/public-reasons.ts. */
  steps: z.array(shownStepSchema),
  warnings: z.array(warningSchema),
  reasons: z.array(shownReasonSchema).optional(),
  smsAttemptsLeft: z.number().int().optional(),
  /** While the application waits for the code: how many new codes the app may still ask for. */
  smsResendsLeft: z.number().int().optional(),
  /** FAILED: the step or core-banking call it could not get past. */
  failedStep: failedStepSchema.optional(),
  accountNumber: z.string().optional(),
  review: reviewStateSchema.optional(),
  /** Webhook deliveries of this application's events: the app's delivery log. */
  deliveries: z.array(deliverySchema),
  // Flow v4, for staff only (domain/public-reasons.ts drops them from what apps read).
  intent: intentSchema.optional(),
  /** The device as staff see it: never its id or address. */
  device: z.object({ platform: devicePlatformSchema, appVersion: z.string().optional() }).optional(),
  /** How many distinct identities applied from this device and from this mobile within the window, this one included. */
  links: z.object({ identitiesOnDevice: z.number().int(), identitiesOnMobile: z.number().int() }).optional(),
  riskRating: riskRatingSchema.optional(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const submitCodeResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('OPENED'), accountNumber: z.string(), review: reviewStateSchema }),
  z.object({ status: z.literal('WRONG_CODE'), attemptsLeft: z.number().int() }),
  z.object({ status: z.literal('REJECTED'), reasons: z.array(shownReasonSchema) }),
  z.object({ status: z.literal('FAILED'), reasons: z.array(shownReasonSchema) }),
]);
export type SubmitCodeResult = z.infer<typeof submitCodeResultSchema>;

/** A new SMS code was sent for the same verification; the tries left carry over. */
export const resendCodeResultSchema = z.object({ resendsLeft: z.number().int() });
export type ResendCodeResult = z.infer<typeof resendCodeResultSchema>;
