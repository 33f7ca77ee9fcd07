/**
 * The SDK's agreement and debit calls against the real API on a real worker, over HTTP: each
 * answer parsed with the schema the API answers with, a wrong code an answer rather than an
 * error, and a refused debit an ApiError carrying its reason.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, type SigningRequestInput } from '../../sdk/index';
import { listenApi, tokenOf } from '../cli/http-api';
import { fund, openAccount, otherCode, reference } from '../support/agreements';
import { type Harness, readSmsCode, startHarness } from '../support/harness';

let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  ({ api, url } = await listenApi(h));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const as = (id: string) => new ApiClient({ baseUrl: url, token: tokenOf(id) });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

function quickPay(account: Awaited<ReturnType<typeof openAccount>>): SigningRequestInput {
  return {
    accountNumber: account.accountNumber,
    holder: account.holder,
    scope: 'QUICK_PAY',
    perDebitLimitCny: '1000',
    dailyLimitCny: '1500',
    reference: reference('sdk'),
  };
}

/** Signs with the code from the holder's inbox; answers the signing's id and agreement number. */
async function sign(wechat: ApiClient, req: SigningRequestInput) {
  const started = await wechat.startAgreement(req);
  const signed = await wechat.submitAgreementCode(
    started.agreementId,
    await readSmsCode(h.providersUrl, req.holder.mobile),
  );
  if (signed.status !== 'SIGNED') throw new Error(`not signed: ${signed.status}`);
  return { agreementId: started.agreementId, agreementNumber: signed.agreementNumber };
}

describe('signing', () => {
  it('startAgreement waits for the code; a wrong code answers WRONG_CODE with the tries left, the right one SIGNED with the limits granted, and getAgreement reads it signed', async () => {
    const account = await openAccount(h);
    const wechat = as('WECHAT_PAY');
    const req = { ...quickPay(account), perDebitLimitCny: '8000', dailyLimitCny: '9000' };
    const started = await wechat.startAgreement(req);
    expect(started).toMatchObject({
      status: 'AWAITING_SMS_CODE',
      institution: 'WECHAT_PAY',
      accountNumber: account.accountNumber,
      scope: 'QUICK_PAY',
      attemptsLeft: 3,
    });
    expect(started.agreementId).toMatch(/^agr-[0-9a-f]{32}$/);
    expect(await wechat.startAgreement(req)).toMatchObject({ agreementId: started.agreementId });

    const code = await readSmsCode(h.providersUrl, account.holder.mobile);
    expect(await wechat.submitAgreementCode(started.agreementId, otherCode(code))).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 2,
    });
    const signed = await wechat.submitAgreementCode(started.agreementId, code);
    // The bank's QUICK_PAY policy grants at most 5,000 a debit, whatever was asked.
    expect(signed).toEqual({
      status: 'SIGNED',
      agreementNumber: expect.stringMatching(/^AG[0-9A-F]{32}$/),
      perDebitLimitCny: '5000.00',
      dailyLimitCny: '9000',
    });
    expect(await wechat.getAgreement(started.agreementId)).toMatchObject({
      status: 'SIGNED',
      agreementNumber: signed.status === 'SIGNED' ? signed.agreementNumber : undefined,
    });
    expect(await failure(as('JD_PAY').getAgreement(started.agreementId))).toMatchObject({ status: 404 });
  });

  it('startAgreement answers REFUSED with HOLDER_MISMATCH for elements that are not the holder’s, and a reused reference throws ApiError 409', async () => {
    const account = await openAccount(h);
    const wechat = as('WECHAT_PAY');
    const req = quickPay(account);
    const wrongName = account.holder.name === '李娜' ? '王芳' : '李娜';
    expect(
      await wechat.startAgreement({ ...req, holder: { ...account.holder, name: wrongName } }),
    ).toMatchObject({
      status: 'REFUSED',
      reason: 'HOLDER_MISMATCH',
    });
    const reused = await failure(wechat.startAgreement({ ...req, dailyLimitCny: '1200' }));
    expect(reused).toBeInstanceOf(ApiError);
    expect(reused).toMatchObject({ status: 409 });
  });

  it('submitAgreementCode answers REFUSED SMS_CODE_TRIES_EXHAUSTED after the last wrong try, and a code after that throws ApiError 409', async () => {
    const account = await openAccount(h);
    const wechat = as('WECHAT_PAY');
    const { agreementId } = await wechat.startAgreement(quickPay(account));
    const wrong = otherCode(await readSmsCode(h.providersUrl, account.holder.mobile));
    expect(await wechat.submitAgreementCode(agreementId, wrong)).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 2,
    });
    expect(await wechat.submitAgreementCode(agreementId, wrong)).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 1,
    });
    expect(await wechat.submitAgreementCode(agreementId, wrong)).toEqual({
      status: 'REFUSED',
      reason: 'SMS_CODE_TRIES_EXHAUSTED',
    });
    expect(await failure(wechat.submitAgreementCode(agreementId, wrong))).toMatchObject({ status: 409 });
  });
});

