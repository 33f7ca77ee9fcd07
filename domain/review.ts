/**
 * The manual review of an account opened with a doubt. Operators decide rounds; a rejected
 * round puts a payment hold on the account until the customer re-submits a clean ID card and
 * another operator approves.
 */
import { z } from 'zod';
import { deliverySchema } from './deliveries';
import { type IdCardPhotos, idCardPhotosSchema } from './documents';
import { applicationIdSchema, channelSchema, flowVersionSchema } from './identifiers';
import { reasonCodeSchema } from './steps';

export const reviewStatusSchema = z.enum(['PENDING', 'AWAITING_RESUBMISSION', 'CLEARED']);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const holdStateSchema = z.enum(['NONE', 'RECEIVE_ONLY', 'FROZEN']);
export type HoldState = z.infer<typeof holdStateSchema>;

/** Why an operator decided as they did: a fixed list, so decisions can be counted and audited. */
export const approveReasonSchema = z.enum([
  'DOCUMENT_LEGIBLE_ON_INSPECTION',
  'IDENTITY_CONFIRMED_BY_CALL',
  'RESUBMITTED_DOCUMENT_VERIFIED',
]);
export const rejectReasonSchema = z.enum([
  'DOCUMENT_ILLEGIBLE',
  'DOCUMENT_SUSPECTED_ALTERED',
  'PHOTO_DOES_NOT_MATCH_APPLICANT',
  'OTHER',
]);
export const decisionReasonSchema = z.union([approveReasonSchema, rejectReasonSchema]);

export const decisionRequestSchema = z
  .strictObject({
    round: z.number().int().min(1),
    decision: z.enum(['APPROVE', 'REJECT']),
    reasonCode: decisionReasonSchema,
    note: z.string().trim().min(1).max(1000).optional(),
  })
  .superRefine((d, ctx) => {
    const allowed = d.decision === 'APPROVE' ? approveReasonSchema : rejectReasonSchema;
    if (!allowed.safeParse(d.reasonCode).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['reasonCode'],
        message: `must be one of ${allowed.options.join(', ')} for ${d.decision}`,
      });
    }
    if (d.decision === 'REJECT' && !d.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required when rejecting' });
    }
  });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export const decisionSchema = z.object({
  round: z.number().int(),
  decision: z.enum(['APPROVE', 'REJECT']),
  reasonCode: decisionReasonSchema,
  note: z.string().optional(),
  /** From the caller's token, never from the request body. */
  operator: z.string(),
  decidedAt: z.string(),
  ruleVersion: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const reviewPolicySchema = z.object({
  /** No decision within this time escalates the case (it stays open). */
  operatorSlaSeconds: z.number().positive(),
  /** No re-submission within this time raises the hold to the stronger restriction. */
  resubmissionDeadlineSeconds: z.number().positive(),
  restrictionAfterDeadline: z.enum(['FROZEN', 'NONE']),
  /** The operator who rejected a round may not approve the next one. */
  fourEyes: z.boolean(),
  ruleVersion: z.string(),
  webhookGiveUpSeconds: z.number().positive(),
});
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const defaultReviewPolicy: ReviewPolicy = {
  operatorSlaSeconds: 4 * 3600,
  resubmissionDeadlineSeconds: 30 * 24 * 3600,
  restrictionAfterDeadline: 'FROZEN',
  fourEyes: true,
  ruleVersion: 'review-rules-2026-11',
  webhookGiveUpSeconds: 24 * 3600,
};

export const reviewInputSchema = z.object({
  applicationId: applicationIdSchema,
  accountNumber: z.string(),
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  /** Re-submitted photos are checked against these. */
  applicant: z.object({ name: z.string(), idNumber: z.string() }),
  reasons: z.array(reasonCodeSchema),
  policy: reviewPolicySchema,
});
export type ReviewInput = z.infer<typeof reviewInputSchema>;

/** New photos of both sides of the ID card. */
export const resubmissionSchema = idCardPhotosSchema;
export type Resubmission = IdCardPhotos;

export const resubmissionResultSchema = z.object({
  reviewId: z.string(),
  round: z.number().int(),
  accepted: z.boolean(),
  /** Why the photos were not accepted: the customer is asked again. */
  reasons: z.array(reasonCodeSchema),
});
export type ResubmissionResult = z.infer<typeof resubmissionResultSchema>;

export const reviewCaseSchema = z.object({
  reviewId: z.string(),
  applicationId: z.string(),
  accountNumber: z.string(),
  status: reviewStatusSchema,
  round: z.number().int(),
  reasons: z.array(reasonCodeSchema),
  escalated: z.boolean(),
  hold: holdStateSchema,
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  decisions: z.array(decisionSchema),
  deliveries: z.array(deliverySchema),
  /** Re-submissions in order: when, and what the photo check said. */
  resubmissions: z.array(
    z.object({
      round: z.number().int(),
      at: z.string(),
      accepted: z.boolean(),
      reasons: z.array(reasonCodeSchema),
    }),
  ),
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

/** One row of the review queue. */
export const reviewSummarySchema = reviewCaseSchema.pick({
  reviewId: true,
  accountNumber: true,
  status: true,
  round: true,
  reasons: true,
  escalated: true,
  hold: true,
});
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;
