/**
 * Issue 11, items 1, 6 and 11 on the real dev server: a refusal for good injected through the
 * sandboxes' fault knobs (`PUT /sandbox/faults {"refuse": [...]}`), a missing document, a broken
 * contract and an exhausted deadline each end the application as FAILED, a terminal state with
 * its webhook, never a failed workflow or one that waits for ever. Each case checks core banking
 * (accounts, status, holds), the API's answers (the app's coarse reasons, the staff's detailed
 * ones), the app's webhook and the ops alert. The file has sandboxes of its own: its refusals
 * must not reach the files running beside it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Applications } from '../../api/services/applications';
import { defaultPolicy, type Policy } from '../../domain/application';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { failedApplicationHoldId } from '../../workflows/onboarding/onboarding';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newCard } from '../support/people';
import { accountsOf, type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    { smsCodeWaitSeconds: 30, restrictionGiveUpSeconds: 5 },
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
});
afterEach(async () => {
  await refuse(sandboxes.providersUrl, []);
  await refuse(sandboxes.coreBankingUrl, []);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

const partner = { partnerId: 'partner-x' };
const result = (applicationId: string) =>
  h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).result();

/** The start through the API, as the bank's app sends it. */
async function startByApi(req: object) {
  const res = await api.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: bearer('app'),
    payload: req,
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function submitByApi(applicationId: string, code: string) {
  const res = await api.inject({
    method: 'POST',
    url: `/v1/applications/${applicationId}/sms-code`,
    headers: bearer('app'),
    payload: { code },
  });
  return res;
}

/** GET /v1/applications/{id} as the app (coarse) and as an operator (detailed). */
async function views(applicationId: string, app: ReturnType<typeof bearer> = bearer('app')) {
  const read = async (headers: ReturnType<typeof bearer>) =>
    (await api.inject({ url: `/v1/applications/${applicationId}`, headers })).json();
  return { app: await read(app), staff: await read(bearer('operator')) };
}

/** The app's webhook and the ops alert of a FAILED application, once its workflow has finished. */
async function failureEvents(applicationId: string) {
  const events = await receivedEvents(h.providersUrl, applicationId);
  const app = events.find((e) => e.type === 'APPLICATION_FAILED');
  const ops = events.find((e) => e.type === 'OPS_APPLICATION_FAILED');
  const loud = events.find((e) => e.type === 'OPS_ACCOUNT_NOT_RESTRICTED');
  return { events, app, ops, loud };
}

describe('item 1: open, then a bind refused for good', () => {
  it('restricts the account at once, alerts ops, and ends FAILED with a webhook', async () => {
    await refuse(sandboxes.coreBankingUrl, ['bind']);
    const req = await newApplication(h.documents);
    expect((await startByApi(req)).status).toBe('AWAITING_SMS_CODE');
    const res = await submitByApi(req.applicationId, await readSmsCode(h.providersUrl, req.applicant.mobile));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'FAILED', reasons: ['NOT_COMPLETED'] });
    const final = await result(req.applicationId);

    // Core banking: one account, never bound, frozen by the application's own hold.
    const [account, ...others] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(others).toEqual([]);
    expect(account).toMatchObject({
      status: 'FROZEN',
      binding: null,
      holds: [
        {
          holdId: failedApplicationHoldId(req.applicationId),
          type: 'FROZEN',
          reason: 'APPLICATION_FAILED',
        },
      ],
    });

    // The API: the app hears FAILED with a coarse reason and no account; staff see it all.
    const { app, staff } = await views(req.applicationId);
    expect(app).toMatchObject({ status: 'FAILED', reasons: ['NOT_COMPLETED'], failedStep: 'BIND_ACCOUNT' });
    expect(app.accountNumber).toBeUndefined();
    expect(staff).toMatchObject({
      status: 'FAILED',
      reasons: ['ACCOUNT_BINDING_REFUSED'],
      failedStep: 'BIND_ACCOUNT',
      accountNumber: account!.accountNumber,
      review: 'NONE',
    });
    expect(final).toMatchObject({ status: 'FAILED', reasons: ['ACCOUNT_BINDING_REFUSED'] });

    // The app's webhook and ops' alert.
    const events = await failureEvents(req.applicationId);
    expect(events.app).toMatchObject({
      inbox: 'bank',
      deliveries: 1,
      data: { reasons: ['NOT_COMPLETED'], failedStep: 'BIND_ACCOUNT' },
    });
    expect(events.ops?.data).toMatchObject({
      reasons: ['ACCOUNT_BINDING_REFUSED'],
      failedStep: 'BIND_ACCOUNT',
      accountOpened: 'YES',
      accountNumber: account!.accountNumber,
      restriction: 'PLACED',
      hold: 'FROZEN',
    });
    expect(events.loud).toBeUndefined();
    expect(events.events.map((e) => e.type)).not.toContain('ACCOUNT_OPENED');
    // The app's delivery log holds its own events, not ops' alerts.
    expect(app.deliveries.map((d: { type: string }) => d.type)).toEqual(['APPLICATION_FAILED']);
  });

  it('starts the review that is due before the bind, so the doubt keeps its owner', async () => {
    await refuse(sandboxes.coreBankingUrl, ['bind']);
    const req = await newApplication(h.documents, { front: { quality: ['BLURRED'] } });
    await h.applications.start(req);
    const answer = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(answer).toEqual({ status: 'FAILED', reasons: ['ACCOUNT_BINDING_REFUSED'] });
    await result(req.applicationId);
    const [account] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(account).toMatchObject({ status: 'FROZEN', binding: null });
    const review = await h.client.workflow.getHandle(reviewWorkflowId(req.applicationId)).describe();
    expect(review.status.name).toBe('RUNNING');
    expect((await h.reviews.get(reviewWorkflowId(req.applicationId))).accountNumber).toBe(
      account!.accountNumber,
    );
    expect((await failureEvents(req.applicationId)).ops?.data).toMatchObject({
      restriction: 'PLACED',
      review: 'PENDING',
    });
  });

  it('alerts ops loudly when even the hold is refused, and still ends FAILED', async () => {
    await refuse(sandboxes.coreBankingUrl, ['bind', 'hold']);
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const answer = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(answer).toMatchObject({ status: 'FAILED' });
    await result(req.applicationId);
    const [account] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(account).toMatchObject({ status: 'ACTIVE', binding: null, holds: [] });
    const events = await failureEvents(req.applicationId);
    expect(events.ops?.data).toMatchObject({ restriction: 'FAILED', hold: 'NONE' });
    expect(events.loud?.data).toMatchObject({
      severity: 'CRITICAL',
      accountNumber: account!.accountNumber,
      wanted: 'FROZEN',
      holdId: failedApplicationHoldId(req.applicationId),
    });
    expect(events.app?.data).toMatchObject({ reasons: ['NOT_COMPLETED'] });
  });

  it('an open refused for good: FAILED, no account, ops told nothing was opened', async () => {
    await refuse(sandboxes.coreBankingUrl, ['open']);
    const req = await newApplication(h.documents);
    await startByApi(req);
    const res = await submitByApi(req.applicationId, await readSmsCode(h.providersUrl, req.applicant.mobile));
    expect(res.json()).toEqual({ status: 'FAILED', reasons: ['NOT_COMPLETED'] });
    await result(req.applicationId);
    expect(await accountsOf(h.coreBankingUrl, req.applicationId)).toEqual([]);
    const { staff } = await views(req.applicationId);
    expect(staff).toMatchObject({ reasons: ['ACCOUNT_OPENING_REFUSED'], failedStep: 'OPEN_ACCOUNT' });
    expect(staff.accountNumber).toBeUndefined();
    expect((await failureEvents(req.applicationId)).ops?.data).toMatchObject({
      reasons: ['ACCOUNT_OPENING_REFUSED'],
      accountOpened: 'NO',
    });
  });
});

