import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountSchema } from '../../contracts/core-banking';
import { passesLuhn } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';
import { catalogue } from '../../sandbox/catalogue';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { tempDir } from './helpers';

const dir = tempDir();
let dbFile: string;
let app: FastifyInstance;
let seq = 0;

beforeEach(() => {
  dbFile = dir.dbFile();
  app = buildCoreBankingSandbox({ dbFile });
});
afterEach(async () => {
  await app.close();
});
afterAll(() => dir.remove());

const newIdNumber = () => makeIdNumber('110101', '19900307', String(++seq).padStart(3, '0'));

const openBody = (idNumber: string, overrides: Record<string, unknown> = {}) => ({
  customer: { name: '张三', idNumber, mobile: '13800138000' },
  accountClass: 'II',
  channel: 'OWN_APP',
  reference: 'application-1',
  ...overrides,
});

const open = (body: object, key?: string) =>
  app.inject({
    method: 'POST',
    url: '/core/v1/accounts',
    payload: body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

const bind = (accountNumber: string, body: object, key?: string) =>
  app.inject({
    method: 'POST',
    url: `/core/v1/accounts/${accountNumber}/binding`,
    payload: body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

const placeHold = (accountNumber: string, holdId: string, type: 'RECEIVE_ONLY' | 'FROZEN') =>
  app.inject({
    method: 'POST',
    url: `/core/v1/accounts/${accountNumber}/holds`,
    payload: { holdId, type, reason: 'REVIEW_FAILED' },
  });

const liftHold = (accountNumber: string, holdId: string) =>
  app.inject({ method: 'DELETE', url: `/core/v1/accounts/${accountNumber}/holds/${holdId}` });

const getAccount = (accountNumber: string) =>
  app.inject({ method: 'GET', url: `/core/v1/accounts/${accountNumber}` });

const stats = async (idNumber?: string) =>
  (
    await app.inject({
      method: 'GET',
      url: idNumber ? `/sandbox/stats?idNumber=${idNumber}` : '/sandbox/stats',
    })
  ).json() as { accounts: number; bindings: number; activeHolds: number };

const account = (res: LightMyRequestResponse) => accountSchema.parse(res.json());

const putAgreement = (agreementNumber: string, terms: object) =>
  app.inject({ method: 'PUT', url: `/core/v1/agreements/${agreementNumber}`, payload: terms });

const quickPay = (accountNumber: string) => ({
  accountNumber,
  institution: 'WECHAT_PAY',
  scope: 'QUICK_PAY',
  perDebitLimitCny: '100',
  dailyLimitCny: '100',
});

const debit = (body: object) => app.inject({ method: 'POST', url: '/core/v1/debits', payload: body });

const credit = (accountNumber: string, amountCny: string, from: 'BOUND' | 'OTHER' = 'OTHER') =>
  app.inject({
    method: 'POST',
    url: `/sandbox/accounts/${accountNumber}/credits`,
    payload: { amountCny, from },
  });

const closeAccount = (accountNumber: string) =>
  app.inject({
    method: 'POST',
    url: `/core/v1/accounts/${accountNumber}/close`,
    payload: { reason: 'CUSTOMER_REQUEST' },
  });

async function openedAccount(): Promise<string> {
  const res = await open(openBody(newIdNumber()), `open-${++seq}`);
  expect(res.statusCode).toBe(201);
  return account(res).accountNumber;
}

describe('opening an account', () => {
  it('opens an active Class II account with a 19-digit 6230 number and no binding or holds', async () => {
    const res = await open(openBody(newIdNumber()), 'k1');
    expect(res.statusCode).toBe(201);
    const opened = account(res);
    expect(opened.accountNumber).toMatch(/^6230\d{15}$/);
    expect(passesLuhn(opened.accountNumber)).toBe(true);
    expect(opened).toMatchObject({
      accountClass: 'II',
      status: 'ACTIVE',
      channel: 'OWN_APP',
      limits: { dailyCny: 10000, yearlyCny: 200000, balanceCapCny: null },
      binding: null,
      holds: [],
    });
  });

  it('opens a Class III account with its balance cap', async () => {
    const res = await open(openBody(newIdNumber(), { accountClass: 'III' }), 'k1');
    expect(account(res).limits).toEqual({ dailyCny: 2000, yearlyCny: 50000, balanceCapCny: 2000 });
  });

  it('answers the same account to the same key and body, and opens one', async () => {
    const body = openBody(newIdNumber());
    const first = await open(body, 'same-key');
    const second = await open(body, 'same-key');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(account(second)).toEqual(account(first));
    expect((await stats()).accounts).toBe(1);
  });

  it('treats the same body in another field order as the same request', async () => {
    const idNumber = newIdNumber();
    await open(openBody(idNumber), 'k');
    const reordered = {
      reference: 'application-1',
      channel: 'OWN_APP',
      accountClass: 'II',
      customer: { mobile: '13800138000', idNumber, name: '张三' },
    };
    expect((await open(reordered, 'k')).statusCode).toBe(200);
  });

  it('refuses a reused key with another body and changes nothing', async () => {
    await open(openBody(newIdNumber()), 'k');
    const res = await open(openBody(newIdNumber()), 'k');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await stats()).accounts).toBe(1);
  });

  it('requires an Idempotency-Key', async () => {
    const res = await open(openBody(newIdNumber()));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'BAD_REQUEST',
      message: expect.stringContaining('Idempotency-Key'),
    });
  });

  it('names the bad field of an invalid body', async () => {
    const res = await open(openBody(newIdNumber(), { accountClass: 'I' }), 'k');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('body.accountClass');
  });

  it('stops at its own per-person cap of the class, counting x and X as one person', async () => {
    await app.close();
    app = buildCoreBankingSandbox({ dbFile, perPersonCaps: { II: 2 } });
    const idNumber = makeIdNumber('110101', '19900307', '002'); // ends in X
    const lower = idNumber.toLowerCase();
    expect((await open(openBody(idNumber), 'a')).statusCode).toBe(201);
    expect((await open(openBody(lower), 'b')).statusCode).toBe(201);
    const third = await open(openBody(idNumber), 'c');
    expect(third.statusCode).toBe(409);
    expect(third.json()).toMatchObject({ error: 'PERSON_ACCOUNT_CAP_REACHED', message: expect.any(String) });
    // A replay of an earlier open still answers its account.
    expect((await open(openBody(idNumber), 'a')).statusCode).toBe(200);
    // Other classes and other people are counted apart.
    expect((await open(openBody(idNumber, { accountClass: 'III' }), 'd')).statusCode).toBe(201);
    expect((await open(openBody(newIdNumber()), 'e')).statusCode).toBe(201);
    expect(await stats(idNumber)).toMatchObject({ accounts: 3 });
    expect(await stats()).toMatchObject({ accounts: 4 });
  });

  it("counts the person's accounts of every channel, and ignores a cap a request still carries", async () => {
    const idNumber = newIdNumber();
    const cap = catalogue.coreBanking.perPersonCaps.II;
    const channels = ['BRANCH', 'PARTNER', 'OWN_APP'];
    for (let i = 0; i < cap; i++) {
      const channel = channels[i % channels.length]!;
      const partner = channel === 'PARTNER' ? { partnerId: 'partner-x' } : {};
      expect((await open(openBody(idNumber, { channel, ...partner }), `k${i}`)).statusCode).toBe(201);
    }
    // An application started before core banking owned the cap still sends one: it changes nothing.
    const over = await open(openBody(idNumber, { perPersonCap: 100 }), 'over');
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toBe('PERSON_ACCOUNT_CAP_REACHED');
    expect(await stats(idNumber)).toMatchObject({ accounts: cap });
  });
});

