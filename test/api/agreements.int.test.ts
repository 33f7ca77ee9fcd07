/**
 * Issue 14 on the real dev server, through HTTP API v1: payment institutions sign agreements
 * (elements, then the SMS code the sandbox's inbox shows), debit under them within the limits and
 * the Class II caps, and cancel them; holds stop debits. Outcomes are read in the API's answers and
 * in core banking.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '../../domain/china-time';
import { fund, openAccount, otherCode, reference } from '../support/agreements';
import { bearer, startApi } from '../support/api';
import { type Harness, readAccount, readSmsCode, startHarness } from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h, undefined, { mismatchesPerAccountPerDay: 2 });
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

type Who = Parameters<typeof bearer>[0];
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who: Who, payload?: object, id?: string) =>
  api.inject({ method, url, headers: bearer(who, id), ...(payload && { payload }) });
const wechat = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  call(method, url, 'institution', payload, 'WECHAT_PAY');

const quickPay = (
  accountNumber: string,
  holder: { name: string; idNumber: string; mobile: string },
  limits = { perDebitLimitCny: '1000', dailyLimitCny: '1500' },
) => ({
  accountNumber,
  holder,
  scope: 'QUICK_PAY',
  ...limits,
  reference: reference(),
});

/** Signs through both steps and answers the agreement number. */
async function sign(body: { holder: { mobile: string } } & Record<string, unknown>) {
  const started = await wechat('POST', '/v1/agreements', body);
  expect(started.json()).toMatchObject({ status: 'AWAITING_SMS_CODE' });
  const { agreementId } = started.json();
  const code = await readSmsCode(h.providersUrl, body.holder.mobile);
  const signed = await wechat('POST', `/v1/agreements/${agreementId}/sms-code`, { code });
  expect(signed.statusCode).toBe(200);
  return { agreementId: agreementId as string, ...(signed.json() as { agreementNumber: string }) };
}

const debit = (agreementNumber: string, amountCny: string, ref = reference(), extra: object = {}) =>
  wechat('POST', '/v1/debits', { agreementNumber, amountCny, reference: ref, ...extra });