describe('item 6 and 11: what cannot finish ends FAILED', () => {
  // Each vendor the knobs can refuse, and the step the application then fails at.
  const checks = [
    { knob: 'ocr', step: 'ID_DOCUMENT', shown: 'ID_DOCUMENT' },
    { knob: 'identity', step: 'IDENTITY', shown: 'IDENTITY' },
    // Screening is the bank's own business: the app sees it folded into the identity step.
    { knob: 'watchlist', step: 'WATCHLIST', shown: 'IDENTITY' },
    { knob: 'unionpay', step: 'CARD_FOUR_ELEMENTS', shown: 'CARD_FOUR_ELEMENTS' },
  ] as const;

  for (const { knob, step, shown } of checks) {
    it(`a ${knob} refusal for good ends the start FAILED at ${step}`, async () => {
      await refuse(sandboxes.providersUrl, [knob]);
      const req = await newApplication(h.documents);
      const started = await startByApi(req);
      expect(started).toMatchObject({ status: 'FAILED', reasons: ['NOT_COMPLETED'], failedStep: shown });
      expect(started.accountNumber).toBeUndefined();
      const final = await result(req.applicationId);
      expect(final).toMatchObject({ status: 'FAILED', reasons: ['PROVIDER_REFUSED'], failedStep: step });
      expect(await accountsOf(h.coreBankingUrl, req.applicationId)).toEqual([]);
      const events = await failureEvents(req.applicationId);
      expect(events.app?.data).toMatchObject({ reasons: ['NOT_COMPLETED'] });
      expect(events.ops?.data).toMatchObject({
        reasons: ['PROVIDER_REFUSED'],
        failedStep: step,
        accountOpened: 'NO',
      });
    });
  }

  it('a face refusal for good ends a v2 start FAILED at FACE (the partner is told)', async () => {
    await refuse(sandboxes.providersUrl, ['face']);
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'FAILED', reasons: ['PROVIDER_REFUSED'], failedStep: 'FACE' });
    await result(req.applicationId);
    const { app } = await views(req.applicationId, bearer('app', 'partner-x'));
    expect(app).toMatchObject({ status: 'FAILED', reasons: ['NOT_COMPLETED'] });
    const events = await failureEvents(req.applicationId);
    expect(events.app).toMatchObject({ inbox: 'partner-x', data: { reasons: ['NOT_COMPLETED'] } });
    expect(events.ops).toMatchObject({ inbox: 'bank', data: { partnerId: 'partner-x', failedStep: 'FACE' } });
  });

  it('an SMS-code refusal for good ends FAILED at SMS_CODE', async () => {
    const req = await newApplication(h.documents);
    await startByApi(req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    await refuse(sandboxes.providersUrl, ['sms']);
    const res = await submitByApi(req.applicationId, code);
    expect(res.json()).toEqual({ status: 'FAILED', reasons: ['NOT_COMPLETED'] });
    expect(await result(req.applicationId)).toMatchObject({
      status: 'FAILED',
      reasons: ['PROVIDER_REFUSED'],
      failedStep: 'SMS_CODE',
    });
    expect(await accountsOf(h.coreBankingUrl, req.applicationId)).toEqual([]);
    expect((await failureEvents(req.applicationId)).ops?.data).toMatchObject({ failedStep: 'SMS_CODE' });
  });

  it('a rejection is an answer and wins over a refusal in the same checks', async () => {
    await refuse(sandboxes.providersUrl, ['ocr']);
    const req = await newApplication(h.documents, { card: newCard('0004') });
    const view = await h.applications.start(req);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: ['CARD_REPORTED_LOST'] });
  });

  it('a missing document ends FAILED (DOCUMENT_MISSING), not a check retried for ever', async () => {
    const req = await newApplication(h.documents);
    // Ids of documents the store does not hold (an upload that expired, or was shredded).
    const gone = { idFront: randomBytes(32).toString('hex'), idBack: randomBytes(32).toString('hex') };
    const view = await h.applications.start({ ...req, documents: gone });
    expect(view).toMatchObject({
      status: 'FAILED',
      reasons: ['DOCUMENT_MISSING'],
      failedStep: 'ID_DOCUMENT',
    });
    await result(req.applicationId);
    const { app } = await views(req.applicationId);
    expect(app).toMatchObject({ status: 'FAILED', reasons: ['DOCUMENT_NOT_ACCEPTED'] });
    const events = await failureEvents(req.applicationId);
    expect(events.app?.data).toMatchObject({ reasons: ['DOCUMENT_NOT_ACCEPTED'] });
    expect(events.ops?.data).toMatchObject({ reasons: ['DOCUMENT_MISSING'] });
  });

  describe('the business deadline', () => {
    /** The same worker and task queue, under a short deadline. */
    const shortDeadline = (overrides: Partial<Policy>) =>
      new Applications({
        client: h.client,
        taskQueue: h.taskQueue,
        policy: { ...defaultPolicy, applicationDeadlineSeconds: 3, ...overrides },
      });

    it('ends a check that never answers (a vendor busy for good) FAILED when it passes', async () => {
      const req = await newApplication(h.documents, { card: newCard('0009') });
      const applications = shortDeadline({});
      const view = await applications.start(req);
      expect(view.status).toBe('FAILED');
      expect(view).toMatchObject({ reasons: ['DEADLINE_EXCEEDED'], failedStep: 'CARD_FOUR_ELEMENTS' });
      await result(req.applicationId);
      expect(await accountsOf(h.coreBankingUrl, req.applicationId)).toEqual([]);
      expect((await failureEvents(req.applicationId)).app?.data).toMatchObject({
        reasons: ['NOT_COMPLETED'],
      });
    });

    it('ends the wait for a code FAILED when the deadline comes before the code expires', async () => {
      const req = await newApplication(h.documents);
      const applications = shortDeadline({ smsCodeWaitSeconds: 120 });
      expect((await applications.start(req)).status).toBe('AWAITING_SMS_CODE');
      const final = await result(req.applicationId);
      expect(final).toMatchObject({
        status: 'FAILED',
        reasons: ['DEADLINE_EXCEEDED'],
        failedStep: 'SMS_CODE',
      });
      expect((await failureEvents(req.applicationId)).ops?.data).toMatchObject({ failedStep: 'SMS_CODE' });
    });
  });
});

