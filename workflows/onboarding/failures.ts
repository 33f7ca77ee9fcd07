/**
 * What an activity's failure means for an application. Transient faults never get here (they
 * are retried until the deadline); what does is a refusal for good, an answer the contract does
 * not allow, a missing document, or the deadline itself: each ends the application as FAILED
 * with its reason. Anything that is not an activity's failure (a bug in workflow code) is not
 * caught: it fails the workflow task, which retries once the code is fixed.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { ReasonCode } from '../../domain/steps';

/** The error types the HTTP adapters and activities throw (adapters/http/json-client.ts, activities/). */
const REFUSED = 'ProviderRefusedError';
const MISSING_DOCUMENT = 'MissingDocument';
const DEADLINE = 'DeadlineExceeded';

/**
 * A failure an activity call ended with: an ActivityFailure (activities), or the failure itself
 * (local activities answer the ApplicationFailure or TimeoutFailure as it is).
 */
export type ActivityCallFailure = ActivityFailure | ApplicationFailure | TimeoutFailure;

export const isActivityFailure = (err: unknown): err is ActivityCallFailure =>
  err instanceof ActivityFailure || err instanceof ApplicationFailure || err instanceof TimeoutFailure;

/** The reason an application fails with, given who refused (`refused`) and whose contract broke (`contract`). */
export function failureReason(
  err: ActivityCallFailure,
  refused: ReasonCode,
  contract: ReasonCode,
): ReasonCode {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure) return 'DEADLINE_EXCEEDED';
  return reasonOfFailureType(cause instanceof ApplicationFailure ? cause.type : undefined, refused, contract);
}

/** The same, from the failure's type alone (a check that failed for good in the batch of checks). */
export function reasonOfFailureType(
  type: string | null | undefined,
  refused: ReasonCode,
  contract: ReasonCode,
): ReasonCode {
  if (type === MISSING_DOCUMENT) return 'DOCUMENT_MISSING';
  if (type === DEADLINE) return 'DEADLINE_EXCEEDED';
  if (type === REFUSED) return refused;
  return contract;
}

/** Vendors' checks and the SMS code: a refusal or a broken contract is the provider's. */
export const providerFailure = (err: ActivityCallFailure): ReasonCode =>
  failureReason(err, 'PROVIDER_REFUSED', 'PROVIDER_CONTRACT_ERROR');
