/**
 * The daily re-verification sweep (domain/risk-life.ts), run by a Temporal Schedule
 * (api/services/re-verifications.ts), modelled on the ID-expiry sweep: the accounts due by now, a page
 * per activity, each holder asked or each missed due date's hold placed, each event sent through
 * the outbox. It continues as new every so many pages or history events, so a day with many
 * accounts never makes one long history; a continued run goes on from the page it stopped at.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { RiskLifePolicy } from '../../domain/risk-life';
import { CONTRACT_BROKEN, pageOptions } from '../activity-options';
import { Outbox } from '../outbox';

const { sweepReVerificationPage } = proxyActivities<Activities>(pageOptions({ final: [CONTRACT_BROKEN] }));

/** The customer's app is retried for an hour; a holder still due is asked again by the next sweep. */
const EVENT_GIVE_UP_SECONDS = 3600;
const PAGES_PER_RUN = 50;
const HISTORY_EVENTS_PER_RUN = 5_000;

export interface ReVerificationSweepTotals {
  listed: number;
  scheduled: number;
  asked: number;
  restricted: number;
  failed: number;
}

export interface ReVerificationSweepInput {
  policy: RiskLifePolicy;
  /** The instant to act for (ISO); the run's own start when absent (the schedule's runs). */
  now?: string;
  /** A continued run: where the last page ended, and the counts so far. */
  after?: string;
  totals?: ReVerificationSweepTotals;
}

export async function reVerificationSweep(
  input: ReVerificationSweepInput,
): Promise<ReVerificationSweepTotals & { now: string }> {
  const now = input.now ?? new Date().toISOString();
  const totals = { ...(input.totals ?? { listed: 0, scheduled: 0, asked: 0, restricted: 0, failed: 0 }) };
  const outbox = new Outbox(EVENT_GIVE_UP_SECONDS);
  let after = input.after;
  for (let pages = 1; ; pages++) {
    const page = await sweepReVerificationPage({
      now,
      policy: input.policy,
      ...(after !== undefined && { after }),
    });
    for (const event of page.events) outbox.send(event);
    totals.listed += page.listed;
    totals.scheduled += page.scheduled;
    totals.asked += page.asked;
    totals.restricted += page.restricted;
    totals.failed += page.failed;
    if (!page.nextCursor) break;
    after = page.nextCursor;
    const info = workflowInfo();
    if (
      pages >= PAGES_PER_RUN ||
      info.historyLength >= HISTORY_EVENTS_PER_RUN ||
      info.continueAsNewSuggested
    ) {
      await outbox.settled();
      await continueAsNew<typeof reVerificationSweep>({ ...input, now, after, totals });
    }
  }
  await outbox.settled();
  return { now, ...totals };
}
