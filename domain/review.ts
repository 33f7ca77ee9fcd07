/**
 * The manual review of an account opened with a doubt. Operators decide rounds; a rejected
 * round puts a payment hold on the account until the customer re-submits a clean ID card and
 * another operator approves.
 */
import * as z from 'zod';
import { appEventSchema } from '../contracts/providers';
import { auditEventSchema } from './audit';
import { deliverySchema } from './deliveries';
import { type IdCardPhotos, idCardPhotosSchema } from './documents';
import { applicationIdSchema, channelSchema, flowVersionSchema, partnerIdSchema } from './identifiers';
import { REVIEW_STATUSES } from './review-status';
import { reasonCodeSchema } from './steps';

/** What the API and the workflow's queries say a review is (domain/review-status.ts). */
export const reviewStatusSchema = z.enum(REVIEW_STATUSES);

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
/** Closing the account: the bank will not keep it (the customer keeps the money: core banking returns it). */
export const closeReasonSchema = z.enum([
  'CUSTOMER_UNREACHABLE',
  'IDENTITY_NOT_ESTABLISHED',
  'CUSTOMER_REQUESTED',
  'FROZEN_PAST_DEADLINE',
]);
/** Confirming fraud: the account stays frozen and the case is marked for reporting. */
export const fraudReasonSchema = z.enum(['IDENTITY_THEFT', 'FORGED_DOCUMENT', 'ACCOUNT_RENTED_OR_SOLD']);
export const decisionReasonSchema = z.union([
  approveReasonSchema,
  rejectReasonSchema,
  closeReasonSchema,
  fraudReasonSchema,
]);

export const decisionKindSchema = z.enum(['APPROVE', 'REJECT', 'CLOSE_ACCOUNT', 'CONFIRM_FRAUD']);
export type DecisionKind = z.infer<typeof decisionKindSchema>;

/** The reasons each kind of decision may give. */
export const reasonsFor: Record<DecisionKind, z.ZodEnum> = {
  APPROVE: approveReasonSchema,
  REJECT: rejectReasonSchema,
  CLOSE_ACCOUNT: closeReasonSchema,
  CONFIRM_FRAUD: fraudReasonSchema,
};

/** Decisions that end the account's life with the bank: a supervisor's second decision confirms them. */
export const TERMINAL_DECISIONS: readonly DecisionKind[] = ['CLOSE_ACCOUNT', 'CONFIRM_FRAUD'];

const NOTE_REQUIRED = {
  REJECT: 'is required when rejecting',
  CLOSE_ACCOUNT: 'is required when closing the account',
  CONFIRM_FRAUD: 'is required when confirming fraud',
} as const;

export const decisionRequestSchema = z
  .strictObject({
    round: z.number().int().min(1),
    decision: decisionKindSchema,
    reasonCode: decisionReasonSchema,
    note: z.string().trim().min(1).max(1000).optional(),
  })
  .superRefine((d, ctx) => {
    const allowed = reasonsFor[d.decision];
    if (!allowed.safeParse(d.reasonCode).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['reasonCode'],
        message: `must be one of ${allowed.options.join(', ')} for ${d.decision}`,
      });
    }
    if (d.decision !== 'APPROVE' && !d.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: NOTE_REQUIRED[d.decision] });
    }
  });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export const decisionSchema = z.object({
  round: z.number().int(),
  decision: decisionKindSchema,
  reasonCode: decisionReasonSchema,
  note: z.string().optional(),
  /** From the caller's token, never from the request body. */
  operator: z.string(),
  decidedAt: z.string(),
  ruleVersion: z.string(),
  /**
   * FIRST: the first of the two decisions the round needs (it took no effect alone); SECOND: the
   * one that confirmed it; absent: a decision that took effect by itself.
   */
  stage: z.enum(['FIRST', 'SECOND']).optional(),
  /** True when the caller decided as a supervisor. */
  supervisor: z.boolean().optional(),
});
export type Decision = z.infer<typeof decisionSchema>;

