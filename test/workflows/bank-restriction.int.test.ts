/**
 * Issue 23, abnormal-account restrictions, on the real dev server with a policy in seconds: an
 * operator proposes, a supervisor other than the proposer confirms (four eyes) and the account
 * becomes receive-only by the case's own hold (debits refused, other holds untouched, lifting it
 * lifts nothing else); the app is told what to do and by when, never the category; the holder's
 * appeal is a re-verification run by the case, after which an operator lifts or upholds; an
 * undecided appeal is escalated to ops (never to the app); an unconfirmed proposal lapses.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { CoreBanking } from '../../adapters/ports';
import {
  type BankRestrictionCase,
  type BankRestrictionPolicy,
  bankRestrictionHoldId,
  defaultBankRestrictionPolicy,
} from '../../domain/bank-restrictions';
import { DEFAULT_UPLOAD_QUOTA } from '../../domain/documents';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { SqliteSessionStore } from '../../stores/sessions';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, readAccount, readSmsCode, startHarness } from '../support/harness';
import { newPhotos } from '../support/review';
import { receivedEvents } from './own-sandboxes';

let h: Harness;
/** Time enough for every step a test takes. */
let api: FastifyInstance;
/** A proposal that lapses and an appeal's deadline that passes within seconds. */
let fast: FastifyInstance;
let bank: CoreBanking;

const policy: BankRestrictionPolicy = {
  ...defaultBankRestrictionPolicy,
  proposalExpirySeconds: 600,
  appealDecisionSeconds: 600,
};

beforeAll(async () => {
  h = await startHarness({}, { opsWebhookUrl: `${inject('providersUrl')}/sandbox/ops-webhook` });
  api = await startApi(h, undefined, {}, DEFAULT_UPLOAD_QUOTA, new SqliteSessionStore(':memory:'), policy);
  fast = await startApi(h, undefined, {}, DEFAULT_UPLOAD_QUOTA, new SqliteSessionStore(':memory:'), {
    ...policy,
    proposalExpirySeconds: 2,
    appealDecisionSeconds: 2,
  });
  bank = httpCoreBanking(h.coreBankingUrl);
});
afterAll(async () => {
  await fast?.close();
  await api?.close();
  await h?.stop();
});

async function open() {
  const req = await newApplication(h.documents);
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED' || opened.review !== 'NONE')
    throw new Error(`not opened cleanly: ${opened.status}`);
  return { req, accountNumber: opened.accountNumber };
}

const body = { category: 'SUSPECTED_ACCOUNT_TRADING', note: 'many small credits from unrelated payers' };

const propose = (
  accountNumber: string,
  who: Record<string, string>,
  payload: object = body,
  on: FastifyInstance = api,
) => on.inject({ method: 'POST', url: `/v1/accounts/${accountNumber}/restrictions`, headers: who, payload });

/** Proposed by an operator, confirmed by the supervisor: the case in force. */
async function restrict(accountNumber: string, on: FastifyInstance = api): Promise<BankRestrictionCase> {
  const proposed = await propose(accountNumber, bearer('operator', 'op-alice'), body, on);
  expect(proposed.statusCode).toBe(202);
  const confirmed = await propose(accountNumber, bearer('supervisor'), { ...body, note: 'confirmed' }, on);
  expect(confirmed.statusCode).toBe(201);
  return confirmed.json();
}

const decide = (accountNumber: string, caseId: string, payload: object, on: FastifyInstance = api) =>
  on.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/restrictions/${caseId}/decision`,
    headers: bearer('operator', 'op-bob'),
    payload,
  });

/** The account as staff read it. */
const staffView = async (accountNumber: string) =>
  (
    await api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers: bearer('operator') })
  ).json();

async function sessionOf(accountNumber: string): Promise<Record<string, string>> {
  const minted = await api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { accountNumber },
  });
  expect(minted.statusCode).toBe(201);
  return { authorization: `Bearer ${minted.json().sessionToken}` };
}

/** The case's status as staff see it, once it is `status` (visibility of a case is its query: polled). */
async function caseWhen(
  accountNumber: string,
  done: (c: BankRestrictionCase) => boolean,
): Promise<BankRestrictionCase> {
  for (;;) {
    const c = (await staffView(accountNumber)).bankRestriction as BankRestrictionCase | undefined;
    if (c && done(c)) return c;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true } as const;

/** The holder's re-verification through their session, and its outcome. */
async function appeal(accountNumber: string, applicant: Parameters<typeof newPhotos>[1], declares = true) {
  const res = await api.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/re-verifications`,
    headers: await sessionOf(accountNumber),
    payload: {
      documents: await newPhotos(h, applicant),
      intent: { ...intent, declaresNoRentOrSale: declares },
    },
  });
  expect(res.statusCode).toBe(202);
  const { caseId } = res.json() as { caseId: string };
  return { caseId, res };
}

