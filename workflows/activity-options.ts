/**
 * How both workflows call activities. Provider contract errors are never retried: no retry fixes
 * a request the provider does not understand.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const NOT_RETRYABLE = ['ProviderContractError'];

/**
 * The checks are short, idempotent vendor calls: as local activities they run inside the
 * workflow task that asked for them, which saves a server round trip and three history events
 * each. A vendor down for longer than a minute turns their retries into durable timers.
 */
export const checks = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: NOT_RETRYABLE },
});

/** Core banking must happen once started: it retries until the system answers. */
export const bank = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: NOT_RETRYABLE },
});
