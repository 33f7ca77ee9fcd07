/**
 * Wire formats of the identity-provider HTTP APIs (OCR, identity register, UnionPay,
 * SMS inbox, app webhook) and of the bank's own SMS one-time-code gateway. The activities' HTTP adapters speak them; the sandbox serves them.
 * Every state-changing call carries an `Idempotency-Key` header.
 */
import * as z from 'zod';

export const idCardSideSchema = z.enum(['FRONT', 'BACK']);
export const imageQualityFlagSchema = z.enum(['OCCLUDED', 'BLURRED', 'GLARE', 'PARTLY_UNREADABLE']);
export type ImageQualityFlag = z.infer<typeof imageQualityFlagSchema>;

/** POST /ocr/v1/id-card */
export const ocrRequestSchema = z.object({
  side: idCardSideSchema,
  imageBase64: z.string(),
});
export const ocrResponseSchema = z.object({
  isIdCard: z.boolean(),
  side: idCardSideSchema.optional(),
  /** Front side: name and ID number; back side: validity. Absent when unreadable. */
  fields: z
    .object({
      name: z.string().optional(),
      idNumber: z.string().optional(),
      /** YYYY-MM-DD, or "LONG" for cards valid for life. */
      validUntil: z.string().optional(),
    })
    .default({}),
  quality: z.array(imageQualityFlagSchema).default([]),
});
export type OcrResponse = z.infer<typeof ocrResponseSchema>;

/** POST /identity/v1/verify: the national identity register's name + ID number check. */
export const identityRequestSchema = z.object({ name: z.string(), idNumber: z.string() });
export const identityResponseSchema = z.object({ result: z.enum(['MATCH', 'MISMATCH', 'NOT_FOUND']) });

/** POST /watchlist/v1/screen: sanctions and watch-list screening of the applicant. */
export const watchlistRequestSchema = z.object({ name: z.string(), idNumber: z.string() });
export const watchlistResponseSchema = z.object({
  result: z.enum(['CLEAR', 'POSSIBLE_MATCH', 'CONFIRMED_MATCH']),
});

/**
 * POST /punishment-list/v1/check: whether the person is under the joint punishment for account
 * trading (惩戒名单, PBoC). `until`, when the list gives one, is when the punishment ends; a
 * listing whose end has passed answers `listed: false`.
 */
export const punishmentListRequestSchema = z.object({ idNumber: z.string() });
export const punishmentListResponseSchema = z.object({
  listed: z.boolean(),
  until: z.string().optional(),
});

/**
 * PUT /sandbox/punishment-list/{idNumber} (sandbox only): lists the person, until `until` (ISO
 * 8601) or for good; DELETE removes them.
 */
export const punishmentListEntrySchema = z.object({ until: z.iso.datetime({ offset: true }).optional() });

/**
 * POST /unionpay/v1/four-elements: checks name, ID number, card and reserved mobile and, on a
 * match, sends a 6-digit code to the reserved mobile. Answers 503 {result: "BUSY"} when busy
 * (the only retryable answer).
 */
export const fourElementsRequestSchema = z.object({
  name: z.string(),
  idNumber: z.string(),
  cardNumber: z.string(),
  mobile: z.string(),
});
export const unionPayResultSchema = z.enum([
  'MATCH',
  'MISMATCH',
  'PHONE_MISMATCH',
  'CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED',
  'CARD_REPORTED_LOST',
  'CARD_EXPIRED',
  'CARD_RESTRICTED',
  'PIN_TRIES_EXCEEDED',
  'DAILY_CHECKS_EXCEEDED',
  'BUSY',
]);
export type UnionPayResult = z.infer<typeof unionPayResultSchema>;
export const fourElementsResponseSchema = z.object({
  result: unionPayResultSchema,
  /** Present on MATCH: the handle to confirm the SMS code against. */
  verificationId: z.string().optional(),
  /** On MATCH: when the code sent expires (ISO 8601); the application waits for it until then. */
  codeExpiresAt: z.string().optional(),
});

/**
 * POST /unionpay/v1/three-elements: checks name, ID number and card, without the reserved mobile
 * and without an SMS code. The same answers as four elements, except PHONE_MISMATCH.
 */
export const threeElementsRequestSchema = z.object({
  name: z.string(),
  idNumber: z.string(),
  cardNumber: z.string(),
});
export const threeElementsResponseSchema = z.object({
  result: unionPayResultSchema.exclude(['PHONE_MISMATCH']),
});

/**
 * POST /face/v1/verify: liveness of the selfie and its similarity (0 to 1) to the photo the
 * identity register holds for the ID number. Answers 503 {result: "BUSY"} when busy.
 */
export const faceRequestSchema = z.object({ selfieBase64: z.string(), idNumber: z.string() });
export const faceResponseSchema = z.object({
  liveness: z.enum(['PASS', 'SPOOF']),
  similarity: z.number().min(0).max(1),
});
export type FaceResponse = z.infer<typeof faceResponseSchema>;

/** POST /unionpay/v1/sms-confirm */
export const smsConfirmRequestSchema = z.object({ verificationId: z.string(), code: z.string() });
export const smsConfirmResponseSchema = z.object({ result: z.enum(['OK', 'WRONG_CODE', 'EXPIRED']) });