describe('debits', () => {
  it('debit answers the settled debit, the same reference again the same debitId; a refusal throws ApiError 422 with its reason, another debit under a used reference 409', async () => {
    const account = await openAccount(h);
    const wechat = as('WECHAT_PAY');
    const { agreementNumber } = await sign(wechat, quickPay(account));
    await fund(h, account.accountNumber, '2000');
    const ref = reference('sdk-debit');
    const settled = await wechat.debit({ agreementNumber, amountCny: '12.5', reference: ref });
    expect(settled).toMatchObject({
      status: 'SETTLED',
      agreementNumber,
      accountNumber: account.accountNumber,
      institution: 'WECHAT_PAY',
      amountCny: '12.50',
      reference: ref,
    });
    expect(await wechat.debit({ agreementNumber, amountCny: '12.5', reference: ref })).toEqual(settled);

    const tooMuch = await failure(
      wechat.debit({ agreementNumber, amountCny: '1000.01', reference: reference('sdk-debit') }),
    );
    expect(tooMuch).toBeInstanceOf(ApiError);
    expect(tooMuch).toMatchObject({ status: 422, reason: 'PER_DEBIT_LIMIT' });
    expect(await failure(wechat.debit({ agreementNumber, amountCny: '13', reference: ref }))).toMatchObject({
      status: 409,
      reason: undefined,
    });
  });
});

describe("an account's agreements", () => {
  it("listAgreements answers the account's agreements to its app and to staff; an institution is refused 403", async () => {
    const account = await openAccount(h);
    const { agreementId, agreementNumber } = await sign(as('WECHAT_PAY'), quickPay(account));
    const expected = [
      {
        agreementId,
        agreementNumber,
        institution: 'WECHAT_PAY',
        scope: 'QUICK_PAY',
        status: 'ACTIVE',
        limits: { perDebitLimitCny: '1000.00', dailyLimitCny: '1500.00' },
      },
    ];
    expect(await as('test-app').listAgreements(account.accountNumber)).toEqual(expected);
    expect(await as('op-alice').listAgreements(account.accountNumber)).toEqual(expected);
    expect(await failure(as('partner-x').listAgreements(account.accountNumber))).toMatchObject({
      status: 404,
    });
    expect(await failure(as('WECHAT_PAY').listAgreements(account.accountNumber))).toMatchObject({
      status: 403,
    });
  });

  it("cancelAgreement answers CANCELLED to staff (audited), the account's app and the institution; another app 404", async () => {
    const account = await openAccount(h);
    const wechat = as('WECHAT_PAY');
    const signed = await sign(wechat, quickPay(account));
    expect(await failure(as('partner-x').cancelAgreement(signed.agreementId))).toMatchObject({ status: 404 });
    expect(await as('op-alice').cancelAgreement(signed.agreementId)).toEqual({ status: 'CANCELLED' });
    expect(await as('test-app').cancelAgreement(signed.agreementId)).toEqual({ status: 'CANCELLED' });
    expect(await as('test-app').listAgreements(account.accountNumber)).toEqual([
      expect.objectContaining({ agreementId: signed.agreementId, status: 'CANCELLED' }),
    ]);
    expect(await as('sup-carol').auditLog(account.accountNumber)).toEqual([
      expect.objectContaining({ actor: 'op-alice', action: 'AGREEMENT_CANCELLED' }),
    ]);

    const pending = await wechat.startAgreement(quickPay(account));
    expect(await wechat.cancelAgreement(pending.agreementId)).toEqual({ status: 'CANCELLED' });
    expect(await wechat.cancelAgreement(pending.agreementId)).toEqual({ status: 'CANCELLED' });
  });
});