describe('listing the accounts opened in a period', () => {
  const list = (query: Record<string, string>) =>
    app.inject({ method: 'GET', url: `/core/v1/accounts?${new URLSearchParams(query)}` });

  it('answers the accounts opened in [openedFrom, openedTo), oldest first, or of one reference', async () => {
    let nowMs = Date.parse('2025-03-01T08:00:00.000Z');
    await app.close();
    app = buildCoreBankingSandbox({ dbFile, now: () => new Date(nowMs) });
    const numbers: string[] = [];
    for (const reference of ['r1', 'r2', 'r3']) {
      numbers.push(account(await open(openBody(newIdNumber(), { reference }), reference)).accountNumber);
      nowMs += 60_000;
    }
    const res = await list({ openedFrom: '2025-03-01T08:01:00.000Z', openedTo: '2025-03-01T08:02:00.000Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json().accounts.map((a: { accountNumber: string }) => a.accountNumber)).toEqual([numbers[1]]);
    const all = await list({ openedFrom: '2025-03-01T00:00:00Z', openedTo: '2025-03-02T00:00:00+08:00' });
    expect(all.json().accounts.map((a: { reference: string }) => a.reference)).toEqual(['r1', 'r2', 'r3']);
    const one = await list({
      openedFrom: '2025-03-01T00:00:00Z',
      openedTo: '2025-03-02T00:00:00Z',
      reference: 'r3',
    });
    expect(one.json().accounts).toHaveLength(1);
    expect(accountSchema.parse(one.json().accounts[0]).reference).toBe('r3');
  });

  it('names a missing or malformed bound', async () => {
    const res = await list({ openedFrom: 'yesterday' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('query.openedFrom');
    expect(res.json().message).toContain('query.openedTo');
  });
});

describe('binding', () => {
  const card = '6222021234567890123';

  it('binds and answers only the masked number', async () => {
    const accountNumber = await openedAccount();
    const res = await bind(accountNumber, { number: card, kind: 'DEBIT' }, 'bind-1');
    expect(res.statusCode).toBe(200);
    expect(account(res).binding).toMatchObject({ maskedNumber: '6222 **** **** 0123', kind: 'DEBIT' });
    expect(res.body).not.toContain(card);
    expect(account(await getAccount(accountNumber)).binding?.maskedNumber).toBe('6222 **** **** 0123');
  });

  it('is idempotent: the same key answers the same and binds once', async () => {
    const accountNumber = await openedAccount();
    const first = await bind(accountNumber, { number: card, kind: 'CREDIT' }, 'bind-1');
    const second = await bind(accountNumber, { number: card, kind: 'CREDIT' }, 'bind-1');
    expect(second.statusCode).toBe(200);
    expect(account(second)).toEqual(account(first));
    expect((await stats()).bindings).toBe(1);
  });

  it('refuses a reused key with another body', async () => {
    const accountNumber = await openedAccount();
    await bind(accountNumber, { number: card, kind: 'CREDIT' }, 'bind-1');
    const res = await bind(accountNumber, { number: card, kind: 'DEBIT' }, 'bind-1');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(account(await getAccount(accountNumber)).binding?.kind).toBe('CREDIT');
  });

  it('answers 404 ACCOUNT_NOT_FOUND for an unknown account and needs a key', async () => {
    const missing = await bind('6230000000000000000', { number: card, kind: 'DEBIT' }, 'k');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('ACCOUNT_NOT_FOUND');
    const accountNumber = await openedAccount();
    expect((await bind(accountNumber, { number: card, kind: 'DEBIT' })).statusCode).toBe(400);
    expect((await stats()).bindings).toBe(0);
  });
});

describe('holds', () => {
  it('derives the status from the active holds and lifts only the named hold', async () => {
    const accountNumber = await openedAccount();
    const placed = await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    expect(placed.statusCode).toBe(201);
    expect(account(placed).status).toBe('RECEIVE_ONLY');

    const frozen = account(await placeHold(accountNumber, 'escalation-1', 'FROZEN'));
    expect(frozen.status).toBe('FROZEN');
    expect(frozen.holds.map((hold) => hold.holdId)).toEqual(['review-1', 'escalation-1']);

    const afterLift = account(await liftHold(accountNumber, 'escalation-1'));
    expect(afterLift.status).toBe('RECEIVE_ONLY');
    expect(afterLift.holds.map((hold) => hold.holdId)).toEqual(['review-1']);

    const cleared = account(await liftHold(accountNumber, 'review-1'));
    expect(cleared).toMatchObject({ status: 'ACTIVE', holds: [] });
  });

  it('keeps one hold when the same holdId is placed twice', async () => {
    const accountNumber = await openedAccount();
    await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    const again = await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    expect(again.statusCode).toBe(200);
    expect(account(again).holds).toHaveLength(1);
    expect((await stats()).activeHolds).toBe(1);
  });

  it('lifting an unknown or already lifted hold answers the account and changes nothing', async () => {
    const accountNumber = await openedAccount();
    await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    const unknown = await liftHold(accountNumber, 'no-such-hold');
    expect(unknown.statusCode).toBe(200);
    expect(account(unknown).status).toBe('RECEIVE_ONLY');
    await liftHold(accountNumber, 'review-1');
    const twice = await liftHold(accountNumber, 'review-1');
    expect(twice.statusCode).toBe(200);
    expect(account(twice).status).toBe('ACTIVE');
  });

  it('does not bring back a lifted hold when its place call is retried late', async () => {
    const accountNumber = await openedAccount();
    await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    await liftHold(accountNumber, 'review-1');
    const late = await placeHold(accountNumber, 'review-1', 'RECEIVE_ONLY');
    expect(late.statusCode).toBe(200);
    expect(account(late).status).toBe('ACTIVE');
  });

  it('holds on one account leave another alone', async () => {
    const a = await openedAccount();
    const b = await openedAccount();
    await placeHold(a, 'review-1', 'FROZEN');
    await placeHold(b, 'review-1', 'RECEIVE_ONLY');
    await liftHold(b, 'review-1');
    expect(account(await getAccount(a)).status).toBe('FROZEN');
    expect(account(await getAccount(b)).status).toBe('ACTIVE');
  });

  it('answers 404 for holds on an unknown account', async () => {
    expect((await placeHold('6230000000000000000', 'h', 'FROZEN')).statusCode).toBe(404);
    expect((await liftHold('6230000000000000000', 'h')).statusCode).toBe(404);
    expect((await getAccount('6230000000000000000')).json().error).toBe('ACCOUNT_NOT_FOUND');
  });
});

describe('persistence', () => {
  it('keeps accounts, bindings, holds and idempotency records across a restart', async () => {
    const body = openBody(newIdNumber());
    const opened = account(await open(body, 'open-key'));
    await bind(opened.accountNumber, { number: '6222021234567890123', kind: 'DEBIT' }, 'bind-key');
    await placeHold(opened.accountNumber, 'review-1', 'RECEIVE_ONLY');
    const before = account(await getAccount(opened.accountNumber));
    await app.close();

    app = buildCoreBankingSandbox({ dbFile });
    expect(account(await getAccount(opened.accountNumber))).toEqual(before);
    const replay = await open(body, 'open-key');
    expect(replay.statusCode).toBe(200);
    expect(account(replay).accountNumber).toBe(opened.accountNumber);
    expect(await stats()).toEqual({ accounts: 1, bindings: 1, activeHolds: 1 });
  });
});

describe('faults', () => {
  it('fail /core routes but not the sandbox routes, and heal with an empty PUT', async () => {
    const put = await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { errorRate: 1 } });
    expect(put.json()).toEqual({ latencyMs: 0, errorRate: 1, timeoutRate: 0, refuse: [] });
    const failed = await open(openBody(newIdNumber()), 'k');
    expect(failed.statusCode).toBe(503);
    expect((await stats()).accounts).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: {} });
    expect((await open(openBody(newIdNumber()), 'k')).statusCode).toBe(201);
  });
});

