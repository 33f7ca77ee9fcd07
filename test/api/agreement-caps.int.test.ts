/**
 * Issue 20 (b) on the real dev server, through HTTP API v1: a signing's caps per account and day
 * are checked and counted in one step, so signings sent at once cannot pass them together; and the
 * SMS codes an institution has sent to an account's holder are capped too (429 with Retry-After,
 * nothing started, nothing sent).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementIdOf } from '../../api/services/agreements';
import { openAccount, reference } from '../support/agreements';
import { bearer, startApi } from '../support/api';
import { type Harness, startHarness } from '../support/harness';

let h: Harness;
/** Each cap on its own: an API whose other cap is out of the way. */
let mismatchCapped: FastifyInstance;
let smsCapped: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  mismatchCapped = await startApi(h, undefined, {
    mismatchesPerAccountPerDay: 2,
    smsCodesPerAccountPerDay: 50,
  });
  smsCapped = await startApi(h, undefined, { mismatchesPerAccountPerDay: 50, smsCodesPerAccountPerDay: 2 });
});
afterAll(async () => {
  await mismatchCapped?.close();
  await smsCapped?.close();
  await h?.stop();
});

const asWechat = (api: FastifyInstance) => (method: 'GET' | 'POST', url: string, payload?: object) =>
  api.inject({ method, url, headers: bearer('institution', 'WECHAT_PAY'), ...(payload && { payload }) });

const quickPay = (accountNumber: string, holder: { name: string; idNumber: string; mobile: string }) => ({
  accountNumber,
  holder,
  scope: 'QUICK_PAY',
  perDebitLimitCny: '100',
  dailyLimitCny: '100',
  reference: reference('caps'),
});

const lastSms = async (mobile: string) =>
  (await fetch(`${h.providersUrl}/sandbox/sms?mobile=${mobile}`)).json() as Promise<{ sentAt: string }>;

describe("a signing's caps per account", () => {
  it('signings sent at once with elements that do not match: no more are checked than the day allows, the rest 429', async () => {
    const { accountNumber, holder } = await openAccount(h);
    const wechat = asWechat(mismatchCapped);
    const wrongName = { ...holder, name: holder.name === '李娜' ? '王芳' : '李娜' };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => wechat('POST', '/v1/agreements', quickPay(accountNumber, wrongName))),
    );
    const checked = answers.filter((a) => a.statusCode === 200);
    expect(checked.map((a) => a.json())).toEqual([
      expect.objectContaining({ status: 'REFUSED', reason: 'HOLDER_MISMATCH' }),
      expect.objectContaining({ status: 'REFUSED', reason: 'HOLDER_MISMATCH' }),
    ]);
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited).toHaveLength(4);
    for (const a of limited) expect(a.json().detail).toMatch(/elements that do not match/);
  });

  it("signings sent at once for one holder: no more codes are sent than the day's count, the rest 429", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const wechat = asWechat(smsCapped);
    const bodies = Array.from({ length: 4 }, () => quickPay(accountNumber, holder));
    const answers = await Promise.all(bodies.map((b) => wechat('POST', '/v1/agreements', b)));
    const sent = answers.filter((a) => a.statusCode === 200);
    expect(sent.map((a) => a.json().status)).toEqual(['AWAITING_SMS_CODE', 'AWAITING_SMS_CODE']);
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited).toHaveLength(2);
    for (const a of limited) expect(a.json().detail).toMatch(/signing codes today/);
  });

  it("past the day's codes for the holder, a 429 with Retry-After: no signing is started and no code sent", async () => {
    const { accountNumber, holder } = await openAccount(h);
    const wechat = asWechat(smsCapped);
    for (let i = 0; i < 2; i++) {
      const started = await wechat('POST', '/v1/agreements', quickPay(accountNumber, holder));
      expect(started.json()).toMatchObject({ status: 'AWAITING_SMS_CODE' });
    }
    const before = await lastSms(holder.mobile);
    const body = quickPay(accountNumber, holder);
    const refused = await wechat('POST', '/v1/agreements', body);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().detail).toMatch(/^the holder of this account was sent 2 signing codes today/);
    expect(
      (await wechat('GET', `/v1/agreements/${agreementIdOf('WECHAT_PAY', body.reference)}`)).statusCode,
    ).toBe(404);
    expect(await lastSms(holder.mobile)).toEqual(before);
  });
});
