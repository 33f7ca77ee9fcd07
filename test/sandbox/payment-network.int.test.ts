/**
 * The payment-network simulator against the real API on the dev server, over HTTP: it signs as
 * an institution (reading the code from the providers sandbox's SMS inbox), debits and cancels,
 * and each magic reference of the catalogue does what the catalogue says.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../sandbox/catalogue';
import { buildPaymentNetworkSimulator } from '../../sandbox/payment-network/app';
import { listenApi, tokenOf } from '../cli/http-api';
import { fund, openAccount, reference } from '../support/agreements';
import { type Harness, startHarness } from '../support/harness';

const { signing, debits } = catalogue.paymentNetwork;

let h: Harness;
let api: FastifyInstance;
let network: FastifyInstance;
let coreBankingUrl: string;
beforeAll(async () => {
  h = await startHarness();
  const listening = await listenApi(h);
  api = listening.api;
  coreBankingUrl = h.coreBankingUrl;
  // UNIONPAY has no test token: the simulator cannot play it.
  network = buildPaymentNetworkSimulator({
    apiUrl: listening.url,
    providersUrl: h.providersUrl,
    tokens: { WECHAT_PAY: tokenOf('WECHAT_PAY'), JD_PAY: tokenOf('JD_PAY') },
  });
});
afterAll(async () => {
  await network?.close();
  await api?.close();
  await h?.stop();
});

const post = (url: string, payload: object) => network.inject({ method: 'POST', url, payload });

async function signingFor(ref = reference('sim')) {
  const account = await openAccount(h);
  return {
    account,
    body: {
      institution: 'WECHAT_PAY',
      accountNumber: account.accountNumber,
      holder: account.holder,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '1000',
      dailyLimitCny: '1500',
      reference: ref,
    },
  };
}

/** An agreement signed through the simulator, on an account holding `balance`. */
async function signed(balance = '2000') {
  const { account, body } = await signingFor();
  const res = await post('/simulate/agreements', body);
  expect(res.json()).toMatchObject({ status: 'SIGNED' });
  await fund(h, account.accountNumber, balance);
  return {
    account,
    agreementId: res.json().agreementId as string,
    agreementNumber: res.json().agreementNumber as string,
  };
}

async function balanceOf(accountNumber: string): Promise<string> {
  const res = await fetch(`${coreBankingUrl}/core/v1/accounts/${accountNumber}/ledger`);
  return ((await res.json()) as { balanceCny: string }).balanceCny;
}

describe('signing', () => {
  const cases = [
    ...signing.rules.map((rule) => ({
      label: `a reference starting ${rule.referencePrefix}`,
      prefix: rule.referencePrefix,
      ...rule,
    })),
    { label: 'any other reference', prefix: 'order-', ...signing.otherwise },
  ];
  for (const rule of cases) {
    it(`${rule.label}: the holder types ${rule.holderTypes} and the signing ends ${rule.outcome}, as the catalogue says`, async () => {
      const { account, body } = await signingFor(reference(rule.prefix.slice(0, -1)));
      const res = await post('/simulate/agreements', body);
      expect(res.statusCode).toBe(200);
      const answer = res.json();
      expect(answer).toMatchObject({
        status: rule.outcome,
        institution: 'WECHAT_PAY',
        accountNumber: account.accountNumber,
        reference: body.reference,
        holderTyped: rule.holderTypes,
      });
      const typed = (answer.steps as { step: string; typed?: string }[])
        .filter((s) => s.step === 'CODE')
        .map((s) => s.typed);
      const expected = {
        RIGHT: ['RIGHT'],
        WRONG_THEN_RIGHT: ['WRONG', 'RIGHT'],
        WRONG_UNTIL_REFUSED: ['WRONG', 'WRONG', 'WRONG'],
        NOTHING: [],
      }[rule.holderTypes];
      expect(typed).toEqual(expected);
      if (rule.outcome === 'SIGNED') {
        expect(answer.agreementNumber).toMatch(/^AG[0-9A-F]{32}$/);
        expect(answer).toMatchObject({ perDebitLimitCny: '1000', dailyLimitCny: '1500' });
      }
      if (rule.holderTypes === 'WRONG_THEN_RIGHT')
        expect(answer.steps[1]).toMatchObject({ status: 'WRONG_CODE', attemptsLeft: 2 });
      if (rule.holderTypes === 'WRONG_UNTIL_REFUSED') expect(answer.reason).toBe('SMS_CODE_TRIES_EXHAUSTED');
    });
  }

  it("elements that are not the holder's are refused by the bank (HOLDER_MISMATCH) and no code is typed", async () => {
    const { account, body } = await signingFor();
    const name = account.holder.name === '李娜' ? '王芳' : '李娜';
    const res = await post('/simulate/agreements', { ...body, holder: { ...account.holder, name } });
    expect(res.json()).toMatchObject({
      status: 'REFUSED',
      reason: 'HOLDER_MISMATCH',
      steps: [{ step: 'START', status: 'REFUSED' }],
    });
  });

  it("relays the bank's 400 naming the field, and refuses an institution it has no token for", async () => {
    const { body } = await signingFor();
    const bad = await post('/simulate/agreements', { ...body, perDebitLimitCny: '-5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'BANK_REFUSED',
      bank: { status: 400, errors: [expect.objectContaining({ field: 'body.perDebitLimitCny' })] },
    });
    const unionPay = await post('/simulate/agreements', { ...body, institution: 'UNIONPAY' });
    expect(unionPay.statusCode).toBe(400);
    expect(unionPay.json()).toMatchObject({ error: 'NO_TOKEN' });
  });
});

