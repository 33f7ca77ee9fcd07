/**
 * The SDK client against the real API on a real worker. The API's deadline for a start's first
 * answer is 1 ms here instead of 20 s, so a v2 start, which opens the account with two core
 * banking activities after its checks, answers 202 OPENING: startApplication re-sends it until
 * the application is decided, gives up with StillCheckingError past its limit, stops when its
 * signal aborts, retries transient failures and throws refusals at once. Then the delivery log
 * and the typed errors.
 *
 * (A v3 start does not answer 202 here: its checks are local activities inside the workflow
 * task that accepts the start's update, so its first answer is ready when the API's deadline
 * starts counting, unless the checks outlast that task's heartbeat, about 8 s.)
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applications } from '../../api/services/applications';
import { defaultPolicy } from '../../domain/policy-defaults';
import { makeIdCardImage, makeSelfieImage } from '../../sandbox/providers/id-card-image';
import {
  ApiClient,
  ApiError,
  type StartApplicationInput,
  StillCheckingError,
  UNKNOWN_PROBLEM_TYPE,
} from '../../sdk/index';
import { listenApi, tokenOf } from '../cli/http-api';
import {
  type Harness,
  OWN_APP_TENANT,
  PARTNER_X_TENANT,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { eventually, openWithReview } from '../support/review';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';

/** The API's deadline for a start's first answer, instead of 20 s. */
const FIRST_ANSWER_WAIT_MS = 1;

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  // This file's core banking is busy at each binding's first try: the start's answer waits on the
  // retry's timer, a workflow task later, so it outlasts the API's deadline.
  const bindsSeen = new Set<string>();
  sandboxes = await startOwnSandboxes({
    beforeListen: ({ coreBanking }) =>
      coreBanking.addHook('onRequest', async (req, reply) => {
        const key = String(req.headers['idempotency-key'] ?? '');
        if (req.method !== 'POST' || !req.url.split('?')[0]!.endsWith('/binding') || bindsSeen.has(key))
          return;
        bindsSeen.add(key);
        return reply.code(503).send({ error: 'UNAVAILABLE' });
      }),
  });
  h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  const applications = new Applications({
    client: h.client,
    taskQueue: h.taskQueue,
    policy: defaultPolicy,
    firstAnswerWaitMs: FIRST_ANSWER_WAIT_MS,
  });
  ({ api, url } = await listenApi({ ...h, applications }));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

interface Sent {
  method: string;
  url: string;
  body: string | undefined;
  status: number | 'network error';
}

/** A client whose every request and answer status is recorded; `fail` can replace an answer. */
function recordingClient(
  fail?: (n: number) => Response | Error | undefined,
  caller: 'test-app' | 'partner-x' = 'test-app',
) {
  const sent: Sent[] = [];
  const client = new ApiClient({
    baseUrl: url,
    token: tokenOf(caller),
    start: { retryDelayMs: 50 },
    fetch: async (input, init) => {
      const entry: Sent = {
        method: init?.method ?? 'GET',
        url: String(input),
        body: typeof init?.body === 'string' ? init.body : undefined,
        status: 'network error',
      };
      sent.push(entry);
      const replaced = fail?.(sent.length);
      if (replaced instanceof Error) throw replaced;
      const res = replaced ?? (await fetch(input, init));
      entry.status = res.status;
      return res;
    },
  });
  return { client, sent };
}

/**
 * A request of the bank's own app in its default flow, v4: ID photos, the purpose and the
 * declaration, a device of its own; answered when the code is on its way.
 */
async function request(): Promise<StartApplicationInput & { applicant: { mobile: string } }> {
  const person = newPerson();
  return {
    applicationId: randomUUID(),
    intent: { purpose: 'PAYMENTS', declaresNoRentOrSale: true },
    device: {
      deviceId: `sdk-test-${randomUUID()}`,
      platform: 'ANDROID',
      ip: '2001:db8::7',
      appVersion: '3.1.4',
    },
    applicant: person,
    boundAccount: { number: newCard(), kind: 'DEBIT' },
    documents: {
      idFront: await h.documents.put(
        makeIdCardImage({ side: 'FRONT', name: person.name, idNumber: person.idNumber }),
        OWN_APP_TENANT,
      ),
      idBack: await h.documents.put(makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }), OWN_APP_TENANT),
    },
  };
}

