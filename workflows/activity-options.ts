/**
 * How workflows call activities: every proxyActivities / proxyLocalActivities option set is built
 * here, one named factory per kind of call, so a timeout or a list of errors no retry fixes is
 * written once. Options are not part of a
 * workflow's history: changing one changes later calls, not what a replay expects.
 */
import type { Duration } from '@temporalio/common';
import { type ActivityOptions, type LocalActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** A request the provider does not understand: no retry fixes it, wherever a provider is called. */
export const CONTRACT_BROKEN = 'ProviderContractError';
/** A provider's deliberate no (core banking refusing a hold, UnionPay a card): an answer, not a fault. */
export const REFUSED = 'ProviderRefusedError';

/** What the activity and the local-activity options share: the factories build only these. */
export type CallOptions = Pick<
  ActivityOptions & LocalActivityOptions,
  'startToCloseTimeout' | 'scheduleToCloseTimeout' | 'retry'
>;

interface ProviderCall {
  /** Schedule-to-close: how long the call and its retries may take; absent, until they succeed. */
  within?: Duration;
  /** The longest wait between two tries. */
  maximumInterval?: Duration;
  /** Errors no retry fixes, besides a broken contract. */
  final?: readonly string[];
}

const providerCall = (
  defaultMaximumInterval: Duration,
  { within, maximumInterval, final = [] }: ProviderCall,
): CallOptions => ({
  startToCloseTimeout: '10 seconds',
  ...(within !== undefined && { scheduleToCloseTimeout: within }),
  retry: {
    initialInterval: '200 ms',
    maximumInterval: maximumInterval ?? defaultMaximumInterval,
    nonRetryableErrorTypes: [CONTRACT_BROKEN, ...final],
  },
});

/** A vendor's check (OCR, face, card, UnionPay) or another short idempotent call: quick retries. */
export const checkOptions = (call: ProviderCall = {}): CallOptions => providerCall('5 seconds', call);

/** Core banking: it must happen once started, so it is retried until the system answers (or `within`). */
export const coreBankingOptions = (call: ProviderCall = {}): CallOptions => providerCall('30 seconds', call);

/**
 * One page of a sweep, a reconciliation or a purge: a long call over a list, retried for a
 * minute at most between tries. `final` is the whole list of errors no retry fixes.
 */
export const pageOptions = ({
  startToClose = '5 minutes',
  within,
  final,
}: {
  startToClose?: Duration;
  within?: Duration;
  final: readonly string[];
}): CallOptions => ({
  startToCloseTimeout: startToClose,
  ...(within !== undefined && { scheduleToCloseTimeout: within }),
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [...final] },
});

/**
 * A webhook delivery (an app's, a partner's, ops'): retried with a doubling back-off up to ten
 * minutes apart until `giveUpSeconds`, then given up (the delivery says so).
 */
export const deliveryOptions = (giveUpSeconds: number, final?: readonly string[]): CallOptions => ({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: giveUpSeconds * 1000,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    ...(final && { nonRetryableErrorTypes: [...final] }),
  },
});

/** An audit log write: retried until it lands (the log must not miss an event). */
export const auditOptions = (): CallOptions => ({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Core banking must happen once started: it retries until the system answers. */
export const bank = proxyActivities<Activities>(coreBankingOptions());
