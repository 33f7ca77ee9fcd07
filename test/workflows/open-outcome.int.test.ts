/**
 * Issue 20, "open timeout", on the real dev server: an opening whose answer never comes is
 * settled by reading core banking by the application's reference (the account found is frozen,
 * none found means nothing was opened), and a doubt that restricts has its receive-only hold in
 * place before OPENED is answered. The file's own core-banking sandbox gets hooks that lose or
 * drop openings, slow holds down or refuse a doubt's hold; they must not reach the files beside it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Applications } from '../../api/services/applications';
import { defaultPolicy } from '../../domain/application';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { REFUSED_ANSWER } from '../../sandbox/faults';
import { failedApplicationHoldId } from '../../workflows/onboarding/onboarding';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newPerson } from '../support/people';
import { accountsOf, type OwnSandboxes, receivedEvents, startOwnSandboxes } from './own-sandboxes';

/** What the core-banking sandbox does to this file's requests (reset after each test). */
const hooks = { loseOpenAnswers: false, dropOpens: false, holdDelayMs: 0, refuseDoubtHolds: false };
const UNAVAILABLE = { error: 'UNAVAILABLE', message: 'core banking is unavailable (test hook)' };
const isOpen = (method: string, url: string) =>
  method === 'POST' && url.split('?')[0] === '/core/v1/accounts';

let sandboxes: OwnSandboxes;
let h: Harness;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes({
    beforeListen: ({ coreBanking }) => {
      coreBanking.addHook('onRequest', async (request, reply) => {
        // Never reaches core banking: nothing is opened.
        if (hooks.dropOpens && isOpen(request.method, request.url))
          return reply.status(503).send(UNAVAILABLE);
        if (hooks.holdDelayMs > 0 && request.method === 'POST' && request.url.includes('/holds')) {
          await sleep(hooks.holdDelayMs);
        }
      });
      // Core banking refuses a doubt's hold for good, and places any other.
      coreBanking.addHook('preHandler', async (request, reply) => {
        const holdId = (request.body as { holdId?: unknown } | undefined)?.holdId;
        if (hooks.refuseDoubtHolds && typeof holdId === 'string' && holdId.includes(':doubt:')) {
          return reply.status(REFUSED_ANSWER.status).send(REFUSED_ANSWER.body);
        }
      });
      // Core banking opens the account, and its answer is lost on the way back.
      coreBanking.addHook('onSend', async (request, reply, payload) => {
        if (!hooks.loseOpenAnswers || !isOpen(request.method, request.url)) return payload;
        reply.status(503);
        return JSON.stringify(UNAVAILABLE);
      });
    },
  });
  h = await startHarness(
    { restrictionGiveUpSeconds: 5 },
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
});
afterEach(async () => {
  Object.assign(hooks, { loseOpenAnswers: false, dropOpens: false, holdDelayMs: 0, refuseDoubtHolds: false });
});
afterAll(async () => {
  await h?.stop();
  await sandboxes?.close();
});

const partner = { partnerId: 'partner-x' };
const result = (applicationId: string) =>
  h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).result();

/** The same worker, under a deadline short enough for core banking to stay silent until it passes. */
const shortDeadline = () =>
  new Applications({
    client: h.client,
    taskQueue: h.taskQueue,
    policy: { ...defaultPolicy, applicationDeadlineSeconds: 5, restrictionGiveUpSeconds: 5 },
  });

async function opsAlerts(applicationId: string) {
  const events = await receivedEvents(h.providersUrl, applicationId);
  return {
    types: events.map((e) => e.type),
    failed: events.find((e) => e.type === 'OPS_APPLICATION_FAILED'),
    loud: events.find((e) => e.type === 'OPS_ACCOUNT_NOT_RESTRICTED'),
  };
}