describe('refusals for good', () => {
  const refuse = (names: string[]) =>
    app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { refuse: names } });

  it('answer 422 REFUSED for the named calls only, do nothing, and heal', async () => {
    const idNumber = newIdNumber();
    const opened = account(await open(openBody(idNumber), 'open'));
    const card = { number: '6222021234567890123', kind: 'DEBIT' };
    expect((await refuse(['bind', 'hold'])).json().refuse).toEqual(['bind', 'hold']);
    const bound = await bind(opened.accountNumber, card, 'bind');
    expect(bound.statusCode).toBe(422);
    expect(bound.json()).toMatchObject(catalogue.faults.answer.body);
    expect((await placeHold(opened.accountNumber, 'h1', 'FROZEN')).statusCode).toBe(422);
    // Neither opening nor lifting nor reading is refused.
    expect((await open(openBody(newIdNumber()), 'open-2')).statusCode).toBe(201);
    expect((await liftHold(opened.accountNumber, 'h1')).statusCode).toBe(200);
    expect(account(await getAccount(opened.accountNumber))).toMatchObject({ binding: null, holds: [] });
    await refuse(['open', 'lift']);
    expect((await open(openBody(newIdNumber()), 'open-3')).statusCode).toBe(422);
    expect((await placeHold(opened.accountNumber, 'h2', 'FROZEN')).statusCode).toBe(201);
    expect((await liftHold(opened.accountNumber, 'h2')).statusCode).toBe(422);
    expect(account(await getAccount(opened.accountNumber)).status).toBe('FROZEN');
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: {} });
    expect((await bind(opened.accountNumber, card, 'bind')).statusCode).toBe(200);
    expect((await liftHold(opened.accountNumber, 'h2')).statusCode).toBe(200);
    expect(await stats(idNumber)).toEqual({ accounts: 1, bindings: 1, activeHolds: 0 });
  });

  it("names only core banking's operations", async () => {
    const res = await refuse(['ocr']);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('open, bind, hold, lift, agreement, debit, close');
    expect(catalogue.faults.refuse.coreBanking).toEqual([
      'open',
      'bind',
      'hold',
      'lift',
      'agreement',
      'debit',
      'close',
    ]);
  });
});

