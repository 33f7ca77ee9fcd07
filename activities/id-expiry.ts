/**
 * Activities of the ID-expiry lifecycle (domain/id-expiry.ts): one page of the daily sweep, and
 * the holder a renewal's photos are checked against.
 */

import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Sealer } from '../adapters/documents';
import type { Ports } from '../adapters/ports';
import type { AccountHolder } from '../contracts/core-banking';
import type { AppEvent } from '../contracts/providers';
import { addDays, daysBetween } from '../domain/china-time';
import { expiryStage, type IdExpiryPolicy, idExpiryHoldId, sweepWindow } from '../domain/id-expiry';
import { publicEventData } from '../domain/public-reasons';
import { DataKeyShreddedError } from '../encryption/keyring';

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

/** One account's event, sealed under its application's data key: a shred leaves nothing to read. */
export interface SealedEvent {
  applicationId: string;
  /** base64 of the keyring's envelope of the event's JSON. */
  sealed: string;
}

/** A page as the sweep workflow takes it: no account number, no end date in clear. */
export type SealedSweepPageResult = Omit<SweepPageResult, 'events'> & {
  events: SealedEvent[];
  /**
   * Events of accounts whose reference is no application id (not opened by this service): no
   * person's key to seal them under, so they travel as before.
   */
  unsealed: Omit<AppEvent, 'occurredAt'>[];
};

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The sweep's per-account payloads sealed under each account's application key
 * (workflows/id-expiry/sweep.ts): the page's events leave the activity sealed, and are opened only
 * by the activity that delivers them, so the sweep's history (deployment key, never shredded) holds no account number nor card date in clear.
 * `keyring`: the one the worker's codec uses; a worker without one (a plaintext benchmark)
 * fails these activities for good rather than seal nothing.
 */
export function createSealedSweepActivities(ports: Ports, keyring: Sealer | undefined) {
  const { sweepIdExpiryPage } = createIdExpiryActivities(ports);
  const sealer = (): Sealer => {
    if (!keyring)
      throw ApplicationFailure.nonRetryable('this worker has no keyring to seal events', 'NoKeyring');
    return keyring;
  };
  return {
    async sweepIdExpiryPageSealed(input: SweepPageInput): Promise<SealedSweepPageResult> {
      const page = await sweepIdExpiryPage(input);
      const k = sealer();
      const ours = page.events.filter((e) => APPLICATION_ID.test(e.applicationId));
      const events = await Promise.all(
        ours.map(async (event) => {
          const sealed = await k.encrypt(event.applicationId, Buffer.from(JSON.stringify(event)));
          return { applicationId: event.applicationId, sealed: Buffer.from(sealed).toString('base64') };
        }),
      );
      return { ...page, events, unsealed: page.events.filter((e) => !ours.includes(e)) };
    },

    /** Opens one sealed event and sends it to the app's webhook, as notifyApp does. */
    async deliverSealedEvent({ applicationId, sealed }: SealedEvent): Promise<{ attempts: number }> {
      let event: Omit<AppEvent, 'occurredAt'>;
      try {
        event = JSON.parse(
          Buffer.from(await sealer().decrypt(applicationId, Buffer.from(sealed, 'base64'))).toString(),
        );
      } catch (err) {
        if (err instanceof DataKeyShreddedError)
          throw ApplicationFailure.nonRetryable(
            'its person was crypto-shredded: nothing to send',
            'DataKeyShredded',
          );
        throw err;
      }
      await ports.notifier.send({
        ...event,
        data: publicEventData(event.data ?? {}),
        occurredAt: new Date().toISOString(),
      });
      return { attempts: Context.current().info.attempt };
    },
  };
}

export type SealedSweepActivities = ReturnType<typeof createSealedSweepActivities>;

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
