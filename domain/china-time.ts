/**
 * Dates as China sees them: UTC+8 all year (no daylight saving). ID numbers carry local birth
 * dates, and the daily abuse limits reset at local midnight.
 */
const UTC_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Milliseconds since the epoch on a clock that reads China's local time as if it were UTC. */
const chinaClock = (now: Date): number => now.getTime() + UTC_OFFSET_MS;

/** Today's date in China as YYYY-MM-DD. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(chinaClock(now)).toISOString().slice(0, 10);
}

/** Whole seconds (rounded up) until the next midnight in China: a Retry-After for the daily limits. */
export function secondsToChinaMidnight(now: Date = new Date()): number {
  return Math.ceil((DAY_MS - (chinaClock(now) % DAY_MS)) / 1000);
}

/** A calendar date (YYYY-MM-DD) moved by whole days: dates have no time zone, so UTC arithmetic is exact. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one calendar date to another (negative when `to` comes first). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
