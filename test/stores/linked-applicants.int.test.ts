/**
 * The linked-applicants store of flow v4 (stores/linked-applicants) on both adapters: a SQLite
 * file and a real PostgreSQL 15 of the machine's packages (test/support/postgres.ts), no
 * Temporal. The same rules on each, then what sharing means for each: two stores on one file,
 * two processes writing it at once, two pools ("two hosts") on one database.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LinkedApplicantsStore,
  linkedApplicantsDbFile,
  openLinkedApplicantsStore,
  PRUNE_GRACE_MS,
} from '../../stores/linked-applicants';
import { startTestPostgres, type TestPostgres } from '../support/postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const WINDOW = 30 * 24 * 3600; // the policy's 30 days, in seconds
const T0 = new Date('2026-12-01T08:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** The same database through another pool: what a second host sees. */
const otherHost = (url: string) => `${url}?application_name=host-b`;

let server: TestPostgres;
let dir: string;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'linked-applicants-'));
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;

type Row = Record<string, unknown>;

interface Fresh {
  /** A store on the fresh file or database; `second`: through another pool, as a second host. */
  open(second?: boolean): Promise<LinkedApplicantsStore>;
  /** The table's rows as stored. */
  rows(): Promise<Row[]>;
}

/** A fresh SQLite file or PostgreSQL database. */
const adapters: { name: string; fresh: () => Promise<Fresh> }[] = [
  {
    name: 'SQLite',
    fresh: async () => {
      const folder = path.join(dir, `${++files}`);
      mkdirSync(folder);
      const file = linkedApplicantsDbFile(folder);
      return {
        open: () => opened(openLinkedApplicantsStore({ file })),
        rows: () => {
          const raw = new Database(file, { readonly: true });
          try {
            return Promise.resolve(
              raw.prepare('SELECT * FROM linked_applicants ORDER BY seq').all() as Row[],
            );
          } finally {
            raw.close();
          }
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    fresh: async () => {
      const url = await server.freshDatabase();
      return {
        open: (second) =>
          opened(
            openLinkedApplicantsStore({ databaseUrl: second ? otherHost(url) : url, file: 'unused.db' }),
          ),
        rows: async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            return (await c.query<Row>('SELECT * FROM linked_applicants ORDER BY seq')).rows;
          } finally {
            await c.end();
          }
        },
      };
    },
  },
];

async function opened(store: Promise<LinkedApplicantsStore>): Promise<LinkedApplicantsStore> {
  const s = await store;
  closers.push(() => s.close());
  return s;
}

describe.each(adapters)('linked applicants on $name', ({ fresh }) => {
  it('three identities on one device rank 1, 2 and 3', async () => {
    const store = await (await fresh()).open();
    const ranks = [];
    for (const [i, id] of ['id-a', 'id-b', 'id-c'].entries()) {
      ranks.push(
        await store.record({ idKey: id, deviceKey: 'dev-1', at: later(i * 60), windowSeconds: WINDOW }),
      );
    }
    expect(ranks).toEqual([
      { rankOnDevice: 1, rankOnMobile: 0 },
      { rankOnDevice: 2, rankOnMobile: 0 },
      { rankOnDevice: 3, rankOnMobile: 0 },
    ]);
  });

  it('the same identity again keeps its rank, and is counted once', async () => {
    const store = await (await fresh()).open();
    const rec = (id: string, s: number) =>
      store.record({
        idKey: id,
        deviceKey: 'dev-1',
        mobileKey: 'mob-1',
        at: later(s),
        windowSeconds: WINDOW,
      });
    expect(await rec('id-a', 0)).toEqual({ rankOnDevice: 1, rankOnMobile: 1 });
    expect(await rec('id-b', 60)).toEqual({ rankOnDevice: 2, rankOnMobile: 2 });
    expect(await rec('id-a', 120)).toEqual({ rankOnDevice: 1, rankOnMobile: 1 });
    expect(await rec('id-b', 60)).toEqual({ rankOnDevice: 2, rankOnMobile: 2 }); // a retried call
    expect(await rec('id-c', 180)).toEqual({ rankOnDevice: 3, rankOnMobile: 3 });
  });

  it('an identity first seen before the window does not count; seen again after it, it counts anew', async () => {
    const store = await (await fresh()).open();
    const rec = (id: string, s: number) =>
      store.record({ idKey: id, deviceKey: 'dev-1', at: later(s), windowSeconds: WINDOW });
    expect((await rec('id-a', 0)).rankOnDevice).toBe(1);
    expect((await rec('id-b', 60)).rankOnDevice).toBe(2);
    // id-a's window ended; id-b's (first seen a minute later) has not.
    expect((await rec('id-c', WINDOW + 30)).rankOnDevice).toBe(2);
    expect((await rec('id-a', WINDOW + 40)).rankOnDevice).toBe(3);
  });

  it('a device and a mobile are counted apart', async () => {
    const store = await (await fresh()).open();
    const rec = (id: string, deviceKey: string, mobileKey: string | undefined, s: number) =>
      store.record({
        idKey: id,
        deviceKey,
        ...(mobileKey ? { mobileKey } : {}),
        at: later(s),
        windowSeconds: WINDOW,
      });
    expect(await rec('id-a', 'dev-1', 'mob-1', 0)).toEqual({ rankOnDevice: 1, rankOnMobile: 1 });
    expect(await rec('id-b', 'dev-1', 'mob-2', 60)).toEqual({ rankOnDevice: 2, rankOnMobile: 1 });
    expect(await rec('id-c', 'dev-2', 'mob-1', 120)).toEqual({ rankOnDevice: 1, rankOnMobile: 2 });
    expect(await rec('id-d', 'dev-1', undefined, 180)).toEqual({ rankOnDevice: 3, rankOnMobile: 0 });
    // The same key as a device and as a mobile are two counters.
    expect(await rec('id-e', 'mob-1', 'dev-1', 240)).toEqual({ rankOnDevice: 1, rankOnMobile: 1 });
  });

  it('a second store on the same database sees the first one’s identities', async () => {
    const db = await fresh();
    const a = await db.open();
    const b = await db.open(true);
    expect(
      (await a.record({ idKey: 'id-a', deviceKey: 'dev-1', at: later(0), windowSeconds: WINDOW }))
        .rankOnDevice,
    ).toBe(1);
    expect(
      (await b.record({ idKey: 'id-b', deviceKey: 'dev-1', at: later(60), windowSeconds: WINDOW }))
        .rankOnDevice,
    ).toBe(2);
    expect(
      (await a.record({ idKey: 'id-c', deviceKey: 'dev-1', at: later(120), windowSeconds: WINDOW }))
        .rankOnDevice,
    ).toBe(3);
    expect(
      (await b.record({ idKey: 'id-a', deviceKey: 'dev-1', at: later(180), windowSeconds: WINDOW }))
        .rankOnDevice,
    ).toBe(1);
  });

  it('keeps the keys and times it is given, and prunes a row once its window and a day of grace have passed', async () => {
    const db = await fresh();
    const store = await db.open();
    await store.record({
      idKey: 'id-a',
      deviceKey: 'dev-1',
      mobileKey: 'mob-1',
      at: later(0),
      windowSeconds: WINDOW,
    });
    await store.record({ idKey: 'id-b', deviceKey: 'dev-2', at: later(60), windowSeconds: WINDOW });
    expect((await db.rows()).map((r) => ({ ...r, seq: undefined }))).toEqual([
      {
        seq: undefined,
        kind: 'device',
        key: 'dev-1',
        id_key: 'id-a',
        first_seen: num(later(0)),
        expires: num(later(WINDOW)),
      },
      {
        seq: undefined,
        kind: 'mobile',
        key: 'mob-1',
        id_key: 'id-a',
        first_seen: num(later(0)),
        expires: num(later(WINDOW)),
      },
      {
        seq: undefined,
        kind: 'device',
        key: 'dev-2',
        id_key: 'id-b',
        first_seen: num(later(60)),
        expires: num(later(60 + WINDOW)),
      },
    ]);
    // id-a's window and grace have passed, id-b's grace has not: only id-a's rows go.
    const afterGrace = WINDOW + PRUNE_GRACE_MS / 1000 + 30;
    await store.record({ idKey: 'id-c', deviceKey: 'dev-3', at: later(afterGrace), windowSeconds: WINDOW });
    expect((await db.rows()).map((r) => `${r.kind}:${r.key}:${r.id_key}`)).toEqual([
      'device:dev-2:id-b',
      'device:dev-3:id-c',
    ]);
  });
});

describe('linked applicants shared', () => {
  it('two processes recording on one device in one SQLite file at once get distinct ranks 1 to n', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/record-linked.ts', import.meta.url));
    const file = path.join(dir, 'two-processes.db');
    const n = 100;
    const startAt = String(Date.now() + 3000);
    const outputs = await Promise.all(
      ['a', 'b'].map((prefix) =>
        run(process.execPath, ['--import', 'tsx', fixture, file, prefix, String(n), startAt], { cwd: root }),
      ),
    );
    const ranks = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[]);
    expect(ranks.sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
  });

  it('two PostgreSQL hosts recording on one device at once get distinct ranks 1 to n', async () => {
    const url = await server.freshDatabase();
    const a = await opened(openLinkedApplicantsStore({ databaseUrl: url, file: 'unused.db' }));
    const b = await opened(openLinkedApplicantsStore({ databaseUrl: otherHost(url), file: 'unused.db' }));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).record({ idKey: `id-${i}`, deviceKey: 'dev-1', at: later(0), windowSeconds: WINDOW }),
      ),
    );
    expect(results.map((r) => r.rankOnDevice).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});

/** A stored time: ms since 1970 (SQLite answers a number, pg a BIGINT as a string). */
function num(d: Date): unknown {
  return expect.toSatisfy((v: unknown) => Number(v) === d.getTime());
}
