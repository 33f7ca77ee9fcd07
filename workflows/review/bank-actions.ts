/**
 * A review's calls to core banking (a hold, a lift, a close) must happen, whatever core banking
 * answers for a while: each is tried for the policy's window, then the review backs off (doubling,
 * up to the policy's most), tries again, and so on until it is done. Meanwhile the case says
 * ACTION_PENDING with what failed and why, and ops hear once (OPS_REVIEW_ACTION_FAILED); the
 * operator whose decision waits on it is answered with that, never with a status the case has
 * not reached.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PendingAction } from '../../domain/review';
import { coreBankingOptions, REFUSED } from '../activity-options';
import { isActivityFailure } from '../onboarding/failures';
import type { Review } from './review-case';

type BankCall = Pick<Activities, 'placeHold' | 'liftHold' | 'closeAccount'>;

/** Core banking's calls within one window: quick retries of transient faults, none of a refusal. */
const within = (seconds: number): BankCall =>
  proxyActivities<Activities>(
    coreBankingOptions({ within: seconds * 1000, maximumInterval: '10 seconds', final: [REFUSED] }),
  );

/** Does `call` in core banking, retrying with back-off until it is done. */
export async function act(
  r: Review,
  what: Pick<PendingAction, 'action' | 'holdId'>,
  call: (bank: BankCall) => Promise<unknown>,
): Promise<void> {
  const { policy } = r;
  const bank = within(policy.bankActionWindowSeconds);
  const before = r.status;
  const since = new Date().toISOString();
  for (let attempts = 1; ; attempts++) {
    try {
      await call(bank);
      break;
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      const backoff = Math.min(
        policy.bankActionBackoffSeconds * 2 ** (attempts - 1),
        policy.bankActionMaxBackoffSeconds,
      );
      r.pendingAction = {
        ...what,
        attempts,
        since,
        lastError: errorKind(err),
        nextAttemptAt: new Date(Date.now() + backoff * 1000).toISOString(),
      };
      if (attempts === 1) {
        r.status = 'ACTION_PENDING';
        // The decision is acted on (it stands); what is left is core banking's part.
        r.decision = undefined;
        r.publish();
        r.outbox.send(
          {
            eventId: `${r.reviewId}:round-${r.round}:${what.action}:${what.holdId ?? 'account'}:OPS_REVIEW_ACTION_FAILED`,
            type: 'OPS_REVIEW_ACTION_FAILED',
            applicationId: r.input.applicationId,
            data: {
              reviewId: r.reviewId,
              round: r.round,
              accountNumber: r.input.accountNumber,
              ...r.pendingAction,
              severity: what.action === 'LIFT_HOLD' ? 'HIGH' : 'CRITICAL',
            },
          },
          'ops',
        );
      }
      await sleep(backoff * 1000);
    }
  }
  r.pendingAction = undefined;
  if (r.status === 'ACTION_PENDING') r.status = before;
}

function errorKind(err: unknown): PendingAction['lastError'] {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure) return 'UNAVAILABLE';
  if (cause instanceof ApplicationFailure) {
    if (cause.type === 'ProviderRefusedError') return 'REFUSED';
    if (cause.type === 'ProviderContractError') return 'CONTRACT';
  }
  return 'UNAVAILABLE';
}
