/**
 * Core banking's side of dormancy over real HTTP, through the production adapter: each account's
 * last customer-initiated activity (the opening, a QUICK_PAY debit, an agreement signed, a
 * re-verification told; never a credit, an ENTRUSTED collection or a refused debit), and the paged
 * listing of open accounts idle since before an instant that the dormancy sweep reads. A database
 * of this file's own and a hand-driven clock, so the listing holds only the accounts opened here.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { CoreBanking } from '../../adapters/ports';
import { makeIdNumber } from '../../domain/id-number';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { CoreBankingStore, IDLE_SQL } from '../../sandbox/core-banking/store';
import { manualClock, tempDir } from './helpers';

const dir = tempDir();
const clock = manualClock(Date.parse('2025-03-01T08:00:00.000Z'));
let app: FastifyInstance;
let url: string;
let bank: CoreBanking;
let seq = 0;

beforeAll(async () => {
  app = buildCoreBankingSandbox({ dbFile: dir.dbFile('dormancy'), now: clock.now });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bank = httpCoreBanking(url);
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

async function open(): Promise<string> {
  seq += 1;
  const answer = await fetch(`${url}/core/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `open-${seq}` },
    body: JSON.stringify({
      customer: { name: '李娜', idNumber: makeIdNumber('110101', '19880512', String(seq).padStart(3, '0')) },
      accountClass: 'II',
      channel: 'OWN_APP',
      reference: `app-${seq}`,
    }),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { accountNumber: string }).accountNumber;
}

const now = () => clock.now().toISOString();
const lastActivity = async (n: string) => (await bank.getAccount(n))?.lastCustomerActivityAt;

async function agreement(n: string, scope: 'QUICK_PAY' | 'ENTRUSTED'): Promise<string> {
  seq += 1;
  const agreementNumber = `agr-dormancy-${seq}`;
  const answer = await bank.registerAgreement(agreementNumber, {
    accountNumber: n,
    institution: 'WECHAT_PAY',
    scope,
    ...(scope === 'ENTRUSTED' && { payee: 'water-co', period: { from: '2025-01-01' } }),
    perDebitLimitCny: '100',
    dailyLimitCny: '500',
  });
  expect(answer).toHaveProperty('registered');
  return agreementNumber;
}

const debit = (agreementNumber: string, payee?: string) => {
  seq += 1;
  return bank.debit({
    agreementNumber,
    institution: 'WECHAT_PAY',
    amountCny: '1',
    reference: `debit-${seq}`,
    ...(payee && { payee }),
  });
};

describe("core banking's last customer-initiated activity", () => {
  it('starts at the opening and is not moved by a credit from the bound account or from others', async () => {
    const n = await open();
    const openedAt = now();
    expect(await lastActivity(n)).toBe(openedAt);
    clock.advance(60_000);
    expect(await bank.credit(n, { amountCny: '50', from: 'OTHER' })).toHaveProperty('credited');
    await bank.bind(n, { number: '6222021234567890128', kind: 'DEBIT' }, `bind-${n}`);
    expect(await bank.credit(n, { amountCny: '50', from: 'BOUND' })).toHaveProperty('credited');
    expect(await lastActivity(n)).toBe(openedAt);
  });

  it('moves with an agreement signed and a QUICK_PAY debit, not with an ENTRUSTED collection or a refused debit', async () => {
    const n = await open();
    expect(await bank.credit(n, { amountCny: '50', from: 'OTHER' })).toHaveProperty('credited');
    clock.advance(60_000);
    const quick = await agreement(n, 'QUICK_PAY');
    expect(await lastActivity(n)).toBe(now());

    clock.advance(60_000);
    const entrusted = await agreement(n, 'ENTRUSTED');
    const signedAt = now();
    expect(await lastActivity(n)).toBe(signedAt);
    clock.advance(60_000);
    expect(await debit(entrusted, 'water-co')).toHaveProperty('settled');
    expect(await lastActivity(n)).toBe(signedAt);
    // More than the agreement allows per debit: refused, so nothing happened.
    expect(
      await bank.debit({
        agreementNumber: quick,
        institution: 'WECHAT_PAY',
        amountCny: '101',
        reference: `big-${n}`,
      }),
    ).toEqual({ refused: 'PER_DEBIT_LIMIT' });
    expect(await lastActivity(n)).toBe(signedAt);

    clock.advance(60_000);
    expect(await debit(quick)).toHaveProperty('settled');
    expect(await lastActivity(n)).toBe(now());
  });

  it('keeps the latest re-verification told, whatever the order, and refuses an instant in the future or an unknown kind', async () => {
    const n = await open();
    clock.advance(60_000);
    const later = now();
    const earlier = new Date(clock.now().getTime() - 30_000).toISOString();
    await bank.recordCustomerActivity(n, { kind: 'RE_VERIFIED', at: later });
    await bank.recordCustomerActivity(n, { kind: 'RE_VERIFIED', at: earlier });
    expect(await lastActivity(n)).toBe(later);

    const post = (body: unknown) =>
      fetch(`${url}/core/v1/accounts/${n}/customer-activity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const future = await post({
      kind: 'RE_VERIFIED',
      at: new Date(clock.now().getTime() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(((await future.json()) as { message: string }).message).toContain('body.at');
    const unknown = await post({ kind: 'CREDITED', at: later });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toContain('kind');
    expect(await lastActivity(n)).toBe(later);
    expect((await post({ kind: 'RE_VERIFIED', at: later })).status).toBe(200);
    const missing = await fetch(`${url}/core/v1/accounts/6230000000000000000/customer-activity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'RE_VERIFIED', at: later }),
    });
    expect(missing.status).toBe(404);
  });
});

describe("core banking's idle listing", () => {
  it('lists the open accounts idle since before an instant and not before `from`, oldest activity first, page by page', async () => {
    clock.advance(3_600_000);
    const start = clock.now().getTime();
    const a = await open();
    clock.advance(1000);
    const b = await open();
    clock.advance(1000);
    const c = await open();
    clock.advance(1000);
    const closed = await open();
    expect(await bank.closeAccount(closed, 'TEST')).toHaveProperty('closed');
    clock.advance(1000);
    // a acts again after c: it sorts last now.
    await bank.recordCustomerActivity(a, { kind: 'RE_VERIFIED', at: now() });
    clock.advance(1000);
    const awake = await open();

    const listed = async (before: number, from?: number) => {
      const numbers: string[] = [];
      let after: string | undefined;
      do {
        const page = await bank.listIdle(new Date(before).toISOString(), {
          ...(from !== undefined && { from: new Date(from).toISOString() }),
          ...(after !== undefined && { after }),
          limit: 1,
        });
        expect(page.accounts.length).toBeLessThanOrEqual(1);
        numbers.push(...page.accounts.map((x) => x.accountNumber));
        after = page.nextCursor;
      } while (after);
      return numbers;
    };
    expect(await listed(start + 4500, start)).toEqual([b, c, a]);
    expect(await listed(start + 4500, start + 1000)).toEqual([b, c, a]);
    expect(await listed(start + 4500, start + 1500)).toEqual([c, a]);
    expect(await listed(start + 2000, start)).toEqual([b]);
    expect((await listed(start + 6000, start)).includes(awake)).toBe(true);
    expect((await listed(start + 6000, start)).includes(closed)).toBe(false);

    const page = await bank.listIdle(new Date(start + 4500).toISOString(), {
      from: new Date(start).toISOString(),
      limit: 500,
    });
    expect(page.accounts.find((x) => x.accountNumber === b)).toEqual({
      accountNumber: b,
      lastCustomerActivityAt: new Date(start + 1000).toISOString(),
      status: 'ACTIVE',
      channel: 'OWN_APP',
      reference: expect.any(String),
      holdIds: [],
    });
  });

  it('answers a 400 naming the field for a bad instant, limit or cursor', async () => {
    const get = async (query: string) => {
      const res = await fetch(`${url}/core/v1/accounts/idle?${query}`);
      return { status: res.status, message: ((await res.json()) as { message: string }).message };
    };
    expect(await get('before=yesterday')).toMatchObject({
      status: 400,
      message: expect.stringContaining('before'),
    });
    expect(await get(`before=${now()}&from=soon`)).toMatchObject({
      status: 400,
      message: expect.stringContaining('from'),
    });
    expect(await get(`before=${now()}&limit=501`)).toMatchObject({
      status: 400,
      message: expect.stringContaining('limit'),
    });
    expect(await get(`before=${now()}&after=not-a-cursor`)).toMatchObject({
      status: 400,
      message: expect.stringContaining('query.after'),
    });
  });

  it('pages with the partial index, neither scanning the accounts table nor sorting', async () => {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dir.dbFile('dormancy'), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${IDLE_SQL}`).all({
        before: '2025-03-01T00:00:00.000Z',
        from: '2025-02-01T00:00:00.000Z',
        afterAt: '2025-02-02T00:00:00.000Z',
        afterAccount: '6230',
        limit: 3,
      }) as { detail: string }[];
      const details = plan.map((row) => row.detail).join('\n');
      expect(details).toMatch(/^SEARCH accounts USING (COVERING )?INDEX accounts_by_customer_activity/);
      expect(details).not.toContain('SCAN');
      expect(details).not.toContain('TEMP B-TREE');
    } finally {
      db.close();
    }
  });

  it('gives accounts of a file made before it kept activity their last act from the ledger and agreements', async () => {
    // A file of the shape before this column: made by the current store, then the column dropped.
    const file = dir.dbFile('before-dormancy');
    const old = new CoreBankingStore(file);
    old.insertAccount({
      accountNumber: '6230000000000000001',
      accountClass: 'II',
      channel: 'OWN_APP',
      reference: 'old-1',
      customer: { name: '李娜', idNumber: makeIdNumber('110101', '19880512', '901') },
      limits: { dailyCny: 10000, yearlyCny: 200000, balanceCapCny: null },
      openedAt: '2024-01-01T00:00:00.000Z',
    });
    old.payments.insertAgreement(
      'agr-old-1',
      {
        accountNumber: '6230000000000000001',
        institution: 'JD_PAY',
        scope: 'QUICK_PAY',
        perDebitLimitCny: '100',
        dailyLimitCny: '500',
      },
      'fp',
      new Date('2024-02-01T00:00:00.000Z'),
    );
    old.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    db.exec(
      'DROP INDEX accounts_by_customer_activity; ALTER TABLE accounts DROP COLUMN last_customer_activity_at',
    );
    db.close();

    const reopened = new CoreBankingStore(file);
    try {
      expect(reopened.getAccount('6230000000000000001')?.lastCustomerActivityAt).toBe(
        '2024-02-01T00:00:00.000Z',
      );
    } finally {
      reopened.close();
    }
  });
});
