/**
 * Every way a running workflow refuses a message before anything is recorded: an update
 * validator throws one of these types (workflows/refuse.ts) and the API answers the HTTP meaning
 * written beside it (api/services/workflow-errors.ts). One table for both, so a misspelt type fails
 * the type check instead of turning a 4xx into a 500.
 */

/**
 * What the API answers: a 400 names the request field that was wrong, a 403 or 409 the message
 * only, a 429 also when to try again (Retry-After: the refusal's `retryAfterSeconds` detail).
 */
export type RefusalMeaning =
  | { status: 400; field: string }
  | { status: 403 }
  | { status: 409 }
  | { status: 429 };

export const refusals = {
  // onboarding: the start's update and the SMS code
  /** The code is not six digits. */
  INVALID_CODE: { status: 400, field: 'code' },
  /** The applicationId was started with a different request. */
  REQUEST_MISMATCH: { status: 409 },
  /** The application is not waiting for a code. */
  WRONG_STATE: { status: 409 },
  /** Another code for the application is with UnionPay, or a new code is being sent. */
  CODE_IN_FLIGHT: { status: 409 },
  /** A new code was asked for before the policy's interval since the last one: try again after it. */
  RESEND_TOO_EARLY: { status: 429 },
  /** The policy's new codes are used up; the tries left still apply to the last code sent. */
  RESENDS_EXHAUSTED: { status: 409 },
  /** UnionPay did not send a new code (it refused, or did not answer in time); the last code still counts. */
  RESEND_FAILED: { status: 409 },

  // review: decisions and re-submitted photos
  /** No operator, or a decision the schema refuses (unknown reason, a rejection without a note). */
  INVALID_DECISION: { status: 400, field: 'decision' },
  /** The decision names a round that is not the open one. */
  STALE_ROUND: { status: 409 },
  /** The open round already has its decision. */
  ROUND_DECIDED: { status: 409 },
  /**
   * Four eyes: the operator who rejected the previous round may not approve this one, and a
   * decision that needs a second one may not be seconded by the operator who made it.
   */
  SAME_OPERATOR: { status: 403 },
  /** Closing the account or confirming fraud is confirmed by a supervisor, not another operator. */
  SUPERVISOR_REQUIRED: { status: 403 },
  /** The round's failed re-submissions reached the policy's cap: the case is with an operator now. */
  RESUBMISSIONS_EXHAUSTED: { status: 409 },
  /** Photos arrived while the review was not asking for them. */
  NOT_AWAITING_RESUBMISSION: { status: 409 },
  /** Photos for the review are being checked. */
  PHOTOS_IN_FLIGHT: { status: 409 },
  /**
   * Re-submitted photos whose check (or the lift of the account's expiry holds) did not finish in
   * the policy's time, thrown by the update itself: nothing changed, the customer sends them again.
   */
  RESUBMISSION_NOT_CHECKED: { status: 409 },

  // review: claims (a lease on a case while an operator works it)
  /** Another operator holds the case's claim: they alone may decide it until it ends. */
  CLAIMED: { status: 409 },
  /** The case has nothing to decide now (awaiting new photos, or cleared): no claim. */
  NOT_CLAIMABLE: { status: 409 },
  /** Only the holder, or a supervisor, may release a claim. */
  NOT_CLAIM_HOLDER: { status: 403 },

  // bank restrictions (domain/bank-restrictions.ts): confirmations, appeals and decisions
  /** A supervisor's confirmation names another category than the proposal: not the same restriction. */
  RESTRICTION_MISMATCH: { status: 409 },
  /** The case is not waiting for what was sent (a confirmation, an appeal or a decision). */
  RESTRICTION_NOT_AWAITING: { status: 409 },
  /** A re-verification of the account is being checked already: one at a time. */
  RE_VERIFICATION_RUNNING: { status: 409 },
  /**
   * A proposal, confirmation or decision the API did not sign for this case and member of staff
   * (workflows/bank-restriction/signature.ts): sent straight to Temporal with a name of the
   * sender's choosing, or by an API holding another key. Four eyes holds only on the API's names.
   */
  RESTRICTION_UNSIGNED: { status: 403 },
} as const satisfies Record<string, RefusalMeaning>;

export type RefusalType = keyof typeof refusals;

/** True for a type in the table (an ApplicationFailure's type is any string). */
export const isRefusalType = (type: string): type is RefusalType => Object.hasOwn(refusals, type);
