/** Typed keys for the project's search attributes (registered from domain/search-attributes). */
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { ApplicationStatus, OnboardingInput } from '../domain/application';
import type { HoldState } from '../domain/review';
import type { ReviewStatus } from '../domain/review-status';
import type { FailedStep, ReasonCode, StepResult } from '../domain/steps';

export const FlowVersion = defineSearchAttributeKey('FlowVersion', 'KEYWORD');
export const Channel = defineSearchAttributeKey('Channel', 'KEYWORD');
export const ReviewStatusKey = defineSearchAttributeKey('ReviewStatus', 'KEYWORD');
export const ReviewReasons = defineSearchAttributeKey('ReviewReasons', 'KEYWORD_LIST');
export const ReviewRound = defineSearchAttributeKey('ReviewRound', 'INT');
export const Escalated = defineSearchAttributeKey('Escalated', 'BOOL');
export const Hold = defineSearchAttributeKey('Hold', 'KEYWORD');
export const ReviewDueAt = defineSearchAttributeKey('ReviewDueAt', 'DATETIME');
export const ClaimedBy = defineSearchAttributeKey('ClaimedBy', 'KEYWORD');
export const ClaimedUntil = defineSearchAttributeKey('ClaimedUntil', 'DATETIME');
export const ApplicationStatusKey = defineSearchAttributeKey('ApplicationStatus', 'KEYWORD');
export const StepsPassed = defineSearchAttributeKey('StepsPassed', 'KEYWORD_LIST');
export const RejectedAt = defineSearchAttributeKey('RejectedAt', 'KEYWORD_LIST');
export const FailedAt = defineSearchAttributeKey('FailedAt', 'KEYWORD');
/** A decided re-verification: PASSED or FAILED_<class> (domain/re-verification-outcomes.ts). */
export const ReVerificationOutcomeKey = defineSearchAttributeKey('ReVerificationOutcome', 'KEYWORD');
/** A bank restriction case's status (domain/bank-restrictions.ts), and by when its appeal is decided. */
export const RestrictionStatusKey = defineSearchAttributeKey('RestrictionStatus', 'KEYWORD');
export const RestrictionDueAtKey = defineSearchAttributeKey('RestrictionDueAt', 'DATETIME');

/**
 * Where an application is in its flow, for the funnel: its status, the steps it got through
 * (a review counts as through: the account opens) and the steps that stopped it. Core banking's
 * per-person cap stops it at OPEN_ACCOUNT. A FAILED application also says where it failed
 * (`failedStep`, since the no-stuck-applications patch).
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
