/**
 * What apps and partners are told. The detailed reason codes say which check failed and how
 * (the watch list hit, an ID number not found rather than not matching the name, a reserved
 * phone that does not match the card): told to a caller, they make the start call a tip-off and
 * a free name-and-ID-number oracle. Apps get coarse reasons that say what the customer can do;
 * operators keep the detailed ones.
 */
import type { ApplicationView, SubmitCodeResult } from './application';
import type { PublicReason, ReasonCode, StepResult } from './steps';

const PUBLIC: Record<ReasonCode, PublicReason> = {
  ID_NOT_AN_ID_CARD: 'DOCUMENT_NOT_ACCEPTED',
  ID_CARD_EXPIRED: 'DOCUMENT_NOT_ACCEPTED',
  ID_DATA_MISMATCH: 'DOCUMENT_NOT_ACCEPTED',
  ID_IMAGE_OCCLUDED: 'UNDER_REVIEW',
  ID_IMAGE_BLURRED: 'UNDER_REVIEW',
  ID_IMAGE_GLARE: 'UNDER_REVIEW',
  ID_IMAGE_PARTLY_UNREADABLE: 'UNDER_REVIEW',
  IDENTITY_MISMATCH: 'IDENTITY_NOT_VERIFIED',
  IDENTITY_NOT_FOUND: 'IDENTITY_NOT_VERIFIED',
  WATCHLIST_POSSIBLE_MATCH: 'UNDER_REVIEW',
  WATCHLIST_CONFIRMED_MATCH: 'IDENTITY_NOT_VERIFIED',
  CARD_MISMATCH: 'CARD_NOT_VERIFIED',
  CARD_PHONE_MISMATCH: 'CARD_NOT_VERIFIED',
  CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED: 'CARD_NOT_VERIFIED',
  CARD_REPORTED_LOST: 'CARD_NOT_VERIFIED',
  CARD_EXPIRED: 'CARD_NOT_VERIFIED',
  CARD_RESTRICTED: 'CARD_NOT_VERIFIED',
  CARD_PIN_TRIES_EXCEEDED: 'CARD_NOT_VERIFIED',
  CARD_DAILY_CHECKS_EXCEEDED: 'TRY_AGAIN_LATER',
  FACE_BORDERLINE: 'UNDER_REVIEW',
  FACE_MISMATCH: 'FACE_NOT_VERIFIED',
  FACE_SPOOF: 'FACE_NOT_VERIFIED',
  INTENT_NOT_CONFIRMED: 'INTENT_NOT_CONFIRMED',
  PUNISHMENT_LISTED: 'ACCOUNT_OPENING_RESTRICTED',
  LINKED_APPLICANTS: 'UNDER_REVIEW',
  SMS_CODE_TRIES_EXHAUSTED: 'SMS_CODE_TRIES_EXHAUSTED',
  SMS_CODE_EXPIRED: 'SMS_CODE_EXPIRED',
  SMS_CODE_NOT_SUBMITTED: 'SMS_CODE_NOT_SUBMITTED',
  ID_RESUBMITTED: 'UNDER_REVIEW',
  RESUBMISSIONS_EXHAUSTED: 'UNDER_REVIEW',
  PERSON_ACCOUNT_CAP_REACHED: 'ACCOUNT_LIMIT_REACHED',
  // Could not finish: the customer may upload again, or start again later; staff read which system.
  DOCUMENT_MISSING: 'DOCUMENT_NOT_ACCEPTED',
  PROVIDER_REFUSED: 'NOT_COMPLETED',
  PROVIDER_CONTRACT_ERROR: 'NOT_COMPLETED',
  ACCOUNT_OPENING_REFUSED: 'NOT_COMPLETED',
  ACCOUNT_BINDING_REFUSED: 'NOT_COMPLETED',
  CORE_BANKING_CONTRACT_ERROR: 'NOT_COMPLETED',
  DEADLINE_EXCEEDED: 'NOT_COMPLETED',
};

/** Each public reason once, in the order the detailed ones came. */
export const publicReasons = (reasons: readonly string[]): PublicReason[] => [
  ...new Set(reasons.map((r) => PUBLIC[r as ReasonCode] ?? (r as PublicReason))),
];

const SEVERITY = { PASS: 0, REVIEW: 1, REJECT: 2 } as const;

/**
 * Steps that are the bank's own business: watch-list screening, the punishment list and linked
 * applicants. Each folds into the identity step (the worse outcome wins), so that a hit on any
 * of them cannot be told from a name that does not match.
 */
const BANK_ONLY_STEPS: ReadonlySet<string> = new Set(['WATCHLIST', 'PUNISHMENT_LIST', 'LINKED_APPLICANTS']);

/** The steps as an app sees them: the bank's own checks fold into identity; every reason is a public one. */
export function publicSteps(steps: readonly StepResult[]): ApplicationView['steps'] {
  const worst = steps
    .filter((s) => BANK_ONLY_STEPS.has(s.step))
    .reduce<StepResult | undefined>(
      (w, s) => (!w || SEVERITY[s.outcome] > SEVERITY[w.outcome] ? s : w),
      undefined,
    );
  return steps
    .filter((s) => !BANK_ONLY_STEPS.has(s.step))
    .map((s) => {
      const folded =
        s.step === 'IDENTITY' && worst && SEVERITY[worst.outcome] > SEVERITY[s.outcome] ? worst : s;
      return { step: s.step, outcome: folded.outcome, reasons: publicReasons(folded.reasons) };
    });
}

/** The step a failure is told at: the bank's own checks fold into identity, as in publicSteps. */
const publicFailedStep = <S extends string>(step: S): S | 'IDENTITY' =>
  BANK_ONLY_STEPS.has(step) ? 'IDENTITY' : step;

/**
 * An application that could not finish shows no account to the app: one opened before the
 * failure is restricted and the bank's to settle (staff see it), never the customer's to use.
 */
export function publicApplicationView(view: ApplicationView): ApplicationView {
  // What staff alone read (flow v4): the device, the links to other identities and the rating
  // would tell an account farmer which signal caught them; the intent goes with them.
  const { accountNumber, review, intent: _i, device: _d, links: _l, riskRating: _r, ...rest } = view;
  return {
    ...rest,
    ...(view.status !== 'FAILED' && accountNumber && { accountNumber, ...(review && { review }) }),
    steps: publicSteps(view.steps as StepResult[]),
    ...(view.reasons && { reasons: publicReasons(view.reasons) }),
    ...(view.failedStep && { failedStep: publicFailedStep(view.failedStep) }),
  };
}

/** Only a rejection's or failure's reasons change, so the result keeps its narrower type. */
export function publicCodeResult<T extends SubmitCodeResult>(result: T): T {
  return result.status === 'REJECTED' || result.status === 'FAILED'
    ? { ...result, reasons: publicReasons(result.reasons) }
    : result;
}

/**
 * A webhook event as the app receives it: reasons made public, a watch-list failure folded into
 * the identity step as in the API's answers, and no single detailed `reason` (events to the app
 * carry none today; one added later must not leak through).
 */
export function publicEventData(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { reason: _detailed, ...rest } = data;
  return {
    ...rest,
    ...(Array.isArray(data.reasons) && { reasons: publicReasons(data.reasons as string[]) }),
    ...(typeof data.failedStep === 'string' && { failedStep: publicFailedStep(data.failedStep) }),
  };
}
