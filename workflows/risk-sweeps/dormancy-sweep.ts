/**
 * The daily dormancy sweep (domain/dormancy.ts), run by a Temporal Schedule (api/services/dormancy.ts),
 * shaped like the re-verification sweep: the accounts idle for the policy's period, a page per
 * activity, each put to sleep by a receive-only hold of its own kind, each event sent through the
 * outbox. It continues as new every so many pages or history events, so a day with many accounts
 * never makes one long history; a continued run goes on from the page it stopped at.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DormancyPolicy } from '../../domain/dormancy';
import { CONTRACT_BROKEN, pageOptions } from '../activity-options';
import { Outbox } from '../outbox';

const { sweepDormancyPage } = proxyActivities<Activities>(pageOptions({ final: [CONTRACT_BROKEN] }));

/** The customer's app is retried for an hour; the hold stands whether or not the app heard. */
const EVENT_GIVE_UP_SECONDS = 3600;
const PAGES_PER_RUN = 50;
const HISTORY_EVENTS_PER_RUN = 5_000;

export interface DormancySweepTotals {
  listed: number;
  slept: number;
  failed: number;
}

export interface DormancySweepInput {
  policy: DormancyPolicy;
  /** The instant to act for (ISO); the run's own start when absent (the schedule's runs). */
  now?: string;
  /** A continued run: where the last page ended, and the counts so far. */
  after?: string;
  totals?: DormancySweepTotals;
}

export async function dormancySweep(
  input: DormancySweepInput,
): Promise<DormancySweepTotals & { now: string }> {
  const now = input.now ?? new Date().toISOString();
  const totals = { ...(input.totals ?? { listed: 0, slept: 0, failed: 0 }) };
  const outbox = new Outbox(EVENT_GIVE_UP_SECONDS);
  let after = input.after;
  for (let pages = 1; ; pages++) {
    const page = await sweepDormancyPage({
      now,
      policy: input.policy,
      ...(after !== undefined && { after }),
    });
    for (const event of page.events) outbox.send(event);
    totals.listed += page.listed;
    totals.slept += page.slept;
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
      await continueAsNew<typeof dormancySweep>({ ...input, now, after, totals });
    }
  }
  await outbox.settled();
  return { now, ...totals };
}
