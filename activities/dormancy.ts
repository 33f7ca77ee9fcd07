/**
 * One page of the daily dormancy sweep (domain/dormancy.ts, workflows/risk-sweeps/dormancy-sweep.ts):
 * the open accounts idle for the policy's period, each put to sleep by a receive-only hold of its
 * own kind and announced to the app once.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Ports } from '../adapters/ports';
import type { AppEvent } from '../contracts/providers';
import { DORMANT, type DormancyPolicy, dormantFrom, dormantHoldId, idleWindow } from '../domain/dormancy';

export interface DormancyPageInput {
  /** The instant the sweep acts for (ISO). */
  now: string;
  policy: DormancyPolicy;
  /** Where the previous page ended. */
  after?: string;
}

export interface DormancyPageResult {
  listed: number;
  /** Accounts put to sleep today. */
  slept: number;
  /** Accounts whose hold core banking refused for good: ops alerted, tried again by the next sweep. */
  failed: number;
  /** The webhook events this page calls for: the workflow sends them through its outbox. */
  events: Omit<AppEvent, 'occurredAt'>[];
  nextCursor?: string;
}

export function createDormancyActivities(ports: Ports) {
  /** As the other sweeps': a lost alert is logged (no personal data) and the next sweep alerts again. */
  async function alertOps(event: Omit<AppEvent, 'occurredAt'>): Promise<void> {
    try {
      await ports.opsNotifier.send({ ...event, occurredAt: new Date().toISOString() });
    } catch (err) {
      Context.current().log.warn('ops alert not delivered', {
        eventType: event.type,
        applicationId: event.applicationId,
        error: (err as Error).name,
      });
    }
  }

  return {
    /**
     * One page of the accounts whose last customer-initiated activity falls in the sweep's window
     * (idle for the policy's period, not longer than that plus the catch-up). Each gets the
     * receive-only hold of its idle stretch (its id names the last activity, so it is placed once
     * and a lifted one is never placed again), announced by ACCOUNT_DORMANT keyed by the same,
     * so apps keep one however often a page is retried.
     *
     * One account never stops the sweep: a hold core banking will not place leaves the account as
     * it is, alerts ops and the page goes on (the next sweep tries again while the account is in
     * the window). A transient failure fails the page, which is retried whole (the holds are
     * idempotent, the events keyed).
     */
    async sweepDormancyPage({ now, policy, after }: DormancyPageInput): Promise<DormancyPageResult> {
      const { from, before } = idleWindow(now, policy);
      const page = await ports.coreBanking.listIdle(before, {
        from,
        limit: policy.pageSize,
        ...(after !== undefined && { after }),
      });
      const result: DormancyPageResult = { listed: page.accounts.length, slept: 0, failed: 0, events: [] };
      for (const account of page.accounts) {
        const { accountNumber, reference, partnerId, lastCustomerActivityAt: since } = account;
        const holdId = dormantHoldId(since);
        if (account.holdIds.includes(holdId)) continue;
        try {
          await ports.coreBanking.placeHold(accountNumber, { holdId, type: 'RECEIVE_ONLY', reason: DORMANT });
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
          result.failed += 1;
          await alertOps({
            eventId: `${reference}:dormant:${now}:OPS_ACCOUNT_NOT_RESTRICTED`,
            type: 'OPS_ACCOUNT_NOT_RESTRICTED',
            applicationId: reference,
            data: {
              severity: 'WARNING',
              ...(partnerId && { partnerId }),
              accountNumber,
              wanted: 'RECEIVE_ONLY',
              holdId,
              reason: DORMANT,
              error: err.type ?? 'ApplicationFailure',
              action:
                'restrict this account by hand: it has been idle for the dormancy period and core banking refused the hold (the sweep tries again tomorrow)',
            },
          });
          continue;
        }
        result.slept += 1;
        result.events.push({
          eventId: `${reference}:dormant:${since}:ACCOUNT_DORMANT`,
          type: 'ACCOUNT_DORMANT',
          applicationId: reference,
          ...(partnerId && { partnerId }),
          data: {
            accountNumber,
            hold: 'RECEIVE_ONLY',
            idleSince: since,
            dormantFrom: dormantFrom(since, policy),
            restriction: { kind: 'BANK_REVIEW', action: 'RE_VERIFY' },
            action: 'RE_VERIFY',
          },
        });
      }
      return { ...result, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    },
  };
}