const reVerificationOf = (applicationId: string, caseId: string) =>
  h.client.workflow.getHandle<typeof reVerification>(reVerificationWorkflowId(applicationId), caseId);

async function eventsOf(applicationId: string, inbox: 'app' | 'ops') {
  return (await receivedEvents(h.providersUrl, applicationId)).filter((e) =>
    inbox === 'ops' ? e.inbox === 'ops' : e.inbox !== 'ops',
  );
}

/** Waits until the application's inbox holds an event of this type. */
async function eventOf(applicationId: string, type: string, inbox: 'app' | 'ops' = 'app') {
  for (;;) {
    const found = (await eventsOf(applicationId, inbox)).find((e) => e.type === type);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

let agreements = 0;
async function quickPayAgreement(accountNumber: string): Promise<string> {
  const agreementNumber = `restriction-${Date.now()}-${++agreements}`;
  expect(
    await bank.registerAgreement(agreementNumber, {
      accountNumber,
      institution: 'WECHAT_PAY',
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '500',
    }),
  ).toHaveProperty('registered');
  return agreementNumber;
}

describe('abnormal-account restrictions', () => {
  it('four eyes: the proposer may not confirm their own proposal (403), nor an operator confirm at all (409); nothing is restricted meanwhile', async () => {
    const { accountNumber } = await open();
    const proposed = await propose(accountNumber, bearer('supervisor'));
    expect(proposed.statusCode).toBe(202);
    expect(proposed.json()).toMatchObject({
      status: 'PROPOSED',
      proposedBy: 'sup-carol',
      category: body.category,
    });
    const own = await propose(accountNumber, bearer('supervisor'));
    expect(own.statusCode).toBe(403);
    expect(own.json().detail).toMatch(/four eyes/);
    const operator = await propose(accountNumber, bearer('operator', 'op-alice'));
    expect(operator.statusCode).toBe(409);
    const account = await readAccount(h.coreBankingUrl, accountNumber);
    expect(account.status).toBe('ACTIVE');
    expect(account.holds).toEqual([]);
    expect((await staffView(accountNumber)).bankRestriction).toMatchObject({ status: 'PROPOSED' });
  });

  it('confirmed, the account is receive-only by its own hold: debits refused, other holds untouched, the app told what to do without the category; lifting it leaves the other hold', async () => {
    const { req, accountNumber } = await open();
    await bank.placeHold(accountNumber, {
      holdId: 'other-kind:RECEIVE_ONLY',
      type: 'RECEIVE_ONLY',
      reason: 'X',
    });
    const agreement = await quickPayAgreement(accountNumber);

    const inForce = await restrict(accountNumber);
    expect(inForce).toMatchObject({
      status: 'IN_FORCE',
      proposedBy: 'op-alice',
      confirmedBy: 'sup-carol',
      holdId: bankRestrictionHoldId(inForce.caseId),
    });
    const held = await readAccount(h.coreBankingUrl, accountNumber);
    expect(held.status).toBe('RECEIVE_ONLY');
    expect(held.holds.map((x) => x.holdId).sort()).toEqual(
      [bankRestrictionHoldId(inForce.caseId), 'other-kind:RECEIVE_ONLY'].sort(),
    );
    expect(
      await bank.debit({
        agreementNumber: agreement,
        institution: 'WECHAT_PAY',
        amountCny: '10',
        reference: `${agreement}-1`,
      }),
    ).toEqual({ refused: 'ACCOUNT_RESTRICTED' });

    const notice = await eventOf(req.applicationId, 'ACCOUNT_RESTRICTED');
    expect(notice.data).toMatchObject({
      accountNumber,
      restriction: { kind: 'BANK_REVIEW', action: 'RE_VERIFY' },
      remedy: { channel: policy.remedy.channel, materials: policy.remedy.materials },
      decisionWithinSeconds: policy.appealDecisionSeconds,
    });
    expect(JSON.stringify(notice)).not.toMatch(
      /SUSPECTED|ACCOUNT_TRADING|unrelated payers|op-alice|sup-carol/,
    );

    const lifted = await decide(accountNumber, inForce.caseId, {
      decision: 'LIFT',
      note: 'explained by the holder at a branch',
    });
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json()).toMatchObject({
      status: 'LIFTED',
      decision: { decision: 'LIFT', decidedBy: 'op-bob' },
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds.map((x) => x.holdId)).toEqual([
      'other-kind:RECEIVE_ONLY',
    ]);
    await eventOf(req.applicationId, 'RESTRICTION_LIFTED');

    const audit = await api.inject({
      method: 'GET',
      url: `/v1/audit?accountNumber=${accountNumber}`,
      headers: bearer('supervisor'),
    });
    expect(audit.json().entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'RESTRICTION_PROPOSED',
        'RESTRICTION_CONFIRMED',
        'HOLD_PLACED',
        'RESTRICTION_LIFTED',
        'HOLD_LIFTED',
      ]),
    );
  });

  it("the holder's re-verification is the appeal: run by the case, then an operator upholds it (CONTACT_BANK) and may lift it later", async () => {
    const { req, accountNumber } = await open();
    const inForce = await restrict(accountNumber);
    const { caseId } = await appeal(accountNumber, req.applicant);
    expect(await reVerificationOf(req.applicationId, caseId).result()).toMatchObject({ passed: true });
    const appealed = await caseWhen(accountNumber, (c) => c.status === 'APPEALED');
    expect(appealed.appeal).toMatchObject({ reVerificationCaseId: caseId, passed: true });
    await eventOf(req.applicationId, 'RESTRICTION_UNDER_APPEAL');
    // The holder can do nothing more in the app: another re-verification waits for the decision.
    const again = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/re-verifications`,
      headers: await sessionOf(accountNumber),
      payload: { documents: await newPhotos(h, req.applicant), intent },
    });
    expect(again.statusCode).toBe(409);
    const seen = await api.inject({
      method: 'GET',
      url: `/v1/accounts/${accountNumber}`,
      headers: await sessionOf(accountNumber),
    });
    expect(seen.json().restrictions).toEqual([
      { kind: 'BANK_REVIEW', since: expect.any(String), action: 'CONTACT_BANK' },
    ]);

    const upheld = await decide(accountNumber, inForce.caseId, {
      decision: 'UPHOLD',
      note: 'payers still unexplained',
    });
    expect(upheld.statusCode).toBe(200);
    expect(upheld.json()).toMatchObject({ status: 'UPHELD' });
    await eventOf(req.applicationId, 'RESTRICTION_UPHELD');
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');

    const lifted = await decide(accountNumber, inForce.caseId, {
      decision: 'LIFT',
      note: 'documents brought to a branch',
    });
    expect(lifted.json()).toMatchObject({ status: 'LIFTED' });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toEqual([]);
  });

  it('an appeal whose re-verification fails leaves the restriction in force, and the holder may appeal again', async () => {
    const { req, accountNumber } = await open();
    const inForce = await restrict(accountNumber);
    const first = await appeal(accountNumber, req.applicant, false);
    expect(await reVerificationOf(req.applicationId, first.caseId).result()).toMatchObject({
      passed: false,
      reasons: ['INTENT_NOT_CONFIRMED'],
    });
    await caseWhen(accountNumber, (c) => c.status === 'IN_FORCE' && c.appeal?.passed === false);
    const undecidable = await decide(accountNumber, inForce.caseId, {
      decision: 'UPHOLD',
      note: 'nothing to uphold',
    });
    expect(undecidable.statusCode).toBe(409);

    const second = await appeal(accountNumber, req.applicant);
    expect(second.caseId).not.toBe(first.caseId);
    await reVerificationOf(req.applicationId, second.caseId).result();
    await caseWhen(accountNumber, (c) => c.status === 'APPEALED');
    const lifted = await decide(accountNumber, inForce.caseId, { decision: 'LIFT', note: 'verified' });
    expect(lifted.json()).toMatchObject({ status: 'LIFTED' });
  });

  it("an appeal left undecided past the policy's time is escalated to ops, never to the app, and can still be decided", async () => {
    const { req, accountNumber } = await open();
    const inForce = await restrict(accountNumber, fast);
    const { caseId } = await appeal(accountNumber, req.applicant);
    await reVerificationOf(req.applicationId, caseId).result();
    const escalated = await caseWhen(accountNumber, (c) => c.escalated);
    expect(escalated.status).toBe('APPEALED');
    const alert = await eventOf(req.applicationId, 'OPS_RESTRICTION_APPEAL_OVERDUE', 'ops');
    expect(alert.data).toMatchObject({
      caseId: inForce.caseId,
      decisionDueAt: escalated.appeal?.decisionDueAt,
    });
    expect((await eventsOf(req.applicationId, 'app')).map((e) => e.type)).not.toContain(
      'OPS_RESTRICTION_APPEAL_OVERDUE',
    );
    const lifted = await decide(
      accountNumber,
      inForce.caseId,
      { decision: 'LIFT', note: 'late, but verified' },
      fast,
    );
    expect(lifted.json()).toMatchObject({ status: 'LIFTED', escalated: true });
  });

  it('a proposal never confirmed lapses: nothing restricted, and a new proposal may follow', async () => {
    const { accountNumber } = await open();
    const proposed = await propose(accountNumber, bearer('operator', 'op-alice'), body, fast);
    expect(proposed.statusCode).toBe(202);
    const lapsed = await caseWhen(accountNumber, (c) => c.status === 'EXPIRED');
    expect(lapsed.caseId).toBe(proposed.json().caseId);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toEqual([]);
    const late = await propose(accountNumber, bearer('supervisor'), body, fast);
    // Not a confirmation of the lapsed one: a new case, proposed.
    expect(late.statusCode).toBe(202);
    expect(late.json().caseId).not.toBe(lapsed.caseId);
  });
});