describe('an opening whose outcome is unknown', () => {
  it('finds the account core banking opened by the reference and freezes it, a doubt included', async () => {
    hooks.loseOpenAnswers = true;
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true, face: 'BORDERLINE' });
    await shortDeadline().start(req, partner);
    const final = await result(req.applicationId);

    const [account, ...others] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(others).toEqual([]);
    expect(account).toMatchObject({
      status: 'FROZEN',
      binding: null,
      holds: [
        { holdId: failedApplicationHoldId(req.applicationId), type: 'FROZEN', reason: 'APPLICATION_FAILED' },
      ],
    });
    expect(final).toMatchObject({
      status: 'FAILED',
      failedStep: 'OPEN_ACCOUNT',
      reasons: ['DEADLINE_EXCEEDED'],
      accountNumber: account!.accountNumber,
      review: 'NONE',
    });
    const ops = await opsAlerts(req.applicationId);
    expect(ops.failed?.data).toMatchObject({
      failedStep: 'OPEN_ACCOUNT',
      accountOpened: 'YES',
      accountNumber: account!.accountNumber,
      restriction: 'PLACED',
      hold: 'FROZEN',
      review: 'NONE',
    });
    expect(ops.loud).toBeUndefined();
    expect(ops.types).not.toContain('ACCOUNT_OPENED');
  });

  it('ends FAILED with accountOpened NO when core banking holds no account under the reference', async () => {
    hooks.dropOpens = true;
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    await shortDeadline().start(req, partner);
    const final = await result(req.applicationId);

    expect(await accountsOf(h.coreBankingUrl, req.applicationId)).toEqual([]);
    expect(final).toMatchObject({
      status: 'FAILED',
      failedStep: 'OPEN_ACCOUNT',
      reasons: ['DEADLINE_EXCEEDED'],
    });
    expect(final.accountNumber).toBeUndefined();
    expect((await opsAlerts(req.applicationId)).failed?.data).toMatchObject({
      failedStep: 'OPEN_ACCOUNT',
      accountOpened: 'NO',
    });
  });
});

describe('an opening with a doubt that restricts', () => {
  it("answers OPENED only once the account is receive-only under the review's own hold", async () => {
    // Holds take a while to land: an OPENED answered before its hold would find the account ACTIVE.
    hooks.holdDelayMs = 3000;
    const req = await newApplication(h.documents, { person: newPerson('周疑似') });
    await h.applications.start(req);
    const answer = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(answer).toMatchObject({ status: 'OPENED', review: 'PENDING' });

    const [account] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(account).toMatchObject({
      status: 'RECEIVE_ONLY',
      holds: [
        {
          holdId: `${reviewWorkflowId(req.applicationId)}:doubt:RECEIVE_ONLY`,
          type: 'RECEIVE_ONLY',
          reason: 'WATCHLIST_POSSIBLE_MATCH',
        },
      ],
    });
  });

  it('fails the application and freezes the account when core banking refuses the hold', async () => {
    hooks.refuseDoubtHolds = true;
    const req = await newApplication(h.documents, { person: newPerson('周疑似') });
    await h.applications.start(req);
    const answer = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(answer).toEqual({ status: 'FAILED', reasons: ['ACCOUNT_OPENING_REFUSED'] });
    const final = await result(req.applicationId);
    expect(final).toMatchObject({ failedStep: 'OPEN_ACCOUNT', review: 'PENDING' });

    const [account] = await accountsOf(h.coreBankingUrl, req.applicationId);
    expect(account).toMatchObject({
      status: 'FROZEN',
      binding: null,
      holds: [{ holdId: failedApplicationHoldId(req.applicationId), type: 'FROZEN' }],
    });
    const ops = await opsAlerts(req.applicationId);
    expect(ops.failed?.data).toMatchObject({
      accountOpened: 'YES',
      accountNumber: account!.accountNumber,
      restriction: 'PLACED',
      review: 'PENDING',
    });
    expect(ops.types).not.toContain('ACCOUNT_OPENED');
  });
});
