/**
 * The retention stores on both databases: the due-date index (read by date with a keyset cursor,
 * rescheduled, destroyed once), its watermark, and legal holds (standing until released once).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LegalHoldStore, SqliteLegalHoldStore } from '../../stores/legal-holds';
import { PostgresLegalHoldStore } from '../../stores/legal-holds-postgres';
import {
  PostgresRetentionIndex,
  type RetentionIndex,
  SqliteRetentionIndex,
} from '../../stores/retention-index';
import { startTestPostgres, type TestPostgres } from '../support/postgres';

let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  pg = await startTestPostgres();
  dir = mkdtempSync(path.join(os.tmpdir(), 'retention-stores-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<{ index: RetentionIndex; holds: LegalHoldStore }>][] = [
  [
    'SQLite',
    async () => ({
      index: new SqliteRetentionIndex(path.join(dir, `${randomUUID()}.db`)),
      holds: new SqliteLegalHoldStore(path.join(dir, `${randomUUID()}.db`)),
    }),
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.freshDatabase();
      return { index: new PostgresRetentionIndex(url), holds: new PostgresLegalHoldStore(url) };
    },
  ],
];

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();

describe.each(adapters)('%s', (_name, open) => {
  it('reads due rows by date a page at a time, keeps a row’s schedule when re-added, and destroys it once', async () => {
    const { index, holds } = await open();
    const ids = Array.from({ length: 5 }, () => randomUUID()).sort();
    expect(
      await index.addEnded(ids.map((applicationId, i) => ({ applicationId, endedAt: at(0), lookAt: at(i) }))),
    ).toBe(5);
    await index.reschedule(ids[4]!, at(100));
    // Indexed again (a visibility page read twice): its rescheduled date stands.
    expect(await index.addEnded([{ applicationId: ids[4]!, endedAt: at(0), lookAt: at(4) }])).toBe(0);
    const first = await index.duePage(at(10), undefined, 2);
    expect(first.map((r) => r.applicationId)).toEqual(ids.slice(0, 2));
    const last = first.at(-1)!;
    const second = await index.duePage(at(10), { lookAt: last.lookAt, applicationId: last.applicationId }, 2);
    expect(second.map((r) => r.applicationId)).toEqual(ids.slice(2, 4));
    await index.markDestroyed(ids[0]!, at(11), 'NEVER_CUSTOMER');
    await index.reschedule(ids[0]!, at(1)); // a destroyed row is never rescheduled
    expect(await index.state(ids[0]!)).toEqual({ state: 'DESTROYED', lookAt: at(0) });
    expect((await index.duePage(at(10), undefined, 10)).map((r) => r.applicationId)).toEqual(ids.slice(1, 4));
    expect(await index.watermark()).toBeUndefined();
    await index.setWatermark(at(5));
    await index.setWatermark(at(9));
    expect(await index.watermark()).toBe(at(9));
    await index.close();
    await holds.close();
  });

  it('keeps a hold standing until it is released, once', async () => {
    const { index, holds } = await open();
    const applicationId = randomUUID();
    const hold = {
      legalHoldId: `lh-${randomUUID().replaceAll('-', '')}`,
      applicationId,
      status: 'STANDING' as const,
      reason: 'Court order 2026-3',
      placedBy: 'sup-carol',
      placedAt: at(0),
    };
    await holds.place(hold);
    expect(await holds.standingOn(applicationId)).toEqual([hold]);
    const released = await holds.release(hold.legalHoldId, {
      releasedBy: 'sup-carol',
      releasedAt: at(5),
      releaseReason: 'Done',
    });
    expect(released).toMatchObject({ status: 'RELEASED', releasedAt: at(5), releaseReason: 'Done' });
    const again = await holds.release(hold.legalHoldId, {
      releasedBy: 'sup-dan',
      releasedAt: at(9),
      releaseReason: 'Again',
    });
    expect(again).toMatchObject({ releasedBy: 'sup-carol', releasedAt: at(5) });
    expect(await holds.standingOn(applicationId)).toEqual([]);
    expect(await holds.list()).toEqual([released]);
    await index.close();
    await holds.close();
  });
});
