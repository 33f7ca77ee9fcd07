/** Typed keys for the project's search attributes (registered from domain/search-attributes). */
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { OnboardingInput } from '../domain/application';

export const FlowVersion = defineSearchAttributeKey('FlowVersion', 'KEYWORD');
export const Channel = defineSearchAttributeKey('Channel', 'KEYWORD');

export const searchAttributesAtStart = (
  input: Pick<OnboardingInput, 'flowVersion' | 'channel'>,
): SearchAttributePair[] => [
  { key: FlowVersion, value: input.flowVersion },
  { key: Channel, value: input.channel },
];
