/**
 * Figures for the benchmark commands: percentiles the way `../shared/floor-bench` computes
 * them (so ratios compare like with like), a bounded-concurrency runner, and output helpers.
 * Benchmarks print figures; nothing here asserts on a timing.
 */
import os from 'node:os';
import { InvalidArgumentError } from 'commander';

/** Nearest-rank on the sorted sample, as floor-bench's `pct`: `s[min(n-1, floor(p*n))]`. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

export interface Spread {
  p50: number;
  p99: number;
}

export function spread(sample: readonly number[]): Spread {
  return { p50: round1(percentile(sample, 0.5)), p99: round1(percentile(sample, 0.99)) };
}

export interface PoolResult<T> {
  /** One entry per successful run, in completion order. */
  results: T[];
  /** Wall time from the first start to the last finish, in ms. */
  elapsedMs: number;
  errors: number;
  firstError?: string;
}

/**
 * Runs `one(i)` for i = 0..n-1 with at most `concurrency` in flight, as floor-bench does:
 * each of `concurrency` loops takes the next index until all are taken.
 */
export async function runPool<T>(
  n: number,
  concurrency: number,
  one: (i: number) => Promise<T>,
): Promise<PoolResult<T>> {
  const results: T[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        try {
          results.push(await one(i));
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
      }
    }),
  );
  return { results, elapsedMs: performance.now() - started, errors, firstError };
}

export const emptyPool = <T>(): PoolResult<T> => ({ results: [], elapsedMs: 0, errors: 0 });

/** Adds a pool's runs to a running total; throughput then counts the pools' wall times only. */
export function addTo<T>(total: PoolResult<T>, pool: PoolResult<T>): void {
  total.results.push(...pool.results);
  total.elapsedMs += pool.elapsedMs;
  total.errors += pool.errors;
  total.firstError ??= pool.firstError;
}

/** Workflows (or requests) per second over the pool's wall time. */
export const perSecond = (count: number, elapsedMs: number): number => round1(count / (elapsedMs / 1000));

/** One JSON line on stdout per figure set: `| jq` friendly. */
export function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Progress and the human summary go to stderr, so stdout stays JSON lines only. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

export function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
}

/**
 * The machine as the run saw it. Server, workers, client and sandboxes share its cores, and
 * so does anything else running: a load average above the core count means the figures
 * measured contention too (ratios to the floor, measured alongside, suffer less).
 */
export function machine(when: 'start' | 'end'): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    kind: 'machine',
    when,
    cores: cpus.length,
    cpu: cpus[0]?.model,
    loadavg1m: round1(os.loadavg()[0]!),
    node: process.version,
  };
}