async function hold(accountNumber: string, holdId: string, type: 'RECEIVE_ONLY' | 'FROZEN') {
  const res = await fetch(`${h.coreBankingUrl}/core/v1/accounts/${accountNumber}/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': holdId },
    body: JSON.stringify({ holdId, type, reason: 'TEST' }),
  });
  expect(res.ok).toBe(true);
}

describe('signing', () => {
  it('a wrong code counts down; the right one signs with the limits asked, within policy', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const body = quickPay(accountNumber, holder, { perDebitLimitCny: '8000', dailyLimitCny: '9000' });
    const started = await wechat('POST', '/v1/agreements', body);
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({
      status: 'AWAITING_SMS_CODE',
      attemptsLeft: 3,
      institution: 'WECHAT_PAY',
    });
    const { agreementId } = started.json();
    const code = await readSmsCode(h.providersUrl, holder.mobile);
    const wrong = await wechat('POST', `/v1/agreements/${agreementId}/sms-code`, {
      code: otherCode(code),
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ attemptsLeft: 2 });
    const signed = await wechat('POST', `/v1/agreements/${agreementId}/sms-code`, { code });
    // The bank's QUICK_PAY policy allows 5,000 a debit: more was asked, the policy's is granted.
    expect(signed.json()).toMatchObject({
      status: 'SIGNED',
      perDebitLimitCny: '5000.00',
      dailyLimitCny: '9000',
    });
    const listed = await call('GET', `/v1/accounts/${accountNumber}/agreements`, 'app');
    expect(listed.json().agreements).toEqual([
      expect.objectContaining({
        agreementId,
        institution: 'WECHAT_PAY',
        scope: 'QUICK_PAY',
        status: 'ACTIVE',
      }),
    ]);
  });

  it('the same request again answers the same signing; another request under its reference is a 409', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const body = quickPay(accountNumber, holder);
    const first = await wechat('POST', '/v1/agreements', body);
    const again = await wechat('POST', '/v1/agreements', body);
    expect(again.json().agreementId).toBe(first.json().agreementId);
    const other = await wechat('POST', '/v1/agreements', { ...body, dailyLimitCny: '1200' });
    expect(other.statusCode).toBe(409);
  });

  it("elements that do not match the account's holder are refused, counted, and past the day's count a 429", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const wrongName = { ...holder, name: holder.name === '李娜' ? '王芳' : '李娜' };
    for (let i = 0; i < 2; i++) {
      const refused = await wechat('POST', '/v1/agreements', quickPay(accountNumber, wrongName));
      expect(refused.json()).toMatchObject({ status: 'REFUSED', reason: 'HOLDER_MISMATCH' });
    }
    const limited = await wechat('POST', '/v1/agreements', quickPay(accountNumber, holder));
    expect(limited.statusCode).toBe(429);
  });

  it("another institution's signing answers 404, as an unknown one does", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementId } = (await wechat('POST', '/v1/agreements', quickPay(accountNumber, holder))).json();
    expect(
      (await call('GET', `/v1/agreements/${agreementId}`, 'institution', undefined, 'JD_PAY')).statusCode,
    ).toBe(404);
    expect((await wechat('GET', `/v1/agreements/${agreementId}`)).statusCode).toBe(200);
  });

  it('a frozen account is refused an agreement', async () => {
    const { accountNumber, holder } = await openAccount(h);
    await hold(accountNumber, `test-freeze-${accountNumber}`, 'FROZEN');
    const refused = await wechat('POST', '/v1/agreements', quickPay(accountNumber, holder));
    expect(refused.json()).toMatchObject({ status: 'REFUSED', reason: 'ACCOUNT_FROZEN' });
  });

  it('an institution token reads no account', async () => {
    const { accountNumber } = await openAccount(h);
    expect((await wechat('GET', `/v1/accounts/${accountNumber}`)).statusCode).toBe(403);
  });
});

describe('debits', () => {
  it('within the limits they settle, idempotently by reference; past the per-debit or daily limit they are refused', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementNumber } = await sign(quickPay(accountNumber, holder));
    await fund(h, accountNumber, '5000');
    const ref = reference();
    const first = await debit(agreementNumber, '1000', ref);
    expect(first.statusCode).toBe(201);
    const replayed = await debit(agreementNumber, '1000', ref);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json().debitId).toBe(first.json().debitId);
    expect((await debit(agreementNumber, '1000', ref, { amountCny: '999' })).statusCode).toBe(409);
    expect((await debit(agreementNumber, '1000.01')).json()).toMatchObject({ reason: 'PER_DEBIT_LIMIT' });
    expect((await debit(agreementNumber, '500.01')).json()).toMatchObject({ reason: 'DAILY_LIMIT' });
    expect((await debit(agreementNumber, '500')).statusCode).toBe(201);
  });

  it("a review's receive-only hold refuses a debit; the same debit settles once the hold is lifted", async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const { agreementNumber } = await sign(quickPay(accountNumber, req.applicant));
    await fund(h, accountNumber, '100');
    await h.reviews.decide(
      reviewId,
      { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'glare' },
      'op-alice',
    );
    const ref = reference();
    const refused = await debit(agreementNumber, '10', ref);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ reason: 'ACCOUNT_RESTRICTED' });
    // Receive-only lets money in.
    await fund(h, accountNumber, '1');
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await h.reviews.decide(
      reviewId,
      { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' },
      'op-bob',
    );
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
    expect((await debit(agreementNumber, '10', ref)).statusCode).toBe(201);
  });

  it('a frozen account refuses credits and debits', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementNumber } = await sign(quickPay(accountNumber, holder));
    await fund(h, accountNumber, '100');
    await hold(accountNumber, `test-freeze-${accountNumber}`, 'FROZEN');
    await expect(fund(h, accountNumber, '10')).rejects.toThrow(/422/);
    expect((await debit(agreementNumber, '10')).json()).toMatchObject({ reason: 'ACCOUNT_RESTRICTED' });
  });

  it('an entrusted debit to another payee is refused; to its payee it settles', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementNumber } = await sign({
      ...quickPay(accountNumber, holder),
      scope: 'ENTRUSTED',
      payee: 'STATE-GRID-BEIJING',
      period: { from: todayInChina() },
    });
    await fund(h, accountNumber, '300');
    expect((await debit(agreementNumber, '50', reference(), { payee: 'SOMEONE-ELSE' })).json()).toMatchObject(
      {
        reason: 'PAYEE_NOT_IN_MANDATE',
      },
    );
    expect(
      (await debit(agreementNumber, '50', reference(), { payee: 'STATE-GRID-BEIJING' })).statusCode,
    ).toBe(201);
  });

  it("another institution's agreement number debits nothing", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementNumber } = await sign(quickPay(accountNumber, holder));
    await fund(h, accountNumber, '100');
    const other = await call(
      'POST',
      '/v1/debits',
      'institution',
      { agreementNumber, amountCny: '10', reference: reference() },
      'JD_PAY',
    );
    expect(other.json()).toMatchObject({ reason: 'AGREEMENT_NOT_ACTIVE' });
  });
});

describe('cancelling', () => {
  it("the holder's app cancels a signed agreement: final, and debits under it are refused", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementId, agreementNumber } = await sign(quickPay(accountNumber, holder));
    await fund(h, accountNumber, '100');
    expect(
      (await call('DELETE', `/v1/agreements/${agreementId}`, 'app', undefined, 'partner-x')).statusCode,
    ).toBe(404);
    const cancelled = await call('DELETE', `/v1/agreements/${agreementId}`, 'app');
    expect(cancelled.json()).toEqual({ status: 'CANCELLED' });
    expect((await call('DELETE', `/v1/agreements/${agreementId}`, 'app')).json()).toEqual({
      status: 'CANCELLED',
    });
    expect((await debit(agreementNumber, '10')).json()).toMatchObject({ reason: 'AGREEMENT_NOT_ACTIVE' });
    const listed = await call('GET', `/v1/accounts/${accountNumber}/agreements`, 'operator');
    expect(listed.json().agreements[0]).toMatchObject({ agreementId, status: 'CANCELLED' });
  });

  it('the institution cancels a signing waiting for its code, and the code no longer signs', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const { agreementId } = (await wechat('POST', '/v1/agreements', quickPay(accountNumber, holder))).json();
    expect((await wechat('DELETE', `/v1/agreements/${agreementId}`)).json()).toEqual({ status: 'CANCELLED' });
    const code = await readSmsCode(h.providersUrl, holder.mobile);
    const late = await wechat('POST', `/v1/agreements/${agreementId}/sms-code`, { code });
    expect(late.statusCode).toBe(409);
    const view = await eventually(
      async () => (await wechat('GET', `/v1/agreements/${agreementId}`)).json(),
      (v) => v.status === 'CANCELLED',
    );
    expect(view.status).toBe('CANCELLED');
  });
});
