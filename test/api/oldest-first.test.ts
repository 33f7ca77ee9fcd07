/**
 * The review queue's oldest-first walk over a visibility store that cannot ORDER BY
 * (api/services/oldest-first.ts), against an in-memory stand-in of SQL visibility's StartTime ranges,
 * counts and newest-first lists: every case once, oldest first, ties across page boundaries kept.
 */
import { describe, expect, it } from 'vitest';
import {
  type AgeCursor,
  type OldestFirstSource,
  oldestFirstPage,
  usToIso,
} from '../../api/services/oldest-first';

interface Row {
  id: string;
  us: number;
}

/** Parses the bounds the walk adds to its queries; the filter before them is the caller's. */
function visibility(rows: Row[]): OldestFirstSource & { calls: number } {
  const parse = (query: string) => {
    const toUs = (iso: string) =>
      Date.parse(iso) * 1000 + (Number(/\.\d{3}(\d{3})Z$/.exec(iso)?.[1] ?? 0) || 0);
    const ge = [...query.matchAll(/StartTime >= '([^']+)'/g)].map((m) => toUs(m[1]!));
    const le = [...query.matchAll(/StartTime <= '([^']+)'/g)].map((m) => toUs(m[1]!));
    const not = [...query.matchAll(/WorkflowId != '([^']+)'/g)].map((m) => m[1]!);
    return rows.filter(
      (r) => ge.every((t) => r.us >= t) && le.every((t) => r.us <= t) && !not.includes(r.id),
    );
  };
  const source = {
    calls: 0,
    async count(query: string) {
      source.calls++;
      return parse(query).length;
    },
    async list(query: string, pageSize: number) {
      source.calls++;
      // SQL visibility's own order for running workflows: newest first.
      return parse(query)
        .sort((a, b) => b.us - a.us || b.id.localeCompare(a.id))
        .slice(0, pageSize)
        .map((r) => ({
          execution: { workflowId: r.id },
          startTime: { seconds: Math.floor(r.us / 1e6), nanos: (r.us % 1e6) * 1000 },
        }));
    },
  };
  return source as unknown as OldestFirstSource & { calls: number };
}

async function walk(rows: Row[], limit: number, nowUs: number) {
  const source = visibility(rows);
  const seen: Row[] = [];
  let cursor: AgeCursor | undefined;
  let pages = 0;
  do {
    const { executions, next } = await oldestFirstPage(
      source,
      "WorkflowType = 'review'",
      limit,
      cursor,
      nowUs,
    );
    pages++;
    for (const e of executions)
      seen.push({
        id: String(e.execution?.workflowId),
        us: Number(e.startTime?.seconds) * 1e6 + Number(e.startTime?.nanos) / 1000,
      });
    cursor = next;
    if (pages > rows.length + 2) throw new Error('the walk does not end');
  } while (cursor);
  return { seen, pages, calls: source.calls };
}

const NOW = Date.parse('2026-12-01T12:00:00Z') * 1000;

describe('oldest first over visibility that cannot order', () => {
  it('walks 1,234 cases spread over two days, 50 a page: each once, oldest first', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rows = Array.from({ length: 1234 }, (_, i) => ({
      id: `review-${i}`,
      us: NOW - Math.floor(random() * 2 * 24 * 3600 * 1e6),
    }));
    const { seen, pages, calls } = await walk(rows, 50, NOW);
    expect(pages).toBe(25);
    expect(seen.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(seen.map((r) => r.us)).toEqual([...rows].map((r) => r.us).sort((a, b) => a - b));
    // A few rounds of counts per page, not one call per case.
    expect(calls / pages).toBeLessThan(45);
  });

  it('keeps ties at one microsecond across a page boundary', async () => {
    const rows = [
      ...Array.from({ length: 48 }, (_, i) => ({
        id: `a-${String(i).padStart(2, '0')}`,
        us: NOW - 10e6 + i,
      })),
      // Five cases at the very same instant straddle the first page's end.
      ...Array.from({ length: 5 }, (_, i) => ({ id: `tie-${i}`, us: NOW - 5e6 })),
      ...Array.from({ length: 30 }, (_, i) => ({ id: `b-${String(i).padStart(2, '0')}`, us: NOW - 1e6 + i })),
    ];
    const { seen, pages } = await walk(rows, 50, NOW);
    expect(pages).toBe(2);
    expect(new Set(seen.map((r) => r.id)).size).toBe(rows.length);
    expect(seen.map((r) => r.id).slice(48, 53)).toEqual(['tie-0', 'tie-1', 'tie-2', 'tie-3', 'tie-4']);
  });

  it('finds cases older than ten years, and answers a short queue in one page', async () => {
    const old = [{ id: 'ancient', us: NOW - 12 * 365 * 24 * 3600e6 }];
    const rows = [...old, ...Array.from({ length: 120 }, (_, i) => ({ id: `r-${i}`, us: NOW - i * 1e6 }))];
    const { seen } = await walk(rows, 50, NOW);
    expect(seen[0]!.id).toBe('ancient');
    expect(seen).toHaveLength(121);
    const short = await walk(rows.slice(0, 10), 50, NOW);
    expect(short.pages).toBe(1);
    expect(short.seen).toHaveLength(10);
  });

  it('writes microsecond timestamps as visibility compares them', () => {
    expect(usToIso(Date.parse('2026-12-01T12:00:00.123Z') * 1000 + 456)).toBe('2026-12-01T12:00:00.123456Z');
  });
});
