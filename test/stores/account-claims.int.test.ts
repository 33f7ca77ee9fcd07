/**
 * Claims on accounts of the console's risk-life lists (stores/account-claims.ts), the same rules
 * on SQLite and on a real PostgreSQL 15 (DATABASE_URL): one holder at a time, renewed by its
 * holder, free again once lapsed or released, released by others only when allowed; and two
 * API hosts racing for one account's claim on PostgreSQL: one wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountClaimStore, SqliteAccountClaimStore } from '../../stores/account-claims';
import { PostgresAccountClaimStore } from '../../stores/account-claims-postgres';
import { startTestPostgres, type TestPostgres } from '../support/postgres';

let server: TestPostgres;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await server?.stop();
});

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute));

const stores: [string, () => Promise<AccountClaimStore>][] = [
  ['SQLite', async () => new SqliteAccountClaimStore(':memory:')],
  ['PostgreSQL', async () => new PostgresAccountClaimStore(await server.freshDatabase())],
];

describe.each(stores)('account claims on %s', (_name, open) => {
  it('hold one operator at a time, renew for the holder, and free the account once lapsed', async () => {
    const claims = await open();
    closers.push(() => claims.close());
    expect(await claims.claim('risk-life:1', 'op-alice', at(15), at(0))).toEqual({
      claimedBy: 'op-alice',
      until: at(15).toISOString(),
    });
    expect((await claims.claim('risk-life:1', 'op-bob', at(20), at(5))).claimedBy).toBe('op-alice');
    expect(await claims.claim('risk-life:1', 'op-alice', at(25), at(10))).toEqual({
      claimedBy: 'op-alice',
      until: at(25).toISOString(),
    });
    expect((await claims.live(['risk-life:1', 'risk-life:2'], at(10))).get('risk-life:1')?.claimedBy).toBe(
      'op-alice',
    );
    expect((await claims.live(['risk-life:1'], at(25))).size).toBe(0);
    expect((await claims.claim('risk-life:1', 'op-bob', at(40), at(25))).claimedBy).toBe('op-bob');
  });

  it('release for the holder, for anyone when allowed, and not for another operator', async () => {
    const claims = await open();
    closers.push(() => claims.close());
    await claims.claim('risk-life:3', 'op-alice', at(15), at(0));
    expect(await claims.release('risk-life:3', 'op-bob', false, at(1))).toBe('NOT_HOLDER');
    expect(await claims.release('risk-life:3', 'sup-carol', true, at(1))).toBe('RELEASED');
    expect(await claims.release('risk-life:3', 'op-alice', false, at(2))).toBe('NONE');
    expect((await claims.claim('risk-life:3', 'op-bob', at(15), at(2))).claimedBy).toBe('op-bob');
  });
});

describe('account claims on PostgreSQL, two hosts', () => {
  it('give one account to exactly one of two operators claiming at once', async () => {
    const url = await server.freshDatabase();
    const a = new PostgresAccountClaimStore(url);
    const b = new PostgresAccountClaimStore(`${url}?application_name=host-b`);
    closers.push(
      () => a.close(),
      () => b.close(),
    );
    await a.live([], at(0));
    const [byA, byB] = await Promise.all([
      a.claim('risk-life:9', 'op-alice', at(15), at(0)),
      b.claim('risk-life:9', 'op-bob', at(15), at(0)),
    ]);
    expect(byA.claimedBy).toBe(byB.claimedBy);
  });
});
