/**
 * The manual review of an account opened with a doubt. Operators decide rounds; a rejected
 * round puts a payment hold on the account until the customer re-submits a clean ID card and
 * another operator approves.
 */
import * as z from 'zod';
import { deliverySchema } from './deliveries';
import { type IdCardPhotos, idCardPhotosSchema } from './documents';
import { applicationIdSchema, channelSchema, flowVersionSchema, partnerIdSchema } from './identifiers';
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
  /**
   * How long an operator's claim on a case holds (the console claims a case it opens to decide);
   * reviews started before claims existed use DEFAULT_CLAIM_LEASE_SECONDS.
   */
  claimLeaseSeconds: z.number().positive().optional(),
});
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const defaultReviewPolicy: ReviewPolicy = {
  operatorSlaSeconds: 4 * 3600,
  resubmissionDeadlineSeconds: 30 * 24 * 3600,
  restrictionAfterDeadline: 'FROZEN',
  fourEyes: true,
  ruleVersion: 'review-rules-2026-11',
  webhookGiveUpSeconds: 24 * 3600,
  claimLeaseSeconds: 15 * 60,
};

export const DEFAULT_CLAIM_LEASE_SECONDS = 15 * 60;

export const reviewInputSchema = z.object({
  applicationId: applicationIdSchema,
  accountNumber: z.string(),
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  /** A PARTNER-channel account's partner bank (reviews started before this field lack it). */
  partnerId: partnerIdSchema.optional(),
  /** Re-submitted photos are checked against these. */
  applicant: z.object({ name: z.string(), idNumber: z.string() }),
  reasons: z.array(reasonCodeSchema),
  policy: reviewPolicySchema,
  /** The ID photos the application was opened with (reviews started before this field lack it). */
  documents: idCardPhotosSchema.optional(),
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

/**
 * Who is working a case, until when: a lease the holder renews by claiming again. While it holds,
 * nobody else may decide the case (a 409 naming the holder); it ends with the decision, on
 * release (the holder or a supervisor) or when it runs out.
 */
export const claimSchema = z.object({ claimedBy: z.string(), until: z.string() });
export type Claim = z.infer<typeof claimSchema>;

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
  /** The live claim, if someone holds the case. */
  claim: claimSchema.optional(),
  /** While pending: when the open round escalates if nobody decides it. */
  slaDueAt: z.string().optional(),
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

/** One stored ID photo of a case: the application's, or a re-submission's. */
export const caseDocumentSchema = z.object({
  documentId: z.string(),
  side: z.enum(['FRONT', 'BACK']),
  source: z.enum(['APPLICATION', 'RESUBMISSION']),
  /** The round the photo is judged in (a refused re-submission: the round it was sent in). */
  round: z.number().int(),
  /** False for re-submitted photos the check refused (they opened no round). */
  accepted: z.boolean(),
  at: z.string().optional(),
});
export type CaseDocument = z.infer<typeof caseDocumentSchema>;

/**
 * What staff need beside the case to judge it: the applicant as entered and the photos. The API
 * answers the name and ID number masked; revealing either is its own audited call.
 */
export const caseFileSchema = z.object({
  applicant: z.object({ name: z.string(), idNumber: z.string() }),
  documents: z.array(caseDocumentSchema),
});
export type CaseFile = z.infer<typeof caseFileSchema>;

/** One row of the review queue. */
export const reviewSummarySchema = reviewCaseSchema
  .pick({
    reviewId: true,
    accountNumber: true,
    status: true,
    round: true,
    reasons: true,
    escalated: true,
    hold: true,
  })
  .extend({
    /** When the case was opened (the review workflow started). */
    openedAt: z.string().optional(),
    flowVersion: flowVersionSchema.optional(),
    channel: channelSchema.optional(),
    /** While pending: when the open round escalates (reviews from before the console: absent). */
    slaDueAt: z.string().optional(),
    /** The claim as visibility last saw it: compare `until` with now (a lapsed one holds nothing). */
    claim: claimSchema.optional(),
  });
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;
