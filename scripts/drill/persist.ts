/**
 * How the drill's callers behave while pieces die under them: an idempotent call is sent again
 * (same key, same reference) while the answer is a network failure, a timeout or a 5xx, with a
 * pause that grows, until the drive's deadline. Every retry is counted per call.
 */
import { ApiError, StillCheckingError } from '../../sdk';

export class GaveUpError extends Error {
  override readonly name = 'GaveUpError';
}

/** A call that ended for good with an answer the drill did not expect (for the figures and the report). */
export class UnexpectedError extends Error {
  override readonly name = 'UnexpectedError';
}

export interface Persistence {
  /** When the drive stops retrying. */
  deadline: number;
  /** Past the deadline, not even a first try (the traffic's calls); reads still try once. */
  noFirstTryAfterDeadline?: boolean;
  retries: Map<string, number>;
  /** The last transient failure per call, for the figures (no personal data: statuses and names). */
  lastFailure: Map<string, string>;
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return TRANSIENT_STATUSES.has(err.status);
  if (err instanceof StillCheckingError) return true;
  // fetch's network failure, and our own per-request timeout (TimeoutError) or an abort.
  if (err instanceof TypeError) return true;
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

const describe = (err: unknown): string =>
  err instanceof ApiError ? `${err.status}` : err instanceof Error ? err.name : 'unknown';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it answers, retrying transient failures (and those `alsoRetry` accepts, e.g. a
 * 404 while a review is still being started) until the deadline; then GaveUpError.
 */
export async function persist<T>(
  p: Persistence,
  what: string,
  call: () => Promise<T>,
  alsoRetry: (err: unknown) => boolean = () => false,
): Promise<T> {
  let pause = 200;
  if (p.noFirstTryAfterDeadline && Date.now() > p.deadline)
    throw new GaveUpError(`${what}: past the deadline`);
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err) && !alsoRetry(err)) throw err;
      p.retries.set(what, (p.retries.get(what) ?? 0) + 1);
      p.lastFailure.set(what, describe(err));
      if (Date.now() + pause > p.deadline)
        throw new GaveUpError(`${what}: gave up at the deadline (${describe(err)})`);
      await sleep(pause);
      pause = Math.min(pause * 2, 3000);
    }
  }
}

/** Asks until `done` says so (visibility and workflows catch up), retrying transient failures too. */
export async function until<T>(
  p: Persistence,
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  for (;;) {
    const value = await persist(p, what, probe);
    if (done(value)) return value;
    if (Date.now() + 500 > p.deadline) throw new GaveUpError(`${what}: not there by the deadline`);
    await sleep(500);
  }
}

/** A fetch that gives up on a request after `ms`: a piece killed mid-request must not hang its caller. */
export const fetchWithTimeout =
  (ms: number): typeof fetch =>
  (input, init) =>
    fetch(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(ms)])
        : AbortSignal.timeout(ms),
    });