describe('item 6: a broken contract ends FAILED', () => {
  let broken: OwnSandboxes;
  let b: Harness;
  beforeAll(async () => {
    // An identity register that answers what its contract does not allow.
    broken = await startOwnSandboxes({
      beforeListen: ({ providers }) =>
        providers.addHook('onRequest', async (request, reply) => {
          if (request.url.startsWith('/identity/')) return reply.send({ result: 'PERHAPS' });
        }),
    });
    b = await startHarness({}, { providersUrl: broken.providersUrl, coreBankingUrl: broken.coreBankingUrl });
  });
  afterAll(async () => {
    await b?.stop();
    await broken?.close();
  });

  it('at once, without retrying, with PROVIDER_CONTRACT_ERROR for staff', async () => {
    const req = await newApplication(b.documents);
    const view = await b.applications.start(req);
    expect(view).toMatchObject({
      status: 'FAILED',
      reasons: ['PROVIDER_CONTRACT_ERROR'],
      failedStep: 'IDENTITY',
    });
    await b.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    const events = await receivedEvents(b.providersUrl, req.applicationId);
    expect(events.find((e) => e.type === 'APPLICATION_FAILED')?.data).toMatchObject({
      reasons: ['NOT_COMPLETED'],
    });
    expect(events.find((e) => e.type === 'OPS_APPLICATION_FAILED')?.data).toMatchObject({
      reasons: ['PROVIDER_CONTRACT_ERROR'],
    });
  });
});
