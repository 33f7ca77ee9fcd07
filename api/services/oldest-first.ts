/**
 * Oldest first, page after page, from a visibility store that cannot ORDER BY. Temporal's SQL
 * visibility (PostgreSQL and MySQL in server 1.29, the dev server's SQLite) refuses `ORDER BY`
 * and lists running workflows newest first; Elasticsearch orders. What SQL visibility does take
 * is a range on StartTime and a COUNT, so a page of the L oldest cases after a cursor is found by
 * narrowing a time window with counts (K at once, in parallel: a K+1-ary search) until it holds
 * between L and 2L cases, then listing that window whole and sorting it. The cursor is the last
 * case's start time (microseconds) and the ids already shown at that very time, so ties across
 * a page boundary are neither lost nor repeated. A page costs one list and a few rounds of
 * counts (each round one count's latency), whatever the queue's length.
 */
import type { temporal } from '@temporalio/proto';

type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

export interface AgeCursor {
  /** Start time of the last case shown, microseconds since the epoch. */
  us: number;
  /** Workflow ids shown already with exactly that start time. */
  shown: string[];
}

export interface OldestFirstSource {
  count(query: string): Promise<number>;
  /** One list call in visibility's own order, at most `pageSize` rows. */
  list(query: string, pageSize: number): Promise<RawExecution[]>;
}

/** Parallel counts per round: each round divides the window by K + 1. */
const K = 7;
/** The first round's distances grow by this: 1 ms to ten years in K steps. */
const RATIO = (10 * 365 * 24 * 3600 * 1000) ** (1 / (K - 1));
/** A list call returns at most this many rows (the frontend's page limit is 1000). */
const MAX_LIST = 1000;

export const startUs = (raw: RawExecution): number => {
  const t = raw.startTime;
  return t ? Number(t.seconds ?? 0) * 1e6 + Math.floor((t.nanos ?? 0) / 1000) : 0;
};

/** RFC 3339 with microseconds, as visibility compares timestamps. */
export function usToIso(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, -1)}${String(Math.floor(us) % 1000).padStart(3, '0')}Z`;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function oldestFirstPage(
  source: OldestFirstSource,
  where: string,
  limit: number,
  cursor: AgeCursor | undefined,
  nowUs = Date.now() * 1000,
): Promise<{ executions: RawExecution[]; next?: AgeCursor }> {
  const after = cursor
    ? ` AND StartTime >= ${quote(usToIso(cursor.us))}${cursor.shown.map((id) => ` AND WorkflowId != ${quote(id)}`).join('')}`
    : '';
  const base = `${where}${after}`;
  const upTo = (us: number) => `${base} AND StartTime <= ${quote(usToIso(us))}`;
  // Clocks differ a little between this host and the server's.
  let hi = nowUs + 60e6;
  const total = await source.count(base);
  let hiCount = total;
  if (total === 0) return { executions: [] };
  if (total > limit) {
    // Invariant: count(<= lo) < limit <= count(<= hi). Narrow until the window holds < 2L.
    let lo = cursor ? cursor.us - 1 : -1;
    // The first round is geometric (1 ms, 82 ms, 6.7 s, ... up to ten years): from the cursor up,
    // where the next page starts, or from now back, to find the oldest cases' era; whatever the
    // queue's span, it leaves a window a few linear rounds narrow down.
    let round = 0;
    while (hiCount >= 2 * limit && hi - lo > 1) {
      const step = (hi - lo) / (K + 1);
      const linear = Array.from({ length: K }, (_, i) => Math.floor(lo + step * (i + 1)));
      const geometric = Array.from({ length: K }, (_, i) => 1000 * RATIO ** i).map((d) =>
        Math.floor(cursor ? lo + d : nowUs - d),
      );
      const points = (round++ === 0 ? geometric : linear)
        .sort((x, y) => x - y)
        .filter((p, i, a) => p > lo && p < hi && (i === 0 || p !== a[i - 1]));
      if (points.length === 0) break;
      const counts = await Promise.all(points.map((p) => source.count(upTo(p))));
      const i = counts.findIndex((c) => c >= limit);
      if (i === -1) {
        lo = points.at(-1)!;
      } else {
        hi = points[i]!;
        hiCount = counts[i]!;
        if (i > 0) lo = points[i - 1]!;
      }
    }
  }
  const window = total > limit ? upTo(hi) : base;
  const rows = await source.list(window, Math.min(MAX_LIST, Math.max(limit, hiCount)));
  rows.sort(
    (a, b) =>
      startUs(a) - startUs(b) ||
      String(a.execution?.workflowId).localeCompare(String(b.execution?.workflowId)),
  );
  const page = rows.slice(0, limit);
  const more = total > limit;
  if (!more || page.length === 0) return { executions: page };
  const lastUs = startUs(page.at(-1)!);
  const shown = page.filter((r) => startUs(r) === lastUs).map((r) => String(r.execution?.workflowId));
  return {
    executions: page,
    next: { us: lastUs, shown: cursor && cursor.us === lastUs ? [...cursor.shown, ...shown] : shown },
  };
}