/** Each core-banking entry of the catalogue, shown to answer as documented. */
const scenarios: Record<string, () => Promise<LightMyRequestResponse>> = {
  'per-person-cap': async () => {
    await app.close();
    app = buildCoreBankingSandbox({ dbFile, perPersonCaps: { II: 1 } });
    const idNumber = newIdNumber();
    await open(openBody(idNumber), 'first');
    return open(openBody(idNumber), 'second');
  },
  refused: async () => {
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { refuse: ['open'] } });
    return open(openBody(newIdNumber()), 'refused');
  },
  'accounts-opened': () =>
    app.inject({
      method: 'GET',
      url: '/core/v1/accounts?openedFrom=2025-01-01T00:00:00Z&openedTo=2025-01-02T00:00:00Z',
    }),
  'account-lost': async () => {
    const idNumber = newIdNumber();
    const opened = account(await open(openBody(idNumber), 'lost'));
    const res = await app.inject({ method: 'DELETE', url: `/sandbox/accounts/${opened.accountNumber}` });
    expect((await getAccount(opened.accountNumber)).statusCode).toBe(404);
    expect(await stats(idNumber)).toMatchObject({ accounts: 0 });
    return res;
  },
  'idempotency-key-reused': async () => {
    await open(openBody(newIdNumber()), 'k');
    return open(openBody(newIdNumber()), 'k');
  },
  'idempotent-replay': async () => {
    const body = openBody(newIdNumber());
    await open(body, 'k');
    return open(body, 'k');
  },
  'account-not-found': () => getAccount('6230999999999999999'),
  'agreement-number-reused': async () => {
    const accountNumber = await openedAccount();
    const terms = {
      accountNumber,
      institution: 'WECHAT_PAY',
      scope: 'QUICK_PAY',
      perDebitLimitCny: '1',
      dailyLimitCny: '1',
    };
    await putAgreement('AGR-CATALOGUE', terms);
    return putAgreement('AGR-CATALOGUE', { ...terms, dailyLimitCny: '2' });
  },
  'account-closed': async () => {
    const accountNumber = await openedAccount();
    await closeAccount(accountNumber);
    return putAgreement('AGR-CLOSED', quickPay(accountNumber));
  },
  'debit-refused': async () => {
    const accountNumber = await openedAccount();
    await putAgreement('AGR-POOR', quickPay(accountNumber));
    return debit({ agreementNumber: 'AGR-POOR', institution: 'WECHAT_PAY', amountCny: '1', reference: 'r1' });
  },
  'debit-reference-reused': async () => {
    const accountNumber = await openedAccount();
    await credit(accountNumber, '10');
    await putAgreement('AGR-REF', quickPay(accountNumber));
    const body = { agreementNumber: 'AGR-REF', institution: 'WECHAT_PAY', amountCny: '1', reference: 'r1' };
    expect((await debit(body)).statusCode).toBe(201);
    return debit({ ...body, amountCny: '2' });
  },
  'credit-refused': async () => {
    const accountNumber = await openedAccount();
    await placeHold(accountNumber, 'freeze', 'FROZEN');
    return credit(accountNumber, '1');
  },
  'balance-remains': async () => {
    const accountNumber = await openedAccount();
    await credit(accountNumber, '1', 'OTHER');
    // Nothing is bound: the balance has nowhere to go.
    return closeAccount(accountNumber);
  },
  'missing-idempotency-key': () => open(openBody(newIdNumber())),
  'holder-mismatch': async () => {
    const idNumber = newIdNumber();
    const opened = account(await open(openBody(idNumber), 'holder'));
    return app.inject({
      method: 'POST',
      url: `/core/v1/accounts/${opened.accountNumber}/holder-check`,
      payload: { name: '张三', idNumber, mobile: '13900139000' },
    });
  },
  'id-expiring': async () => {
    await open(openBody(newIdNumber(), { idValidUntil: '2031-01-01' }), 'expiring');
    // The account expires after `before`: nothing to list yet.
    return app.inject({ method: 'GET', url: '/core/v1/accounts/id-expiring?before=2030-01-01' });
  },
  idle: async () => {
    await openedAccount();
    // Opened just now: not idle since before 2000, so the listing is empty.
    return app.inject({ method: 'GET', url: '/core/v1/accounts/idle?before=2000-01-01T00:00:00.000Z' });
  },
  'customer-activity': async () => {
    const accountNumber = await openedAccount();
    return app.inject({
      method: 'POST',
      url: `/core/v1/accounts/${accountNumber}/customer-activity`,
      payload: { kind: 'RE_VERIFIED', at: new Date().toISOString() },
    });
  },
};

describe('catalogue entries', () => {
  for (const entry of catalogue.coreBanking.entries) {
    it(`${entry.scenario} answers ${entry.answer.status}`, async () => {
      const scenario = scenarios[entry.scenario];
      expect(scenario, `no test drives catalogue scenario ${entry.scenario}`).toBeDefined();
      const res = await scenario!();
      expect(res.statusCode).toBe(entry.answer.status);
      expect(res.json()).toMatchObject(entry.answer.body);
    });
  }
});
