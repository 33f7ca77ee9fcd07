/**
 * The daily retention run (docs/retention.md), started by a Temporal Schedule
 * (api/services/schedules.ts): first the applications that ended since the last run are added to the
 * due-date index (visibility by CloseTime, a page per activity), then the rows due today are read
 * by date and destroyed or rescheduled as domain/retention.ts says, a page per activity. It
 * continues as new every so many pages or history events, so millions of rows never make one
 * long history; what it had done so far travels with it.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DueCursor, RetentionPolicy } from '../../domain/retention';
import { pageOptions } from '../activity-options';

const { retentionIndexPage, retentionAdvanceWatermark, retentionDestroyPage } = proxyActivities<Activities>(
  pageOptions({ startToClose: '10 minutes', final: ['RetentionNotConfigured'] }),
);

const PAGES_PER_RUN = 100;
const HISTORY_EVENTS_PER_RUN = 5_000;

export interface RetentionTotals {
  indexed: number;
  looked: number;
  destroyed: number;
  held: number;
  waiting: number;
}

export interface RetentionRunInput {
  policy: RetentionPolicy;
  /** The instant the run acts for; the run's own start when absent (the schedule's runs). */
  asOf?: string;
  /** A continued run: which phase, where its last page ended, and the counts so far. */
  phase?: 'INDEX' | 'DESTROY';
  from?: string;
  pageToken?: string;
  after?: DueCursor;
  totals?: RetentionTotals;
}

export async function retentionRun(input: RetentionRunInput): Promise<RetentionTotals & { asOf: string }> {
  // Workflow time: the same on replay.
  const asOf = input.asOf ?? new Date().toISOString();
  const to = new Date(Date.parse(asOf) - input.policy.visibilityLagSeconds * 1000).toISOString();
  const totals = { ...(input.totals ?? { indexed: 0, looked: 0, destroyed: 0, held: 0, waiting: 0 }) };
  let phase = input.phase ?? 'INDEX';
  let { from, pageToken, after } = input;
  const shouldContinue = (pages: number) => {
    const info = workflowInfo();
    return (
      pages >= PAGES_PER_RUN || info.historyLength >= HISTORY_EVENTS_PER_RUN || info.continueAsNewSuggested
    );
  };
  for (let pages = 1; ; pages++) {
    if (phase === 'INDEX') {
      const page = await retentionIndexPage({
        to,
        policy: input.policy,
        ...(from !== undefined && { from }),
        ...(pageToken !== undefined && { pageToken }),
      });
      from = page.from;
      totals.indexed += page.indexed;
      pageToken = page.nextPageToken;
      if (!pageToken) {
        await retentionAdvanceWatermark({ to });
        phase = 'DESTROY';
      }
    } else {
      const page = await retentionDestroyPage({
        asOf,
        policy: input.policy,
        ...(after !== undefined && { after }),
      });
      totals.looked += page.looked;
      totals.destroyed += page.destroyed;
      totals.held += page.held;
      totals.waiting += page.waiting;
      after = page.nextCursor;
      if (!after) break;
    }
    if (shouldContinue(pages)) {
      await continueAsNew<typeof retentionRun>({
        policy: input.policy,
        asOf,
        phase,
        totals,
        ...(from !== undefined && phase === 'INDEX' && { from }),
        ...(pageToken !== undefined && { pageToken }),
        ...(after !== undefined && { after }),
      });
    }
  }
  return { asOf, ...totals };
}