/**
 * A review's safety rules, every one written into its input when it starts (the starter writes
 * the whole policy: defaultReviewPolicy, with a channel's overrides), so a running review never
 * changes when a default does.
 */
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
  /** How long an operator's claim on a case holds (the console claims a case it opens to decide). */
  claimLeaseSeconds: z.number().positive(),
  /**
   * Doubts that restrict the account from the start (只收不付: receive-only) until the review
   * clears them; other doubts open it fully, reviewed later.
   */
  restrictingReasons: z.array(reasonCodeSchema),
  /** Doubts whose approval needs two different operators. */
  secondApprovalReasons: z.array(reasonCodeSchema),
  /** Re-submitted photos the check refuses, per round, before the case goes back to an operator, escalated. */
  maxFailedResubmissionsPerRound: z.number().int().min(1),
  /** How long an account may stay frozen for want of new photos before `afterFrozenDeadline`. */
  frozenDeadlineSeconds: z.number().positive(),
  /** CLOSE_ACCOUNT: core banking closes it; ESCALATE: ops and the queue are told, and it stays frozen. */
  afterFrozenDeadline: z.enum(['CLOSE_ACCOUNT', 'ESCALATE']),
  /** One call to core banking (a hold, a lift, a close) is retried this long before the review backs off and alerts ops. */
  bankActionWindowSeconds: z.number().positive(),
  /** The first back-off after a failed window; it doubles up to `bankActionMaxBackoffSeconds`. */
  bankActionBackoffSeconds: z.number().positive(),
  bankActionMaxBackoffSeconds: z.number().positive(),
  /** A review continues as new (state carried) once its history has this many events... */
  continueAsNewAtEvents: z.number().int().min(20),
  /** ...or once this run has taken this many updates (Temporal allows 2,000 per run). */
  continueAsNewAtUpdates: z.number().int().min(2).max(1900),
  /**
   * How long each call a re-submission makes (the photo check, recording the card's end date,
   * lifting the expiry holds) is tried before the re-submission gives up: the customer is asked
   * to send the photos again and the review is as it was. Deadlines never wait longer than this
   * for photos being checked.
   */
  resubmissionCallSeconds: z.number().positive().max(300),
});
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const reviewInputSchema = z.object({
  applicationId: applicationIdSchema,
  accountNumber: z.string(),
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  /** A PARTNER-channel account's partner bank. */
  partnerId: partnerIdSchema.optional(),
  /** Re-submitted photos are checked against these. */
  applicant: z.object({ name: z.string(), idNumber: z.string() }),
  reasons: z.array(reasonCodeSchema),
  policy: reviewPolicySchema,
  /** The ID photos the application was opened with (none in flows without ID photos: v1, v2). */
  documents: idCardPhotosSchema.optional(),
});
export type ReviewInput = z.infer<typeof reviewInputSchema> & { carried?: CarriedReview };

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
  /** AWAITING_SECOND_DECISION: the first decision, which the second must come from someone else. */
  proposal: decisionSchema.optional(),
  /** ACTION_PENDING: what core banking has not done yet, how often it was tried, and why it failed. */
  pendingAction: z.lazy(() => pendingActionSchema).optional(),
  /** FRAUD_CONFIRMED: the case is marked for reporting to the authorities. */
  reportable: z.boolean().optional(),
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

/** A call to core banking the review must make happen: retried with back-off until it does. */
export const pendingActionSchema = z.object({
  action: z.enum(['PLACE_HOLD', 'LIFT_HOLD', 'CLOSE_ACCOUNT']),
  holdId: z.string().optional(),
  /** Windows tried so far (each is several quick retries). */
  attempts: z.number().int(),
  since: z.string(),
  /** REFUSED: core banking said no (422); UNAVAILABLE: it did not answer in the window; CONTRACT: it answered off-contract. */
  lastError: z.enum(['REFUSED', 'UNAVAILABLE', 'CONTRACT']),
  nextAttemptAt: z.string(),
});
export type PendingAction = z.infer<typeof pendingActionSchema>;

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

/**
 * What a review carries into its next run when it continues as new: its whole state, with times
 * as workflow time (ms since the epoch), so timers resume where they stood. Events and audit
 * entries not yet confirmed go along and are sent again (each has its own id: receivers and the
 * log keep one).
 */
export const carriedReviewSchema = z.object({
  run: z.number().int(),
  status: reviewStatusSchema,
  round: z.number().int(),
  reasons: z.array(reasonCodeSchema),
  escalated: z.boolean(),
  hold: holdStateSchema,
  holdIds: z.array(z.string()),
  decisions: z.array(decisionSchema),
  proposal: decisionSchema.optional(),
  resubmissions: reviewCaseSchema.shape.resubmissions,
  resubmittedPhotos: z.array(
    z.object({ round: z.number().int(), at: z.string(), accepted: z.boolean(), photos: idCardPhotosSchema }),
  ),
  claim: z.object({ claimedBy: z.string(), until: z.number() }).optional(),
  roundOpenedAt: z.number(),
  awaitingSince: z.number().optional(),
  frozenAt: z.number().optional(),
  deliveries: z.array(deliverySchema),
  /** Events sent but not yet delivered or given up, sent again in the next run. */
  unsent: z.array(z.object({ event: appEventSchema.omit({ occurredAt: true }), to: z.enum(['app', 'ops']) })),
  /** Audit entries not yet written. */
  unwritten: z.array(auditEventSchema),
});
export type CarriedReview = z.infer<typeof carriedReviewSchema>;
