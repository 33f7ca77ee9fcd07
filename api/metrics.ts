/**
 * The API's view of the review queue as Prometheus gauges, read from Temporal visibility at
 * scrape time (at most every 10 s, however many scrapers): cases by status, the age of the
 * oldest pending case, and SLA breaches (pending cases whose operator SLA has passed: the review
 * escalated). Every API instance reports the same cluster-wide numbers; aggregate with max(),
 * not sum(). Where visibility cannot order (the dev server's SQLite), the oldest case is the
 * oldest of the first page.
 */
import type { Client } from '@temporalio/client';
import type { ProjectMetrics } from '../config/metrics';
import type { Reviews } from './services/reviews';

const EVERY_MS = 10_000;

interface Snapshot {
  depth: Record<string, number>;
  oldestPendingSeconds: number;
  slaBreaches: number;
}

export function reviewQueueGauges(
  metrics: ProjectMetrics,
  opts: { client: Client; reviews: Reviews; taskQueue: string },
): void {
  const base = `WorkflowType = 'review' AND ExecutionStatus = 'Running' AND TaskQueue = '${opts.taskQueue.replace(/'/g, "''")}'`;
  const count = async (where: string) => (await opts.client.workflow.count(`${base} AND ${where}`)).count;
  let last: { at: number; value: Promise<Snapshot> } | undefined;
  const snapshot = (): Promise<Snapshot> => {
    if (last && Date.now() - last.at < EVERY_MS) return last.value;
    const value = (async () => {
      const [pending, second, acting, awaiting, breaches, first] = await Promise.all([
        count("ReviewStatus = 'PENDING'"),
        count("ReviewStatus = 'AWAITING_SECOND_DECISION'"),
        // Decided, and core banking has not done its part yet: watch this one.
        count("ReviewStatus = 'ACTION_PENDING'"),
        count("ReviewStatus = 'AWAITING_RESUBMISSION'"),
        count("ReviewStatus = 'PENDING' AND Escalated = true"),
        opts.reviews.page({ status: 'PENDING', limit: 1 }),
      ]);
      const openedAt = first.reviews[0]?.openedAt;
      return {
        depth: {
          PENDING: pending,
          AWAITING_SECOND_DECISION: second,
          ACTION_PENDING: acting,
          AWAITING_RESUBMISSION: awaiting,
        },
        oldestPendingSeconds: openedAt ? Math.max(0, (Date.now() - Date.parse(openedAt)) / 1000) : 0,
        slaBreaches: breaches,
      };
    })();
    last = { at: Date.now(), value };
    // A failed read is not cached: the next scrape tries again.
    value.catch(() => {
      if (last?.value === value) last = undefined;
    });
    return value;
  };
  metrics.gauge('review_queue_depth', 'Open review cases, by status', ['status'], async (g) => {
    const s = await snapshot();
    for (const [status, n] of Object.entries(s.depth)) g.set({ status }, n);
  });
  metrics.gauge(
    'review_oldest_pending_age_seconds',
    'Age of the oldest case waiting for an operator',
    [],
    async (g) => g.set((await snapshot()).oldestPendingSeconds),
  );
  metrics.gauge('review_sla_breaches', 'Pending cases past their operator SLA (escalated)', [], async (g) =>
    g.set((await snapshot()).slaBreaches),
  );
}
