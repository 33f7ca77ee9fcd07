/**
 * Every way a running workflow refuses a message before anything is recorded: an update
 * validator throws one of these types (workflows/refuse.ts) and the API answers the HTTP meaning
 * written beside it (client/workflow-errors.ts). One table for both, so a misspelt type fails
 * the type check instead of turning a 4xx into a 500.
 */

/** What the API answers: a 400 names the request field that was wrong, a 403 or 409 the message only. */
export type RefusalMeaning = { status: 400; field: string } | { status: 403 } | { status: 409 };

export const refusals = {
  // onboarding: the start's update and the SMS code
  /** The code is not six digits. */
  INVALID_CODE: { status: 400, field: 'code' },
  /** The applicationId was started with a different request. */
  REQUEST_MISMATCH: { status: 409 },
  /** The application is not waiting for a code. */
  WRONG_STATE: { status: 409 },
  /** Another code for the application is with UnionPay. */
  CODE_IN_FLIGHT: { status: 409 },

  // review: decisions and re-submitted photos
  /** No operator, or a decision the schema refuses (unknown reason, a rejection without a note). */
  INVALID_DECISION: { status: 400, field: 'decision' },
  /** The decision names a round that is not the open one. */
  STALE_ROUND: { status: 409 },
  /** The open round already has its decision. */
  ROUND_DECIDED: { status: 409 },
  /** Four eyes: the operator who rejected the previous round may not approve this one. */
  SAME_OPERATOR: { status: 403 },
  /** Photos arrived while the review was not asking for them. */
  NOT_AWAITING_RESUBMISSION: { status: 409 },
  /** Photos for the review are being checked. */
  PHOTOS_IN_FLIGHT: { status: 409 },
} as const satisfies Record<string, RefusalMeaning>;

export type RefusalType = keyof typeof refusals;

/** True for a type in the table (an ApplicationFailure's type is any string). */
export const isRefusalType = (type: string): type is RefusalType => Object.hasOwn(refusals, type);
