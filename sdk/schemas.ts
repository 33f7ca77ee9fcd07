/** Request and answer shapes of HTTP API v1, built from the domain schemas. */
import * as z from 'zod';
import { accountClassSchema, accountLimitsSchema, accountStatusSchema, holdSchema } from '../domain/account';
import { submitAgreementCodeResultSchema } from '../domain/agreement-signing';
import {
  agreementScopeSchema,
  agreementStatusSchema,
  debitRequestSchema,
  institutionSchema,
  mandatePeriodSchema,
} from '../domain/agreements';
import { boundAccountKindSchema } from '../domain/applicant';
import {
  applicationIdSchema,
  applicationViewSchema,
  documentIdSchema,
  reviewStateSchema,
} from '../domain/application';
import { bankRestrictionCaseSchema } from '../domain/bank-restrictions';
import { type AppEventType, deliverySchema } from '../domain/deliveries';
import { channelSchema, flowVersionSchema } from '../domain/identifiers';
import { problemCodeSchema } from '../domain/problem-codes';
import { restrictionSchema } from '../domain/restrictions';
import { holdStateSchema, reviewStatusSchema, reviewSummarySchema } from '../domain/review';
import { reasonCodeSchema, shownReasonSchema } from '../domain/steps';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** The refusal's machine-readable type (domain/problem-codes.ts): branch on it, not on the title. */
  code: problemCodeSchema,
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  attemptsLeft: z.number().int().optional(),
  applicationStatus: z.string().optional(),
  /** On a 409 about a claimed review: who holds it, and until when. */
  claimedBy: z.string().optional(),
  until: z.string().optional(),
  /** On a 422 refusing a debit: core banking's reason code (ACCOUNT_RESTRICTED, DAILY_LIMIT, ...). */
  reason: z.string().optional(),
});

export const applicationParamsSchema = z.strictObject({ applicationId: applicationIdSchema });

export const documentCreatedSchema = z.object({ documentId: documentIdSchema });

export const submitCodeAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('OPENED'), accountNumber: z.string(), review: reviewStateSchema }),
  z.object({ status: z.literal('REJECTED'), reasons: z.array(shownReasonSchema) }),
  /** The application could not finish (a refusal for good, its deadline): terminal, the reasons say why. */
  z.object({ status: z.literal('FAILED'), reasons: z.array(shownReasonSchema) }),
]);

/** POST /v1/applications/{applicationId}/sms-code/resend: a new code was sent; how many more may be asked for. */
export const resendCodeAnswerSchema = z.object({ resendsLeft: z.number().int() });

export const accountParamsSchema = z.strictObject({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number'),
});

export const accountViewSchema = z.object({
  accountNumber: z.string(),
  accountClass: accountClassSchema,
  status: accountStatusSchema,
  limits: accountLimitsSchema,
  openedAt: z.string(),
  /** Staff: each hold as core banking placed it. Apps, partners, sessions: its restriction kind as reason. */
  holds: z.array(holdSchema),
  /** What restricts the account and what the customer can do about it (domain/restrictions.ts). */
  restrictions: z.array(restrictionSchema),
  boundAccount: z.object({ maskedNumber: z.string(), kind: boundAccountKindSchema }).nullable(),
  /** Staff only: the account's latest abnormal-account restriction case (category, note, who, status, deadline). */
  bankRestriction: bankRestrictionCaseSchema.optional(),
});

export { applicationViewSchema };

/** Optional on every state-changing call: a client retry with the same key never does the work twice. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{8,128}$/, 'must be 8 to 128 letters, digits, dots, colons, dashes or underscores')
    .optional(),
});

/** GET /v1/reviews: the queue's filters. */
export const reviewFilterSchema = z.strictObject({
  status: reviewStatusSchema.optional(),
  escalated: z.enum(['true', 'false']).optional(),
  hold: holdStateSchema.optional(),
  reason: reasonCodeSchema.optional(),
  flowVersion: z
    .string()
    .regex(/^v\d+$/)
    .optional(),
  channel: z
    .string()
    .regex(/^[A-Z_]+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Where the page starts: a `nextPageToken` the previous page answered. */
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,4096}$/, 'must be a nextPageToken from the previous page')
    .optional(),
});
export type ReviewFilter = z.infer<typeof reviewFilterSchema>;

