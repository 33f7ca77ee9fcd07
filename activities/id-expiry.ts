/**
 * Activities of the ID-expiry lifecycle (domain/id-expiry.ts): one page of the daily sweep, and
 * the holder a renewal's photos are checked against.
 */

import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Ports } from '../adapters/ports';
import type { AccountHolder } from '../contracts/core-banking';
import type { AppEvent } from '../contracts/providers';
import { addDays, daysBetween } from '../domain/china-time';
import { expiryStage, type IdExpiryPolicy, idExpiryHoldId, sweepWindow } from '../domain/id-expiry';

export interface SweepPageInput {
  /** The China date the sweep acts for. */
  asOf: string;
  policy: IdExpiryPolicy;
  /** Where the previous page ended. */
  after?: string;
}

export interface SweepPageResult {
  listed: number;
  reminded: number;
  restricted: number;
  frozen: number;
  /**
   * Accounts whose due hold core banking refused for good (or answered outside its contract):
   * left as they are today, ops alerted, tried again by the next day's sweep. Absent in pages
   * recorded before it existed.
   */
  failed?: number;
  /** The webhook events this page calls for: the workflow sends them through its outbox. */
  events: Omit<AppEvent, 'occurredAt'>[];
  nextCursor?: string;
}

export function createIdExpiryActivities(ports: Ports) {
  /**
   * To the bank's operations team. A failed alert does not stop the sweep either: it is logged
   * (no personal data) and counted (webhook attempt failures, target ops), and the account, still
   * unrestricted, is alerted again by the next day's sweep.
   */
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
     * One page of the accounts whose card ends in today's window: each due hold placed (idempotent:
     * one hold id per stage and end date, so a retried page or the next day's sweep places none
     * twice), and the events to send. An account's restriction is announced once, on the day the
     * sweep first finds it unrestricted; reminders on the window's first days.
     *
     * One account never stops the sweep: a hold core banking will not place (a non-retryable
     * answer: refused for good, or outside the contract) leaves that account as it is, alerts ops
     * (OPS_ACCOUNT_NOT_RESTRICTED, once a day per account) and the page goes on; the next day's
     * sweep finds the account again and tries anew. A transient failure still fails the page,
     * which is retried whole (holds are idempotent, events keyed).
     */
    async sweepIdExpiryPage({ asOf, policy, after }: SweepPageInput): Promise<SweepPageResult> {
      const { from, before } = sweepWindow(asOf, policy);
      const page = await ports.coreBanking.listIdExpiring(before, {
        from,
        limit: policy.pageSize,
        ...(after !== undefined && { after }),
      });
      const result: SweepPageResult = {
        listed: page.accounts.length,
        reminded: 0,
        restricted: 0,
        frozen: 0,
        events: [],
      };
      for (const account of page.accounts) {
        const { accountNumber, idValidUntil, reference, partnerId } = account;
        const stage = expiryStage(idValidUntil, asOf, policy);
        if (!stage) continue;
        const event = (type: AppEvent['type'], data: Record<string, unknown>) => ({
          eventId: `${reference}:id-expiry:${idValidUntil}:${type}`,
          type,
          applicationId: reference,
          ...(partnerId && { partnerId }),
          data: { accountNumber, idValidUntil, ...data },
        });
        if (stage === 'REMINDER') {
          result.reminded += 1;
          result.events.push(event('ID_EXPIRING_SOON', { daysLeft: daysBetween(asOf, idValidUntil) }));
          continue;
        }
        const wasFree = stage === 'FROZEN' ? account.status !== 'FROZEN' : account.status === 'ACTIVE';
        const holdId = idExpiryHoldId(idValidUntil, stage);
        try {
          await ports.coreBanking.placeHold(accountNumber, {
            holdId,
            type: stage,
            reason: 'ID_CARD_EXPIRED',
          });
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
          result.failed = (result.failed ?? 0) + 1;
          await alertOps({
            eventId: `${reference}:id-expiry:${asOf}:${stage}:OPS_ACCOUNT_NOT_RESTRICTED`,
            type: 'OPS_ACCOUNT_NOT_RESTRICTED',
            applicationId: reference,
            data: {
              severity: 'CRITICAL',
              ...(partnerId && { partnerId }),
              accountNumber,
              wanted: stage,
              holdId,
              reason: 'ID_CARD_EXPIRED',
              idValidUntil,
              error: err.type ?? 'ApplicationFailure',
              action:
                "restrict this account by hand: its holder's ID card has ended and core banking refused the hold (the sweep tries again tomorrow)",
            },
          });
          continue;
        }
        if (stage === 'FROZEN') result.frozen += 1;
        else result.restricted += 1;
        if (wasFree) {
          result.events.push(
            event(stage === 'FROZEN' ? 'ACCOUNT_FROZEN' : 'HOLD_APPLIED', {
              hold: stage,
              reason: 'ID_CARD_EXPIRED',
              // When the next step comes if no new card is presented.
              ...(stage === 'RECEIVE_ONLY' && {
                frozenFrom: addDays(idValidUntil, policy.frozenDaysAfter),
              }),
            }),
          );
        }
      }
      return { ...result, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    },

    /** Lifts every hold an expired card placed (whatever its end date): a valid card is on file now. */
    async liftIdExpiryHolds({ accountNumber }: { accountNumber: string }): Promise<{ lifted: string[] }> {
      const account = await ports.coreBanking.getAccount(accountNumber);
      const lifted = (account?.holds ?? []).map((h) => h.holdId).filter((id) => id.startsWith('id-expiry:'));
      for (const holdId of lifted) await ports.coreBanking.liftHold(accountNumber, holdId);
      return { lifted };
    },

    /** Who holds the account: re-submitted photos must show this person. */
    async getAccountHolder({ accountNumber }: { accountNumber: string }): Promise<AccountHolder | undefined> {
      return ports.coreBanking.getHolder(accountNumber);
    },
  };
}