/** A v2 request (a partner's app): a selfie and no code; answered when decided. */
async function partnerRequest(): Promise<StartApplicationInput> {
  const { name, idNumber } = newPerson();
  return {
    applicationId: randomUUID(),
    applicant: { name, idNumber },
    boundAccount: { number: newCard(), kind: 'DEBIT' },
    documents: { selfie: await h.documents.put(makeSelfieImage({ face: 'PASS' }), PARTNER_X_TENANT) },
  };
}

describe('a start that outlasts the API deadline (202)', () => {
  it('is re-sent, the same request each time, until the application is decided', async () => {
    const req = await partnerRequest();
    const { client, sent } = recordingClient(undefined, 'partner-x');
    const started = await client.startApplication(req);
    expect(started).toMatchObject({ applicationId: req.applicationId, flowVersion: 'v2', status: 'OPENED' });
    expect(started.accountNumber).toMatch(/^6230\d{15}$/);

    expect(sent[0]!.status).toBe(202);
    expect(sent.at(-1)!.status).toBe(200);
    expect(sent.slice(0, -1).every((s) => s.status === 202)).toBe(true);
    expect(new Set(sent.map((s) => `${s.method} ${s.url} ${s.body}`)).size).toBe(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${url}/v1/applications` });
    // One application all along.
    expect(await client.getApplication(req.applicationId)).toMatchObject({
      status: 'OPENED',
      accountNumber: started.accountNumber,
    });
  });

  it('gives up after maxWaitMs with StillCheckingError carrying the last answer', async () => {
    const req = await partnerRequest();
    const { client, sent } = recordingClient(undefined, 'partner-x');
    const err = await client.startApplication(req, { maxWaitMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StillCheckingError);
    const still = err as StillCheckingError;
    expect(still.applicationId).toBe(req.applicationId);
    expect(still.application).toMatchObject({ applicationId: req.applicationId, status: 'OPENING' });
    expect(sent.map((s) => s.status)).toEqual([202]);
    // The application goes on: the same start later answers its outcome.
    const later = await eventually(
      () => client.getApplication(req.applicationId),
      (v) => v.status === 'OPENED',
    );
    expect(later.status).toBe('OPENED');
    expect(await client.startApplication(req)).toMatchObject({
      status: 'OPENED',
      accountNumber: later.accountNumber,
    });
  });

  it('stops waiting when its signal aborts', async () => {
    const req = await partnerRequest();
    const controller = new AbortController();
    const { client, sent } = recordingClient((n) => {
      if (n === 2) controller.abort(new Error('the customer left the screen'));
      return undefined;
    }, 'partner-x');
    // Aborted as the second request goes out: that request stops, and nothing more is sent.
    const err = await client
      .startApplication(req, { signal: controller.signal, retryDelayMs: 1 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'the customer left the screen' });
    expect(sent.length).toBe(2);
    expect(sent[0]!.status).toBe(202);
  });

  it('is re-sent after a network failure or a 503, and a refusal is thrown at once', async () => {
    const req = await request();
    const problem = JSON.stringify({
      type: 'urn:account-opening:problem:503',
      title: 'Unavailable',
      status: 503,
      detail: 'restarting',
    });
    const { client, sent } = recordingClient((n) =>
      n === 1
        ? new TypeError('fetch failed')
        : n === 2
          ? new Response(problem, { status: 503, headers: { 'content-type': 'application/problem+json' } })
          : undefined,
    );
    expect(await client.startApplication(req)).toMatchObject({ status: 'AWAITING_SMS_CODE' });
    expect(sent.map((s) => s.status)).toEqual(['network error', 503, ...sent.slice(2).map((s) => s.status)]);
    expect(sent.at(-1)!.status).toBe(200);

    const bad = recordingClient();
    const refusal = await bad.client
      .startApplication({ ...(await request()), documents: {} })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({
      status: 400,
      type: 'urn:account-opening:problem:400',
      field: 'body.documents.idFront',
    });
    expect(bad.sent).toHaveLength(1);
  });
});

describe('a v4 start', () => {
  it("sends the intent and the device as given; staff read the intent and the device's platform and version", async () => {
    const req = await request();
    const { client, sent } = recordingClient();
    const started = await client.startApplication(req);
    expect(started).toMatchObject({ flowVersion: 'v4', status: 'AWAITING_SMS_CODE' });
    expect(JSON.parse(sent[0]!.body!)).toMatchObject({ intent: req.intent, device: req.device });

    const staff = await new ApiClient({ baseUrl: url, token: tokenOf('op-alice') }).getApplication(
      req.applicationId,
    );
    expect(staff.intent).toEqual({ purpose: 'PAYMENTS', declaresNoRentOrSale: true });
    expect(staff.device).toEqual({ platform: 'ANDROID', appVersion: '3.1.4' });
  });

  it('without a device is a 400 naming body.device, thrown at once', async () => {
    const { device: _, ...req } = await request();
    const { client, sent } = recordingClient();
    const refusal = await client.startApplication(req).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 400, field: 'body.device' });
    expect(sent).toHaveLength(1);
  });
});

describe('the other calls', () => {
  it("reads the application's delivery log: the opened account's webhook, delivered", async () => {
    const req = await request();
    const { client } = recordingClient();
    await client.startApplication(req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const opened = await client.submitSmsCode(req.applicationId, code);
    expect(opened.status).toBe('OPENED');
    const events = await eventually(
      () => client.listEvents(req.applicationId),
      (es) => es.some((e) => e.type === 'ACCOUNT_OPENED' && e.status === 'DELIVERED'),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'ACCOUNT_OPENED', status: 'DELIVERED' }));

    // The code again, to an opened application: a 409 naming the state it is in.
    const late = await client.submitSmsCode(req.applicationId, code).catch((e: unknown) => e);
    expect(late).toMatchObject({
      status: 409,
      type: 'urn:account-opening:problem:409',
      applicationStatus: 'OPENED',
    });

    const other = new ApiClient({ baseUrl: url, token: tokenOf('partner-x') });
    expect(await other.listEvents(req.applicationId).catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });
});

describe("the supervisors' call", () => {
  it("reads an account's audit log; an app may not", async () => {
    const { accountNumber, reviewId } = await openWithReview(h);
    const alice = new ApiClient({ baseUrl: url, token: tokenOf('op-alice') });
    await alice.decide(reviewId, {
      round: 1,
      decision: 'REJECT',
      reasonCode: 'DOCUMENT_ILLEGIBLE',
      note: 'glare on the number',
    });
    const carol = new ApiClient({ baseUrl: url, token: tokenOf('sup-carol') });
    const entries = await eventually(
      () => carol.auditLog(accountNumber),
      (es) => es.some((e) => e.action === 'REJECTED'),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'REJECTED',
        actor: 'op-alice',
        round: 1,
        reason: 'DOCUMENT_ILLEGIBLE',
      }),
    );
    const app = new ApiClient({ baseUrl: url, token: tokenOf('test-app') });
    expect(await app.auditLog(accountNumber).catch((e: unknown) => e)).toMatchObject({ status: 403 });
  });
});

describe('ApiError', () => {
  it('reads Retry-After, and names no type for an answer that is not problem details', async () => {
    const { apiErrorFrom } = await import('../../sdk/errors');
    const limited = await apiErrorFrom(
      new Response(
        JSON.stringify({
          type: 'urn:account-opening:problem:429',
          title: 'Too many requests',
          status: 429,
          detail: 'this card already started 5 applications today; try again tomorrow',
        }),
        { status: 429, headers: { 'retry-after': '3600' } },
      ),
    );
    expect(limited).toMatchObject({ status: 429, retryAfterSeconds: 3600, field: undefined, errors: [] });
    const proxy = await apiErrorFrom(new Response('<html>bad gateway</html>', { status: 502 }));
    expect(proxy).toMatchObject({ status: 502, type: UNKNOWN_PROBLEM_TYPE, retryAfterSeconds: undefined });
  });
});
