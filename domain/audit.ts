/**
 * The audit log (docs/audit.md): who did what to an account under review, when, why, in which
 * round and under which rule version. Callers record events with the facts in the clear; the
 * log stores references only (a keyed HMAC for the account number, ids and content hashes for
 * documents) and seals free text under the application's data key. Entries are hash-chained.
 */
import * as z from 'zod';
import { applicationIdSchema } from './identifiers';

export const auditActionSchema = z.enum([
  /** An operator's decision on a round (reason: the decision's reason code). */
  'APPROVED',
  'REJECTED',
  /** Decisions to close the account and to confirm fraud (each the first or the supervisor's second: refs.stage). */
  'CLOSE_DECIDED',
  'FRAUD_CONFIRMED',
  /** Core banking closed the account (refs.closedBy: the decision, or the frozen deadline). */
  'ACCOUNT_CLOSED',
  /** A receive-only hold (只收不付) placed in core banking; refs.holdId names it. */
  'HOLD_PLACED',
  /** A hold lifted: this review's, on approval, or the ID-expiry sweep's, once re-submitted photos of a valid card are accepted; refs.holdId names it. */
  'HOLD_LIFTED',
  /** The re-submission deadline passed: the account frozen (不收不付); refs.holdId names the hold. */
  'ACCOUNT_FROZEN',
  /** The customer re-submitted ID photos (reason: accepted, or why not); refs name the documents. */
  'RESUBMITTED',
  /** Staff looked at a stored document (refs.documentId). */
  'DOCUMENT_VIEWED',
  /** Staff revealed an applicant's entered field in the review console (reason: NAME or ID_NUMBER). */
  'APPLICANT_REVEALED',
  /**
   * Staff read an application's workflow payloads decoded, through the codec server (reason: the
   * purpose code; refs: decodeId, keyId, role, ticket, payloads, namespace).
   */
  'PAYLOADS_DECODED',
  /** Staff cancelled a payment agreement (a customer's call, a suspected fraud); refs name it. */
  'AGREEMENT_CANCELLED',
  /** An app's backend minted a customer's session for the application (refs: sessionId, ttlSeconds). */
  'SESSION_MINTED',
  /** The application's data key was destroyed (refs.keyId): its history and notes are unreadable. */
  'CRYPTO_SHREDDED',
  /**
   * Retention (docs/retention.md) destroyed an application's data: its key shredded, its documents
   * and store rows deleted (reason: the rule, NEVER_CUSTOMER or CUSTOMER; refs.keyId).
   */
  'DATA_DESTROYED',
  /** A supervisor placed or released a legal hold (refs.legalHoldId; the stated reason sealed as the note). */
  'LEGAL_HOLD_PLACED',
  'LEGAL_HOLD_RELEASED',
  /** A supervisor exported what the bank holds on a person (refs.exportId), one entry per application in it. */
  'DATA_EXPORTED',
  /**
   * The console's risk-life lists (re-verification due or overdue): staff opened an account
   * (reason: the list, or NOT_DUE), claimed it (reason: the list; refs.until) or released the claim.
   */
  'ACCOUNT_VIEWED',
  'ACCOUNT_CLAIMED',
  'ACCOUNT_CLAIM_RELEASED',
  /**
   * An abnormal-account restriction (domain/bank-restrictions.ts): proposed by an operator (reason:
   * the category), confirmed by a supervisor, appealed by the holder (refs.reVerificationCaseId),
   * lifted or upheld by an operator, lapsed unconfirmed, or its appeal's deadline missed
   * (refs.caseId on each; notes sealed).
   */
  'RESTRICTION_PROPOSED',
  'RESTRICTION_CONFIRMED',
  'RESTRICTION_APPEALED',
  'RESTRICTION_LIFTED',
  'RESTRICTION_UPHELD',
  'RESTRICTION_EXPIRED',
  'RESTRICTION_ESCALATED',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** References only: ids and content hashes, never personal data. */
const refsSchema = z.record(z.string().regex(/^\w{1,40}$/), z.string().max(200));

/** One event as a caller records it. `id` is chosen by the caller: recording the same id again writes nothing. */
export const auditEventSchema = z.strictObject({
  id: z.string().min(1).max(200),
  /** When it happened (the workflow's clock for workflow events). */
  at: z.iso.datetime(),
  /** An operator or supervisor id, `customer`, or `system` (the review workflow itself). */
  actor: z.string().min(1).max(100),
  action: auditActionSchema,
  applicationId: applicationIdSchema,
  /** Stored as a keyed HMAC, never in the clear; entries are listed by it. */
  accountNumber: z.string().min(1).max(40).optional(),
  /** A reason code, never free text. */
  reason: z.string().min(1).max(200).optional(),
  round: z.number().int().min(1).optional(),
  ruleVersion: z.string().min(1).max(100).optional(),
  refs: refsSchema.optional(),
  /** Free text (an operator's note): stored sealed under the application's data key only. */
  note: z.string().max(2000).optional(),
});
/** What a caller passes: the application id as the app sent it (any case). */
export type AuditEvent = z.input<typeof auditEventSchema>;

/** One entry as supervisors read it (GET /v1/audit): no account number, no note. */
export const auditEntrySchema = z.object({
  seq: z.number().int().min(1),
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: auditActionSchema,
  applicationId: z.string(),
  reason: z.string().optional(),
  round: z.number().int().optional(),
  ruleVersion: z.string().optional(),
  refs: refsSchema.optional(),
  /** True when the entry has a note: stored sealed, never served here. */
  noteSealed: z.boolean().optional(),
  /** SHA-256 hex of the entry before (64 zeros for the first). */
  prevHash: z.string(),
  /** SHA-256 hex over prevHash and the entry's stored fields. */
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.strictObject({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number'),
});

export const auditAnswerSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditAnswer = z.infer<typeof auditAnswerSchema>;
