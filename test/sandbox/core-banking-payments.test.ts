/**
 * Core banking's money over real HTTP: balances and the ledger, credits, agreements, debits, the
 * Class II caps, holds and closing. The sandbox listens on a free port with a hand-driven clock;
 * the calls go through the production adapter (adapters/http), so its mapping of answers to
 * outcomes is tested too, and through plain fetch where the wire itself is the point.
 */
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { CoreBanking, DebitAnswer } from '../../adapters/ports';
import type { RegisterAgreementRequest } from '../../contracts/core-banking-payments';
import { addDays, todayInChina } from '../../domain/china-time';
import { makeIdNumber } from '../../domain/id-number';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { manualClock, tempDir } from './helpers';

const dir = tempDir();
const dbFile = dir.dbFile('payments');
// 10:00 in China: far from midnight, so a test's calls all fall on one China day unless it moves the clock.
const clock = manualClock(Date.parse('2025-03-01T02:00:00.000Z'));
const DAY_MS = 86_400_000;
let app: FastifyInstance;
let url: string;
let bank: CoreBanking;
let seq = 0;

beforeAll(async () => {
  app = buildCoreBankingSandbox({ dbFile, now: clock.now });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bank = httpCoreBanking(url);
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

const next = () => ++seq;

async function openAccount(opts: { bound?: boolean } = {}): Promise<string> {
  const n = next();
  const idNumber = makeIdNumber('110101', '19900307', String(n).padStart(3, '0'));
  const answer = await bank.openClassII(
    { name: '张三', idNumber, mobile: '13800138000' },
    'OWN_APP',
    `app-${n}`,
  );
  if (!('opened' in answer)) throw new Error('not opened');
  const { accountNumber } = answer.opened;
  if (opts.bound !== false) {
    await bank.bind(accountNumber, { number: '6222021234567890123', kind: 'DEBIT' }, `bind-${n}`);
  }
  return accountNumber;
}

async function credit(accountNumber: string, amountCny: string, from: 'BOUND' | 'OTHER' = 'BOUND') {
  const answer = await bank.credit(accountNumber, { amountCny, from });
  if (!('credited' in answer)) throw new Error(`credit refused: ${answer.refused}`);
  return answer;
}

const quickPay = (
  accountNumber: string,
  limits: { perDebitLimitCny: string; dailyLimitCny: string } = {
    perDebitLimitCny: '5000',
    dailyLimitCny: '10000',
  },
  institution: RegisterAgreementRequest['institution'] = 'WECHAT_PAY',
): RegisterAgreementRequest => ({ accountNumber, institution, scope: 'QUICK_PAY', ...limits });

/** Registers an agreement under a fresh number and answers the number. */
async function agree(terms: RegisterAgreementRequest): Promise<string> {
  const agreementNumber = `AGR-${next()}`;
  const answer = await bank.registerAgreement(agreementNumber, terms);
  expect(answer).toMatchObject({ registered: { agreementNumber, status: 'ACTIVE' } });
  return agreementNumber;
}

const debit = (
  agreementNumber: string,
  amountCny: string,
  more: { institution?: RegisterAgreementRequest['institution']; reference?: string; payee?: string } = {},
): Promise<DebitAnswer> =>
  bank.debit({
    agreementNumber,
    institution: more.institution ?? 'WECHAT_PAY',
    amountCny,
    reference: more.reference ?? `ref-${next()}`,
    ...(more.payee !== undefined && { payee: more.payee }),
  });

const settled = { settled: expect.objectContaining({ status: 'SETTLED' }), replayed: false };

async function balanceOf(accountNumber: string): Promise<string> {
  return (await bank.getLedger(accountNumber))!.balanceCny;
}

/** An answer's body, loosely typed: these tests check the wire by hand. */
const bodyOf = async (res: Response) =>
  (await res.json()) as Record<string, unknown> & { error?: string; message?: string };

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const put = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('credits (POST /sandbox/accounts/{accountNumber}/credits)', () => {
  it('BOUND and OTHER credits both raise the balance; only OTHER counts towards the inflow caps', async () => {
    const n = await openAccount();
    expect(await credit(n, '100', 'BOUND')).toMatchObject({
      credited: { kind: 'CREDIT_FROM_BOUND', direction: 'IN', countsTowardsCaps: false, amountCny: '100.00' },
      balanceCny: '100.00',
    });
    expect(await credit(n, '0.5', 'OTHER')).toMatchObject({
      credited: { kind: 'CREDIT_FROM_OTHER', countsTowardsCaps: true, balanceAfterCny: '100.50' },
      balanceCny: '100.50',
    });
    expect((await bank.getLedger(n))!.capUsage).toMatchObject({
      inTodayCny: '0.50',
      inThisYearCny: '0.50',
      outTodayCny: '0.00',
    });
  });

  it('OTHER credits past 10,000 in a China day are refused CLASS_DAILY_CAP; BOUND credits past it are taken', async () => {
    const n = await openAccount();
    await credit(n, '10000', 'OTHER');
    expect(await bank.credit(n, { amountCny: '0.01', from: 'OTHER' })).toEqual({
      refused: 'CLASS_DAILY_CAP',
    });
    await credit(n, '50000', 'BOUND');
    expect(await balanceOf(n)).toBe('60000.00');
  });

  it('a FROZEN account refuses BOUND and OTHER credits with ACCOUNT_RESTRICTED; a RECEIVE_ONLY one takes them', async () => {
    const frozen = await openAccount();
    await bank.placeHold(frozen, { holdId: 'freeze', type: 'FROZEN', reason: 'REVIEW_FAILED' });
    for (const from of ['BOUND', 'OTHER'] as const) {
      expect(await bank.credit(frozen, { amountCny: '1', from })).toEqual({ refused: 'ACCOUNT_RESTRICTED' });
    }
    expect(await balanceOf(frozen)).toBe('0.00');

    const receiveOnly = await openAccount();
    await bank.placeHold(receiveOnly, { holdId: 'ro', type: 'RECEIVE_ONLY', reason: 'REVIEW_FAILED' });
    await credit(receiveOnly, '1', 'OTHER');
    expect(await balanceOf(receiveOnly)).toBe('1.00');
  });

  it('the wire answers a refused credit 422 {error: CREDIT_REFUSED, reason}', async () => {
    const n = await openAccount();
    await bank.placeHold(n, { holdId: 'freeze', type: 'FROZEN', reason: 'REVIEW_FAILED' });
    const res = await post(`/sandbox/accounts/${n}/credits`, { amountCny: '1', from: 'BOUND' });
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toMatchObject({ error: 'CREDIT_REFUSED', reason: 'ACCOUNT_RESTRICTED' });
  });

  it('a BOUND credit to an account with nothing bound is refused NO_BOUND_ACCOUNT', async () => {
    const n = await openAccount({ bound: false });
    expect(await bank.credit(n, { amountCny: '1', from: 'BOUND' })).toEqual({ refused: 'NO_BOUND_ACCOUNT' });
  });

  it('the same Idempotency-Key credits once; the same key with another amount is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const n = await openAccount();
    const first = await bank.credit(n, { amountCny: '10', from: 'BOUND' }, 'fund-1');
    const again = await bank.credit(n, { amountCny: '10.00', from: 'BOUND' }, 'fund-1');
    expect(again).toEqual(first);
    expect(await balanceOf(n)).toBe('10.00');
    const res = await fetch(`${url}/sandbox/accounts/${n}/credits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'fund-1' },
      body: JSON.stringify({ amountCny: '11', from: 'BOUND' }),
    });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('amounts add up to the fen: "0.1" credited three times is a balance of exactly "0.30"', async () => {
    const n = await openAccount();
    for (let i = 0; i < 3; i++) await credit(n, '0.1');
    expect(await balanceOf(n)).toBe('0.30');
  });

  it('an amount as a JSON number, with three decimals, zero, negative or with a sign is a 400 naming amountCny', async () => {
    const n = await openAccount();
    for (const amountCny of [10, '1.005', '0', '0.00', '-1', '+1', '1e3', '01', '']) {
      const res = await post(`/sandbox/accounts/${n}/credits`, { amountCny, from: 'BOUND' });
      expect(res.status, JSON.stringify(amountCny)).toBe(400);
      expect((await bodyOf(res)).message).toContain('body.amountCny');
    }
    expect(await balanceOf(n)).toBe('0.00');
  });
});

describe('agreements (PUT/GET/DELETE /core/v1/agreements/{agreementNumber})', () => {
  it('registering answers 201, the same terms again 200 and the same agreement; the adapter answers both as registered', async () => {
    const n = await openAccount();
    const terms = quickPay(n);
    const first = await put('/core/v1/agreements/AGR-REPEAT-1', terms);
    expect(first.status).toBe(201);
    const body = await bodyOf(first);
    expect(body).toMatchObject({
      agreementNumber: 'AGR-REPEAT-1',
      accountNumber: n,
      institution: 'WECHAT_PAY',
      scope: 'QUICK_PAY',
      perDebitLimitCny: '5000.00',
      dailyLimitCny: '10000.00',
      status: 'ACTIVE',
    });
    // "5000" and "5000.00" are the same limit.
    const again = await put('/core/v1/agreements/AGR-REPEAT-1', { ...terms, perDebitLimitCny: '5000.00' });
    expect(again.status).toBe(200);
    expect(await bodyOf(again)).toEqual(body);
    expect(await bank.registerAgreement('AGR-REPEAT-1', terms)).toEqual({ registered: body });
  });

  it('other terms under a registered number are 409 AGREEMENT_NUMBER_REUSED, a contract error in the adapter', async () => {
    const n = await openAccount();
    const number = await agree(quickPay(n));
    const res = await put(
      `/core/v1/agreements/${number}`,
      quickPay(n, { perDebitLimitCny: '1', dailyLimitCny: '1' }),
    );
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toBe('AGREEMENT_NUMBER_REUSED');
    await expect(
      bank.registerAgreement(number, quickPay(n, { perDebitLimitCny: '1', dailyLimitCny: '1' })),
    ).rejects.toMatchObject({
      type: 'ProviderContractError',
      nonRetryable: true,
    });
  });

  it('an ENTRUSTED agreement needs payee and period, a QUICK_PAY one takes neither, and the per-debit limit may not pass the daily one (400s naming the field)', async () => {
    const n = await openAccount();
    const cases: Array<[unknown, string]> = [
      [{ ...quickPay(n), scope: 'ENTRUSTED' }, 'body.payee'],
      [{ ...quickPay(n), scope: 'ENTRUSTED', payee: 'STATE_GRID' }, 'body.period'],
      [{ ...quickPay(n), payee: 'STATE_GRID' }, 'body.payee'],
      [quickPay(n, { perDebitLimitCny: '200', dailyLimitCny: '100' }), 'body.perDebitLimitCny'],
      [{ ...quickPay(n), institution: 'ALIPAY' }, 'body.institution'],
      [{ ...quickPay(n), dailyLimitCny: 100 }, 'body.dailyLimitCny'],
    ];
    for (const [body, field] of cases) {
      const res = await put(`/core/v1/agreements/AGR-BAD-${next()}`, body);
      expect(res.status, field).toBe(400);
      expect((await bodyOf(res)).message).toContain(field);
    }
    expect(await bank.listAgreements(n)).toEqual([]);
  });

  it('an agreement for an unknown account is refused ACCOUNT_NOT_FOUND and for a closed account ACCOUNT_CLOSED', async () => {
    expect(await bank.registerAgreement(`AGR-${next()}`, quickPay('6230999999999999999'))).toEqual({
      refused: 'ACCOUNT_NOT_FOUND',
    });
    const n = await openAccount();
    await bank.closeAccount(n, 'CUSTOMER_REQUEST');
    expect(await bank.registerAgreement(`AGR-${next()}`, quickPay(n))).toEqual({ refused: 'ACCOUNT_CLOSED' });
  });

  it('cancelling is final: CANCELLED with reason REQUESTED, cancelling again keeps the first cancelledAt, the same registration again does not revive it', async () => {
    const n = await openAccount();
    const terms = quickPay(n);
    const number = await agree(terms);
    const cancelled = await bank.cancelAgreement(number);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'REQUESTED' });
    clock.advance(1000);
    expect(await bank.cancelAgreement(number)).toEqual(cancelled);
    expect(await bank.registerAgreement(number, terms)).toEqual({ registered: cancelled });
    expect(await bank.getAgreement(number)).toEqual(cancelled);
    expect(await bank.cancelAgreement('AGR-NEVER-REGISTERED')).toBeUndefined();
  });

  it("an account's agreements are listed oldest first", async () => {
    const n = await openAccount();
    const a = await agree(quickPay(n));
    const b = await agree(quickPay(n, undefined, 'JD_PAY'));
    expect((await bank.listAgreements(n))!.map((x) => [x.agreementNumber, x.institution])).toEqual([
      [a, 'WECHAT_PAY'],
      [b, 'JD_PAY'],
    ]);
    expect(await bank.listAgreements('6230999999999999999')).toBeUndefined();
  });
});

describe('debits (POST /core/v1/debits)', () => {
  it('a debit within the limits settles (201), lowers the balance and is an AGREEMENT_DEBIT entry counting towards the caps', async () => {
    const n = await openAccount();
    await credit(n, '1000');
    const number = await agree(quickPay(n));
    const res = await post('/core/v1/debits', {
      agreementNumber: number,
      institution: 'WECHAT_PAY',
      amountCny: '12.5',
      reference: 'wx-order-1',
      payee: 'MEITUAN',
    });
    expect(res.status).toBe(201);
    const settledDebit = await bodyOf(res);
    expect(settledDebit).toMatchObject({
      status: 'SETTLED',
      agreementNumber: number,
      accountNumber: n,
      institution: 'WECHAT_PAY',
      amountCny: '12.50',
      reference: 'wx-order-1',
      payee: 'MEITUAN',
    });
    const ledger = (await bank.getLedger(n))!;
    expect(ledger.balanceCny).toBe('987.50');
    expect(ledger.entries.at(-1)).toMatchObject({
      entryId: settledDebit.debitId,
      kind: 'AGREEMENT_DEBIT',
      direction: 'OUT',
      amountCny: '12.50',
      balanceAfterCny: '987.50',
      countsTowardsCaps: true,
      agreementNumber: number,
      institution: 'WECHAT_PAY',
      reference: 'wx-order-1',
    });
    expect(ledger.capUsage).toMatchObject({ outTodayCny: '12.50', outThisYearCny: '12.50' });
  });

  it('a debit of exactly the per-debit limit settles; one fen more is refused PER_DEBIT_LIMIT', async () => {
    const n = await openAccount();
    await credit(n, '1000');
    const number = await agree(quickPay(n, { perDebitLimitCny: '200', dailyLimitCny: '1000' }));
    expect(await debit(number, '200')).toEqual(settled);
    expect(await debit(number, '200.01')).toEqual({ refused: 'PER_DEBIT_LIMIT' });
  });

  it("debits past an agreement's daily limit are refused DAILY_LIMIT, other agreements are not held back, and the next China day it settles", async () => {
    const n = await openAccount();
    await credit(n, '5000');
    const number = await agree(quickPay(n, { perDebitLimitCny: '300', dailyLimitCny: '500' }));
    const other = await agree(quickPay(n, { perDebitLimitCny: '300', dailyLimitCny: '500' }, 'UNIONPAY'));
    expect(await debit(number, '300')).toEqual(settled);
    expect(await debit(number, '200')).toEqual(settled);
    expect(await debit(number, '0.01')).toEqual({ refused: 'DAILY_LIMIT' });
    expect(await debit(other, '300', { institution: 'UNIONPAY' })).toEqual(settled);
    // 16:00 UTC is midnight in China: a new day for the limit while UTC is still on the same date.
    const [chinaBefore, utcBefore] = [todayInChina(clock.now()), clock.now().toISOString().slice(0, 10)];
    clock.advance(14 * 3600_000);
    expect([todayInChina(clock.now()), clock.now().toISOString().slice(0, 10)]).toEqual([
      addDays(chinaBefore, 1),
      utcBefore,
    ]);
    expect(await debit(number, '300')).toEqual(settled);
    clock.advance(10 * 3600_000);
  });

  it('the Class II daily cap: 10,000 of agreement debits in a China day settle across agreements; one fen more is refused CLASS_DAILY_CAP', async () => {
    const n = await openAccount();
    await credit(n, '20000');
    const limits = { perDebitLimitCny: '10000', dailyLimitCny: '10000' };
    const wechat = await agree(quickPay(n, limits));
    const jd = await agree(quickPay(n, limits, 'JD_PAY'));
    expect(await debit(wechat, '6000')).toEqual(settled);
    expect(await debit(jd, '4000', { institution: 'JD_PAY' })).toEqual(settled);
    expect(await debit(jd, '0.01', { institution: 'JD_PAY' })).toEqual({ refused: 'CLASS_DAILY_CAP' });
    clock.advance(DAY_MS);
    expect(await debit(jd, '0.01', { institution: 'JD_PAY' })).toEqual(settled);
  });

  it('BOUND credits do not count towards the caps: 250,000 in from the bound account, then 10,000 of debits still settle that day', async () => {
    const n = await openAccount();
    await credit(n, '250000', 'BOUND');
    const number = await agree(quickPay(n, { perDebitLimitCny: '10000', dailyLimitCny: '10000' }));
    expect(await debit(number, '10000')).toEqual(settled);
    expect((await bank.getLedger(n))!.capUsage).toMatchObject({
      inThisYearCny: '0.00',
      outTodayCny: '10000.00',
    });
  });

  it('the Class II yearly cap: after 200,000 of debits in a China year the next is refused CLASS_YEARLY_CAP, and on 1 January (China time) it settles', async () => {
    const n = await openAccount();
    await credit(n, '250000', 'BOUND');
    const number = await agree(quickPay(n, { perDebitLimitCny: '10000', dailyLimitCny: '10000' }));
    // Stay inside one China year: twenty days from a start well before December.
    expect(todayInChina(clock.now()) < `${todayInChina(clock.now()).slice(0, 4)}-12-01`).toBe(true);
    for (let day = 0; day < 20; day++) {
      expect(await debit(number, '10000'), `day ${day}`).toEqual(settled);
      clock.advance(DAY_MS);
    }
    expect(await debit(number, '0.01')).toEqual({ refused: 'CLASS_YEARLY_CAP' });
    const year = Number(todayInChina(clock.now()).slice(0, 4));
    // 16:00 UTC on 31 December is 00:00 on 1 January in China.
    const newYear = Date.parse(`${year}-12-31T16:00:00.000Z`);
    clock.advance(newYear - clock.now().getTime() - 1);
    expect(await debit(number, '0.01')).toEqual({ refused: 'CLASS_YEARLY_CAP' });
    clock.advance(1);
    expect(todayInChina(clock.now())).toBe(`${year + 1}-01-01`);
    expect(await debit(number, '0.01')).toEqual(settled);
  });

  it('a RECEIVE_ONLY hold refuses a debit with ACCOUNT_RESTRICTED, and the same debit (same reference) settles once the hold is lifted', async () => {
    const n = await openAccount();
    await credit(n, '100');
    const number = await agree(quickPay(n));
    await bank.placeHold(n, { holdId: 'review-1', type: 'RECEIVE_ONLY', reason: 'REVIEW_FAILED' });
    const same = { reference: 'wx-held-1' };
    expect(await debit(number, '30', same)).toEqual({ refused: 'ACCOUNT_RESTRICTED' });
    expect(await balanceOf(n)).toBe('100.00');
    await bank.liftHold(n, 'review-1');
    expect(await debit(number, '30', same)).toEqual(settled);
    expect(await balanceOf(n)).toBe('70.00');
  });

  it('a FROZEN hold refuses the debits of every agreement of the account with ACCOUNT_RESTRICTED', async () => {
    const n = await openAccount();
    await credit(n, '100');
    const wechat = await agree(quickPay(n));
    const unionpay = await agree(quickPay(n, undefined, 'UNIONPAY'));
    await bank.placeHold(n, { holdId: 'freeze-1', type: 'FROZEN', reason: 'FRAUD' });
    expect(await debit(wechat, '1')).toEqual({ refused: 'ACCOUNT_RESTRICTED' });
    expect(await debit(unionpay, '1', { institution: 'UNIONPAY' })).toEqual({
      refused: 'ACCOUNT_RESTRICTED',
    });
  });

  it('the wire answers a refused debit 422 {error: DEBIT_REFUSED, reason} and records nothing', async () => {
    const n = await openAccount();
    await credit(n, '10');
    const number = await agree(quickPay(n));
    const res = await post('/core/v1/debits', {
      agreementNumber: number,
      institution: 'WECHAT_PAY',
      amountCny: '10.01',
      reference: 'too-much',
    });
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toMatchObject({ error: 'DEBIT_REFUSED', reason: 'INSUFFICIENT_FUNDS' });
    const ledger = (await bank.getLedger(n))!;
    expect(ledger.entries.map((e) => e.kind)).toEqual(['CREDIT_FROM_BOUND']);
    expect(ledger.capUsage.outTodayCny).toBe('0.00');
  });

  it('an ENTRUSTED debit to another payee, or naming none, is refused PAYEE_NOT_IN_MANDATE; to its payee it settles', async () => {
    const n = await openAccount();
    await credit(n, '500');
    const today = todayInChina(clock.now());
    const number = await agree({
      accountNumber: n,
      institution: 'UNIONPAY',
      scope: 'ENTRUSTED',
      payee: 'STATE_GRID_BEIJING',
      period: { from: today, to: addDays(today, 365) },
      perDebitLimitCny: '300',
      dailyLimitCny: '300',
    });
    const as = { institution: 'UNIONPAY' } as const;
    expect(await debit(number, '120', { ...as, payee: 'BEIJING_GAS' })).toEqual({
      refused: 'PAYEE_NOT_IN_MANDATE',
    });
    expect(await debit(number, '120', as)).toEqual({ refused: 'PAYEE_NOT_IN_MANDATE' });
    expect(await debit(number, '120', { ...as, payee: 'STATE_GRID_BEIJING' })).toEqual(settled);
  });

  it('an ENTRUSTED debit before or after its period is refused AGREEMENT_NOT_ACTIVE', async () => {
    const n = await openAccount();
    await credit(n, '500');
    const today = todayInChina(clock.now());
    const terms = (from: string, to: string): RegisterAgreementRequest => ({
      accountNumber: n,
      institution: 'JD_PAY',
      scope: 'ENTRUSTED',
      payee: 'PICC',
      period: { from, to },
      perDebitLimitCny: '300',
      dailyLimitCny: '300',
    });
    const later = await agree(terms(addDays(today, 1), addDays(today, 30)));
    const over = await agree(terms(addDays(today, -30), addDays(today, -1)));
    const as = { institution: 'JD_PAY', payee: 'PICC' } as const;
    expect(await debit(later, '10', as)).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    expect(await debit(over, '10', as)).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
  });

  it('the same reference and body answer the settled debit again (200, replayed, same debitId) and debit once; another amount under it is 409 REFERENCE_REUSED', async () => {
    const n = await openAccount();
    await credit(n, '100');
    const number = await agree(quickPay(n));
    const first = await debit(number, '40', { reference: 'wx-same' });
    const again = await debit(number, '40.00', { reference: 'wx-same' });
    expect(first).toMatchObject({ replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await balanceOf(n)).toBe('60.00');
    expect(await debit(number, '41', { reference: 'wx-same' })).toEqual({ refused: 'REFERENCE_REUSED' });
    const res = await post('/core/v1/debits', {
      agreementNumber: number,
      institution: 'WECHAT_PAY',
      amountCny: '41',
      reference: 'wx-same',
    });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toBe('REFERENCE_REUSED');
    expect(await balanceOf(n)).toBe('60.00');
  });

  it("references are each institution's own: another institution's same reference is a debit of its own", async () => {
    const n = await openAccount();
    await credit(n, '100');
    const wechat = await agree(quickPay(n));
    const jd = await agree(quickPay(n, undefined, 'JD_PAY'));
    expect(await debit(wechat, '10', { reference: 'order-1' })).toEqual(settled);
    expect(await debit(jd, '20', { institution: 'JD_PAY', reference: 'order-1' })).toEqual(settled);
    expect(await balanceOf(n)).toBe('70.00');
  });

  it("a cancelled agreement, an unknown number and another institution's number are all refused AGREEMENT_NOT_ACTIVE", async () => {
    const n = await openAccount();
    await credit(n, '100');
    const cancelled = await agree(quickPay(n));
    await bank.cancelAgreement(cancelled);
    expect(await debit(cancelled, '1')).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    expect(await debit('AGR-NO-SUCH-NUMBER', '1')).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    const wechats = await agree(quickPay(n));
    expect(await debit(wechats, '1', { institution: 'JD_PAY' })).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    expect(await balanceOf(n)).toBe('100.00');
  });

  it('a debit more than the balance is refused INSUFFICIENT_FUNDS', async () => {
    const n = await openAccount();
    await credit(n, '50');
    const number = await agree(quickPay(n));
    expect(await debit(number, '50.01')).toEqual({ refused: 'INSUFFICIENT_FUNDS' });
    expect(await debit(number, '50')).toEqual(settled);
    expect(await balanceOf(n)).toBe('0.00');
  });

  it('a debit without an agreement number is a 400 naming agreementNumber', async () => {
    const res = await post('/core/v1/debits', { institution: 'WECHAT_PAY', amountCny: '1', reference: 'r' });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).message).toContain('body.agreementNumber');
  });
});

describe('closing an account (POST /core/v1/accounts/{accountNumber}/close)', () => {
  it('cancels every agreement (ACCOUNT_CLOSED), sends the balance to the bound account, answers CLOSED, and later debits are refused AGREEMENT_NOT_ACTIVE', async () => {
    const n = await openAccount();
    await credit(n, '80');
    const wechat = await agree(quickPay(n));
    const jd = await agree(quickPay(n, undefined, 'JD_PAY'));
    const answer = await bank.closeAccount(n, 'CUSTOMER_REQUEST');
    expect(answer).toMatchObject({
      closed: { accountNumber: n, status: 'CLOSED', closedAt: expect.any(String) },
    });
    expect((await bank.listAgreements(n))!.map((a) => [a.status, a.cancelReason])).toEqual([
      ['CANCELLED', 'ACCOUNT_CLOSED'],
      ['CANCELLED', 'ACCOUNT_CLOSED'],
    ]);
    const ledger = (await bank.getLedger(n))!;
    expect(ledger.balanceCny).toBe('0.00');
    expect(ledger.entries.at(-1)).toMatchObject({
      kind: 'CLOSING_TRANSFER_TO_BOUND',
      amountCny: '80.00',
      countsTowardsCaps: false,
    });
    expect(await debit(wechat, '1')).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    expect(await debit(jd, '1', { institution: 'JD_PAY' })).toEqual({ refused: 'AGREEMENT_NOT_ACTIVE' });
    expect(await bank.credit(n, { amountCny: '1', from: 'BOUND' })).toEqual({ refused: 'ACCOUNT_CLOSED' });
  });

  it('closing again answers the closed account unchanged', async () => {
    const n = await openAccount();
    const first = await bank.closeAccount(n, 'CUSTOMER_REQUEST');
    clock.advance(1000);
    expect(await bank.closeAccount(n, 'ANOTHER_REASON')).toEqual(first);
  });

  it('a FROZEN account that holds money stays open: 409 BALANCE_REMAINS, agreements still active', async () => {
    const n = await openAccount();
    await credit(n, '5');
    const number = await agree(quickPay(n));
    await bank.placeHold(n, { holdId: 'freeze', type: 'FROZEN', reason: 'FRAUD' });
    expect(await bank.closeAccount(n, 'FRAUD_CONFIRMED')).toEqual({ refused: 'BALANCE_REMAINS' });
    expect((await bank.getAccount(n))!.status).toBe('FROZEN');
    expect((await bank.getAgreement(number))!.status).toBe('ACTIVE');
  });
});

describe('the ledger (GET /core/v1/accounts/{accountNumber}/ledger)', () => {
  it('pages oldest first: nextAfterSeq while more follow, none on the last page', async () => {
    const n = await openAccount();
    for (const amount of ['1', '2', '3']) await credit(n, amount);
    const first = (await bank.getLedger(n, { limit: 2 }))!;
    expect(first.entries.map((e) => e.amountCny)).toEqual(['1.00', '2.00']);
    expect(first.nextAfterSeq).toBe(first.entries[1]!.seq);
    const last = (await bank.getLedger(n, { afterSeq: first.nextAfterSeq!, limit: 2 }))!;
    expect(last.entries.map((e) => e.amountCny)).toEqual(['3.00']);
    expect(last.nextAfterSeq).toBeUndefined();
    expect(await bank.getLedger('6230999999999999999')).toBeUndefined();
  });

  it('is append-only: the database refuses to change an entry once written', async () => {
    const n = await openAccount();
    await credit(n, '1');
    const db = new Database(dbFile);
    try {
      expect(() =>
        db.prepare('UPDATE ledger SET amount_fen = 1000000 WHERE account_number = ?').run(n),
      ).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(await balanceOf(n)).toBe('1.00');
  });
});

describe('refusals for good of the new operations', () => {
  it('agreement, debit and close named in the refuse knob answer 422 REFUSED, do nothing, and the adapter fails them non-retryably', async () => {
    const n = await openAccount();
    await credit(n, '10');
    const number = await agree(quickPay(n));
    await put('/sandbox/faults', { refuse: ['agreement', 'debit', 'close'] });
    try {
      const refused = { type: 'ProviderRefusedError', nonRetryable: true };
      await expect(bank.registerAgreement(`AGR-${next()}`, quickPay(n))).rejects.toMatchObject(refused);
      await expect(bank.cancelAgreement(number)).rejects.toMatchObject(refused);
      await expect(debit(number, '1')).rejects.toMatchObject(refused);
      await expect(bank.closeAccount(n, 'CUSTOMER_REQUEST')).rejects.toMatchObject(refused);
    } finally {
      await put('/sandbox/faults', {});
    }
    expect(await bank.listAgreements(n)).toEqual([
      expect.objectContaining({ agreementNumber: number, status: 'ACTIVE' }),
    ]);
    expect((await bank.getAccount(n))!.status).toBe('ACTIVE');
    expect(await balanceOf(n)).toBe('10.00');
  });

  it('a 503 from core banking on a debit is a retryable failure in the adapter', async () => {
    const n = await openAccount();
    const number = await agree(quickPay(n));
    await put('/sandbox/faults', { errorRate: 1 });
    try {
      await expect(debit(number, '1')).rejects.toMatchObject({
        type: 'TransientProviderError',
        nonRetryable: false,
      });
    } finally {
      await put('/sandbox/faults', {});
    }
  });
});