/**
 * POST /unionpay/v1/sms-resend (Idempotency-Key): a new code for the same verification, sent to
 * the same reserved mobile; the code sent before stops being confirmable. 404 for an unknown
 * verificationId.
 */
export const smsResendRequestSchema = z.object({ verificationId: z.string() });
export const smsResendResponseSchema = z.object({
  result: z.literal('SENT'),
  codeExpiresAt: z.string().optional(),
});

/**
 * POST /sms/v1/otp (Idempotency-Key): the bank's own SMS gateway sends a one-time code to a
 * mobile, for one purpose (signing a payment agreement with the holder). The same key answers
 * the same otp and sends nothing more.
 */
export const otpPurposeSchema = z.enum(['AGREEMENT_SIGNING']);
export const otpSendRequestSchema = z.object({ mobile: z.string().min(1), purpose: otpPurposeSchema });
export const otpSendResponseSchema = z.object({
  otpId: z.string(),
  /** ISO 8601: the code is not confirmable after it. */
  expiresAt: z.string(),
});

/**
 * POST /sms/v1/otp/verify: MATCH for the code sent within its lifetime (and again for that code
 * once matched, so a retried verify cannot flip), EXPIRED past it, MISMATCH otherwise; 404 for an
 * unknown otpId.
 */
export const otpVerifyRequestSchema = z.object({ otpId: z.string().min(1), code: z.string() });
export const otpVerifyResponseSchema = z.object({ result: z.enum(['MATCH', 'MISMATCH', 'EXPIRED']) });

/**
 * A vendor's refusal for good: `422 {"error": "REFUSED"}` (the call will not be done, however
 * often asked). Never retried.
 */
export const refusedResponseSchema = z.object({
  error: z.literal('REFUSED'),
  message: z.string().optional(),
});

/** GET /sandbox/sms?mobile=... (sandbox only): the last code "sent" to that mobile. */
export const smsInboxResponseSchema = z.object({ mobile: z.string(), code: z.string(), sentAt: z.string() });

/** POST {APP_WEBHOOK_URL}: an event for the app. */
export const appEventTypeSchema = z.enum([
  'APPLICATION_REJECTED',
  'ACCOUNT_OPENED',
  'HOLD_APPLIED',
  'RESUBMISSION_REQUESTED',
  'HOLD_LIFTED',
  'ACCOUNT_FROZEN',
  /** The application could not finish (status FAILED); the reasons say why. */
  'APPLICATION_FAILED',
  /** A review closed the account (operator and supervisor, or frozen past the policy's deadline). */
  'ACCOUNT_CLOSED',
  /** The holder's ID card ends soon: the app asks for photos of the new one. */
  'ID_EXPIRING_SOON',
  /** Photos of a valid new card were accepted: the expiry holds are lifted and the new date kept. */
  'ID_RENEWED',
  /** The holder's re-verification is due by their risk rating: the app asks them to re-verify. */
  'RE_VERIFICATION_DUE',
  /** The holder re-verified: the next due date is set, any hold of a missed re-verification lifted. */
  'ID_RE_VERIFIED',
  /** A re-verification did not pass: the holder may try again (the reasons say what to fix). */
  'ID_RE_VERIFICATION_FAILED',
  /** No customer-initiated activity for the dormancy period: receive-only until the holder re-verifies. */
  'ACCOUNT_DORMANT',
  /**
   * The bank restricted the account (receive-only) after its own review: what to do (re-verify, the
   * appeal), what to bring and by when the bank decides. Never why (no tip-off).
   */
  'ACCOUNT_RESTRICTED',
  /** The holder's appeal passed its re-verification and waits for the bank's decision (by `decisionDueAt`). */
  'RESTRICTION_UNDER_APPEAL',
  /** The bank lifted its restriction: the account pays out again (other restrictions stay). */
  'RESTRICTION_LIFTED',
  /** The bank kept its restriction after the appeal: the holder contacts the bank. */
  'RESTRICTION_UPHELD',
  // For the bank's operations team rather than the app.
  'REVIEW_ESCALATED',
  /** An application failed: what happened, and what became of any account opened for it. */
  'OPS_APPLICATION_FAILED',
  /** An account that must be restricted could not be: someone must restrict it by hand, now. */
  'OPS_ACCOUNT_NOT_RESTRICTED',
  /** Reconciliation found an account and its application that do not agree. */
  'OPS_RECONCILIATION_MISMATCH',
  /** Core banking would not place or lift a review's hold, or close its account: retried, someone should look. */
  'OPS_REVIEW_ACTION_FAILED',
  /** A supervisor confirmed fraud: the account is frozen and the case is to be reported. */
  'OPS_FRAUD_CONFIRMED',
  /** An appeal against a bank restriction was not decided in the policy's time: someone must decide it now. */
  'OPS_RESTRICTION_APPEAL_OVERDUE',
  /** Core banking refuses to lift a bank restriction's hold staff decided to lift: retried, someone should look. */
  'OPS_RESTRICTION_NOT_LIFTED',
]);
export const appEventSchema = z.object({
  eventId: z.string(),
  type: appEventTypeSchema,
  applicationId: z.string(),
  /** The partner bank whose app the application came through: its events go to its webhook only. */
  partnerId: z.string().optional(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type AppEvent = z.infer<typeof appEventSchema>;
