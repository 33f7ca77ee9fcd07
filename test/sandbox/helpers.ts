import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder per test file; `dbFile()` names a new database inside it. */
export function tempDir(): { dbFile: (name?: string) => string; remove: () => void } {
  const dir = path.join(os.tmpdir(), `sandbox-test-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return {
    dbFile: (name = randomUUID()) => path.join(dir, `${name}.db`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A hand-driven clock for expiry and 24-hour windows: no test waits on real time. */
export function manualClock(start = Date.parse('2025-03-01T08:00:00.000Z')) {
  let nowMs = start;
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}
