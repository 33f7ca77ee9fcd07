/**
 * The daily ID-expiry sweep (domain/id-expiry.ts), run by a Temporal Schedule
 * (api/services/id-expiry.ts): the accounts whose card ends in today's window, a page per activity,
 * each due hold placed and each event sent through the outbox. It continues as new every so many
 * pages or history events, so a day with many accounts never makes one long history.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SealedEvent, SealedSweepActivities } from '../../activities/id-expiry';
import { todayInChina } from '../../domain/china-time';
import type { IdExpiryPolicy } from '../../domain/id-expiry';
import { CONTRACT_BROKEN, deliveryOptions, pageOptions } from '../activity-options';
import { Outbox } from '../outbox';

const { sweepIdExpiryPageSealed } = proxyActivities<SealedSweepActivities>(
  pageOptions({ final: [CONTRACT_BROKEN, 'NoKeyring'] }),
);

/** The customer's app is retried for an hour; a reminder missed is sent again on the window's next days. */
const EVENT_GIVE_UP_SECONDS = 3600;
const PAGES_PER_RUN = 50;
const HISTORY_EVENTS_PER_RUN = 5_000;

export interface SweepTotals {
  listed: number;
  reminded: number;
  restricted: number;
  frozen: number;
}

export interface IdExpirySweepInput {
  policy: IdExpiryPolicy;
  /** The China date to act for; the run's own date when absent (the schedule's runs). */
  asOf?: string;
  /** A continued run: where the last page ended, and the counts so far. */
  after?: string;
  totals?: SweepTotals;
}

export async function idExpirySweep(input: IdExpirySweepInput): Promise<SweepTotals & { asOf: string }> {
  const asOf = input.asOf ?? todayInChina(new Date());
  const totals = { ...(input.totals ?? { listed: 0, reminded: 0, restricted: 0, frozen: 0 }) };
  const outbox = new Outbox(EVENT_GIVE_UP_SECONDS);
  // Each account's event sealed under its application's key, so this history (the deployment
  // key's, never shredded) carries no account number or card date in clear (docs/encryption.md).
  const sealed = new SealedOutbox();
  let after = input.after;
  for (let pages = 1; ; pages++) {
    const pageInput = { asOf, policy: input.policy, ...(after !== undefined && { after }) };
    const page = await sweepIdExpiryPageSealed(pageInput);
    for (const event of page.events) sealed.send(event);
    for (const event of page.unsealed) outbox.send(event);
    totals.listed += page.listed;
    totals.reminded += page.reminded;
    totals.restricted += page.restricted;
    totals.frozen += page.frozen;
    if (!page.nextCursor) break;
    after = page.nextCursor;
    // Each event is an activity of its own (three or four history events): a busy day's history is
    // bounded by its length, not by the pages alone.
    const info = workflowInfo();
    if (
      pages >= PAGES_PER_RUN ||
      info.historyLength >= HISTORY_EVENTS_PER_RUN ||
      info.continueAsNewSuggested
    ) {
      await outbox.settled();
      await sealed.settled();
      await continueAsNew<typeof idExpirySweep>({ ...input, asOf, after, totals });
    }
  }
  await outbox.settled();
  await sealed.settled();
  return { asOf, ...totals };
}

/**
 * Sealed events leave as the outbox's do (retried with backoff for an hour, never holding up the
 * sweep), through the one activity that can open them; an event given up (its person shredded
 * meanwhile, say) is sent again by the window's next days, as a missed reminder is.
 */
class SealedOutbox {
  private readonly inFlight: Promise<unknown>[] = [];
  private readonly activities = proxyActivities<SealedSweepActivities>(
    deliveryOptions(EVENT_GIVE_UP_SECONDS, ['DataKeyShredded', 'NoKeyring']),
  );

  send(event: SealedEvent): void {
    this.inFlight.push(this.activities.deliverSealedEvent(event).catch(() => undefined));
  }

  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