/** GET /v1/reviews answers a page: the next starts at `nextPageToken` (absent on the last). */
export const reviewPageSchema = z.object({
  reviews: z.array(reviewSummarySchema),
  nextPageToken: z.string().optional(),
});

/** GET /v1/me: who the token stands for. */
export const callerViewSchema = z.object({
  id: z.string(),
  role: z.enum(['app', 'operator', 'supervisor', 'institution', 'engineer', 'session']),
  /** A session's: what it acts for and until when. */
  session: z
    .object({ applicationId: z.string(), accountNumber: z.string().optional(), expiresAt: z.string() })
    .optional(),
});

/** /v1/agreements/{agreementId}: the signing's id, as POST /v1/agreements answered it. */
export const agreementParamsSchema = z.object({
  agreementId: z
    .string()
    .regex(/^agr-[0-9a-f]{32}$/, 'must be an agreementId as POST /v1/agreements answered it'),
});

/** GET /v1/accounts/{accountNumber}/agreements */
export const agreementListSchema = z.object({
  agreements: z.array(
    z.object({
      agreementId: z.string().optional(),
      agreementNumber: z.string(),
      institution: institutionSchema,
      scope: agreementScopeSchema,
      status: agreementStatusSchema,
      payee: z.string().optional(),
      period: mandatePeriodSchema.optional(),
      limits: z.object({ perDebitLimitCny: z.string(), dailyLimitCny: z.string() }),
    }),
  ),
});
export type AgreementList = z.infer<typeof agreementListSchema>;

/**
 * POST /v1/agreements/{agreementId}/sms-code, its 200 answers: the signing's result but for
 * AWAITING_SMS_CODE, which the API answers as a 422 with `attemptsLeft` (a wrong code).
 */
const [codeSigned, , codeRefused, codeExpired] = submitAgreementCodeResultSchema.options;
export const agreementCodeAnswerSchema = z.discriminatedUnion('status', [
  codeSigned,
  codeRefused,
  codeExpired,
]);

/** POST /v1/debits: the institution is the caller's token, never the body. */
export const debitRequestBodySchema = debitRequestSchema.omit({ institution: true }).strict();
export type CallerView = z.infer<typeof callerViewSchema>;

/** POST /v1/reviews/{reviewId}/reveal: one of the applicant's entered fields, unmasked (audited). */
export const revealRequestSchema = z.strictObject({ field: z.enum(['name', 'idNumber']) });
export const revealAnswerSchema = z.object({ field: z.enum(['name', 'idNumber']), value: z.string() });

/** GET /v1/funnel: the applications started in a period (both ends optional, ISO 8601 instants). */
export const funnelPeriodSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type FunnelPeriod = z.infer<typeof funnelPeriodSchema>;

/** GET /v1/funnel */
export const funnelStepSchema = z.object({
  step: z.string(),
  reached: z.number().int(),
  passed: z.number().int(),
  rejected: z.number().int(),
  abandoned: z.number().int(),
  /** Still at this step: checks running, waiting for the SMS code, or being opened. */
  waiting: z.number().int(),
  /** Could not finish at this step (FAILED: a refusal for good, a broken contract, the deadline). */
  failed: z.number().int(),
});

export const funnelRowSchema = z.object({
  flowVersion: flowVersionSchema,
  channel: channelSchema,
  started: z.number().int(),
  steps: z.array(funnelStepSchema),
});
export type FunnelRow = z.infer<typeof funnelRowSchema>;

/**
 * POST to the app's webhook URL: one event (signed; see webhooks.ts). The type is read as any
 * string so an app built on this SDK keeps accepting events a newer API adds; the known ones are
 * `AppEventType`.
 */
export const webhookEventSchema = z.looseObject({
  eventId: z.string(),
  type: z.string(),
  applicationId: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = Omit<z.infer<typeof webhookEventSchema>, 'type'> & {
  type: AppEventType | (string & {});
};

/** GET /v1/applications/{applicationId}/events */
export const eventsAnswerSchema = z.object({ events: z.array(deliverySchema) });
