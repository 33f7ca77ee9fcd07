/** Typed keys for the project's search attributes, made from their table in domain/search-attributes. */
import {
  defineSearchAttributeKey,
  type SearchAttributePair,
  type SearchAttributeType,
} from '@temporalio/common';
import type { ApplicationStatus, OnboardingInput } from '../domain/application';
import type { HoldState } from '../domain/review';
import type { ReviewStatus } from '../domain/review-status';
import { SEARCH_ATTRIBUTES, type SearchAttributeName } from '../domain/search-attributes';
import type { FailedStep, ReasonCode, StepResult } from '../domain/steps';

/** The SDK's name of each type the table (and `temporal operator search-attribute create`) uses. */
const SDK_TYPE = {
  Keyword: 'KEYWORD',
  KeywordList: 'KEYWORD_LIST',
  Int: 'INT',
  Bool: 'BOOL',
  Datetime: 'DATETIME',
} as const satisfies Record<(typeof SEARCH_ATTRIBUTES)[SearchAttributeName], SearchAttributeType>;

/** The typed key of a registered attribute: its name and type as the table gives them. */
const key = <N extends SearchAttributeName>(name: N) =>
  defineSearchAttributeKey(name, SDK_TYPE[SEARCH_ATTRIBUTES[name]]);

export const FlowVersion = key('FlowVersion');
export const Channel = key('Channel');
export const ReviewStatusKey = key('ReviewStatus');
export const ReviewReasons = key('ReviewReasons');
export const ReviewRound = key('ReviewRound');
export const Escalated = key('Escalated');
export const Hold = key('Hold');
export const ReviewDueAt = key('ReviewDueAt');
export const ClaimedBy = key('ClaimedBy');
export const ClaimedUntil = key('ClaimedUntil');
export const ApplicationStatusKey = key('ApplicationStatus');
export const StepsPassed = key('StepsPassed');
export const RejectedAt = key('RejectedAt');
export const FailedAt = key('FailedAt');
/** A decided re-verification: PASSED or FAILED_<class> (domain/re-verification-outcomes.ts). */
export const ReVerificationOutcomeKey = key('ReVerificationOutcome');
/** A bank restriction case's status (domain/bank-restrictions.ts), and by when its appeal is decided. */
export const RestrictionStatusKey = key('RestrictionStatus');
export const RestrictionDueAtKey = key('RestrictionDueAt');

/**
 * Where an application is in its flow, for the funnel: its status, the steps it got through
 * (a review counts as through: the account opens) and the steps that stopped it. Core banking's
 * per-person cap stops it at OPEN_ACCOUNT. A FAILED application also says where it failed
 * (`failedStep`).
 */
export const funnelSearchAttributes = (
  app: {
    status: ApplicationStatus;
    steps: StepResult[];
    reasons: ReasonCode[];
  },
  failedStep?: FailedStep,
): SearchAttributePair[] => [
  { key: ApplicationStatusKey, value: app.status },
  { key: StepsPassed, value: app.steps.filter((s) => s.outcome !== 'REJECT').map((s) => s.step) },
  {
    key: RejectedAt,
    value: [
      ...app.steps.filter((s) => s.outcome === 'REJECT').map((s) => s.step),
      ...(app.reasons.includes('PERSON_ACCOUNT_CAP_REACHED') ? ['OPEN_ACCOUNT'] : []),
    ],
  },
  ...(failedStep ? [{ key: FailedAt, value: failedStep }] : []),
];

export const searchAttributesAtStart = (
  input: Pick<OnboardingInput, 'flowVersion' | 'channel'>,
): SearchAttributePair[] => [
  { key: FlowVersion, value: input.flowVersion },
  { key: Channel, value: input.channel },
];

/** What the review queue filters on: codes and flags only, never personal data. */
export const reviewSearchAttributes = (r: {
  status: ReviewStatus;
  reasons: ReasonCode[];
  round: number;
  escalated: boolean;
  hold: HoldState;
  input: Pick<OnboardingInput, 'flowVersion' | 'channel'>;
}): SearchAttributePair[] => [
  ...searchAttributesAtStart(r.input),
  { key: ReviewStatusKey, value: r.status },
  { key: ReviewReasons, value: r.reasons },
  { key: ReviewRound, value: r.round },
  { key: Escalated, value: r.escalated },
  { key: Hold, value: r.hold },
];

/** A review's search attributes as it starts: pending, first round, nothing held yet. */
export const newReviewSearchAttributes = (
  reasons: ReasonCode[],
  input: Pick<OnboardingInput, 'flowVersion' | 'channel'>,
): SearchAttributePair[] =>
  reviewSearchAttributes({ status: 'PENDING', reasons, round: 1, escalated: false, hold: 'NONE', input });
