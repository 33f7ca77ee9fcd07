/** Typed keys for the project's search attributes (registered from domain/search-attributes). */
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { OnboardingInput } from '../domain/application';
import type { HoldState, ReviewStatus } from '../domain/review';
import type { ReasonCode } from '../domain/steps';

export const FlowVersion = defineSearchAttributeKey('FlowVersion', 'KEYWORD');
export const Channel = defineSearchAttributeKey('Channel', 'KEYWORD');
export const ReviewStatusKey = defineSearchAttributeKey('ReviewStatus', 'KEYWORD');
export const ReviewReasons = defineSearchAttributeKey('ReviewReasons', 'KEYWORD_LIST');
export const ReviewRound = defineSearchAttributeKey('ReviewRound', 'INT');
export const Escalated = defineSearchAttributeKey('Escalated', 'BOOL');
export const Hold = defineSearchAttributeKey('Hold', 'KEYWORD');

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