describe('debits', () => {
  it('a debit settles: the bank answered 201 and the balance went down by the amount', async () => {
    const { account, agreementNumber } = await signed('2000');
    const res = await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '12.50',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'SETTLED',
      reference: expect.stringMatching(/^sim-/),
      debit: { status: 'SETTLED', agreementNumber, amountCny: '12.50', institution: 'WECHAT_PAY' },
      sends: [{ answered: 201, debitId: res.json().debit.debitId }],
    });
    expect(await balanceOf(account.accountNumber)).toBe('1987.50');
  });

  it(`a reference starting ${debits.rules[0]?.referencePrefix} sends the debit ${debits.rules[0]?.sends} times: 201 then 200 with the same debitId, and the money moves once`, async () => {
    const rule = debits.rules[0]!;
    const { account, agreementNumber } = await signed('2000');
    const ref = `${rule.referencePrefix}${Date.now()}`;
    const res = await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '100',
      reference: ref,
    });
    const { debit, sends } = res.json();
    expect(sends).toEqual([
      { answered: 201, debitId: debit.debitId },
      { answered: 200, debitId: debit.debitId },
    ]);
    expect(sends).toHaveLength(rule.sends);
    expect(await balanceOf(account.accountNumber)).toBe('1900.00');
  });

  it('a debit past the per-debit limit answers REFUSED with the bank’s reason; one under a used reference with another amount relays the 409', async () => {
    const { agreementNumber } = await signed('5000');
    const refused = await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '1000.01',
    });
    expect(refused.json()).toMatchObject({
      status: 'REFUSED',
      reason: 'PER_DEBIT_LIMIT',
      sends: [{ answered: 422, reason: 'PER_DEBIT_LIMIT' }],
    });
    const ref = reference('sim');
    await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '10',
      reference: ref,
    });
    const reused = await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '11',
      reference: ref,
    });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ error: 'BANK_REFUSED', bank: { status: 409 } });
  });
});

describe('cancelling', () => {
  it('cancels a signed agreement as the institution that signed it, found without being named; debits under it are then refused AGREEMENT_NOT_ACTIVE', async () => {
    const { agreementId, agreementNumber } = await signed('100');
    const cancelled = await network.inject({ method: 'DELETE', url: `/simulate/agreements/${agreementId}` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toEqual({ agreementId, institution: 'WECHAT_PAY', status: 'CANCELLED' });
    const late = await post('/simulate/debits', {
      institution: 'WECHAT_PAY',
      agreementNumber,
      amountCny: '1',
    });
    expect(late.json()).toMatchObject({ status: 'REFUSED', reason: 'AGREEMENT_NOT_ACTIVE' });
  });

  it("cancels a signing the holder never typed the code for (NOCODE-); another institution named is answered the bank's 404", async () => {
    const { body } = await signingFor(`NOCODE-${Date.now()}`);
    const pending = (await post('/simulate/agreements', body)).json();
    expect(pending.status).toBe('AWAITING_SMS_CODE');
    const asJd = await network.inject({
      method: 'DELETE',
      url: `/simulate/agreements/${pending.agreementId}?institution=JD_PAY`,
    });
    expect(asJd.statusCode).toBe(404);
    expect(asJd.json()).toMatchObject({ error: 'BANK_REFUSED', bank: { status: 404 } });
    const cancelled = await network.inject({
      method: 'DELETE',
      url: `/simulate/agreements/${pending.agreementId}?institution=WECHAT_PAY`,
    });
    expect(cancelled.json()).toEqual({
      agreementId: pending.agreementId,
      institution: 'WECHAT_PAY',
      status: 'CANCELLED',
    });
    const none = await network.inject({
      method: 'DELETE',
      url: `/simulate/agreements/agr-${'0'.repeat(32)}`,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'AGREEMENT_NOT_FOUND' });
  });
});
