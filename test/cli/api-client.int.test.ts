/** The typed client over real HTTP: the app's path to an opened account, and refusals as ApiError. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { ApiClient, ApiError } from '../../sdk/client';
import { confirmedIntent, newDevice } from '../support/flow-v4';
import { type Harness, readSmsCode, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { listenApi, tokenOf } from './http-api';

let h: Harness;
let api: FastifyInstance;
let url: string;
let app: ApiClient;
beforeAll(async () => {
  h = await startHarness();
  ({ api, url } = await listenApi(h));
  app = new ApiClient({ baseUrl: `${url}/`, token: tokenOf('test-app') });
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

/** Rejections of `call` as an ApiError, for asserting on its fields. */
async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

describe('the app opens an account through the client', () => {
  it('uploads ID photos, starts, survives a wrong code, submits the code and reads the account', async () => {
    const person = newPerson();
    const idFront = await app.uploadDocument(
      makeIdCardImage({ side: 'FRONT', name: person.name, idNumber: person.idNumber }),
      'image/png',
    );
    const idBack = await app.uploadDocument(
      makeIdCardImage({ side: 'BACK', validUntil: '2040-01-01' }),
      'image/png',
    );
    expect(idFront).toMatch(/^[0-9a-f]{64}$/);
    expect(idBack).not.toBe(idFront);

    const applicationId = randomUUID();
    const started = await app.startApplication({
      applicationId,
      applicant: person,
      boundAccount: { number: newCard(), kind: 'DEBIT' },
      documents: { idFront, idBack },
      // The own app's default flow is v4 (issue 22): the purpose, the declaration and the device.
      intent: confirmedIntent,
      device: newDevice(),
    });
    expect(started).toMatchObject({ applicationId, status: 'AWAITING_SMS_CODE', flowVersion: 'v4' });

    const code = await readSmsCode(h.providersUrl, person.mobile);
    const wrong = await app.submitSmsCode(applicationId, code === '111111' ? '222222' : '111111');
    expect(wrong).toEqual({ status: 'WRONG_CODE', attemptsLeft: 2 });

    const opened = await app.submitSmsCode(applicationId, code, `sms-${applicationId}`);
    if (opened.status !== 'OPENED') throw new Error(`not opened: ${opened.status}`);
    expect(opened.review).toBe('NONE');

    expect(await app.getApplication(applicationId)).toMatchObject({
      status: 'OPENED',
      accountNumber: opened.accountNumber,
    });
    const account = await app.getAccount(opened.accountNumber);
    expect(account).toMatchObject({
      accountNumber: opened.accountNumber,
      accountClass: 'II',
      status: 'ACTIVE',
      holds: [],
      boundAccount: { kind: 'DEBIT' },
    });
  });
});

describe('refusals are ApiErrors with what the caller can act on', () => {
  it('names the missing field of a bad start request', async () => {
    const err = await refusal(
      app.startApplication({
        applicationId: randomUUID(),
        applicant: newPerson(),
        boundAccount: { number: newCard(), kind: 'DEBIT' },
        documents: {},
      }),
    );
    expect(err).toMatchObject({
      status: 400,
      title: 'Invalid request',
      type: 'urn:account-opening:problem:400',
    });
    expect(err.field).toBe('body.documents.idFront');
    expect(err.fieldMessage('body.documents.idFront')).toBe('is required by flow v4');
    expect(err.errors.map((e) => e.field)).toContain('body.documents.idBack');
  });

  it('sends the idempotency key: a malformed one is refused by field', async () => {
    const err = await refusal(app.submitSmsCode(randomUUID(), '123456', 'short'));
    expect(err.status).toBe(400);
    expect(err.errors.map((e) => e.field)).toEqual(['headers.idempotency-key']);
  });

  it('carries 404 and 403 with their detail', async () => {
    const missing = await refusal(app.getApplication(randomUUID()));
    expect(missing.status).toBe(404);
    expect(missing.detail).not.toBe('');

    const operator = new ApiClient({ baseUrl: url, token: tokenOf('op-alice') });
    const forbidden = await refusal(operator.uploadDocument(makeIdCardImage({ side: 'BACK' }), 'image/png'));
    expect(forbidden).toMatchObject({ status: 403, title: 'Forbidden', errors: [] });

    const unknown = new ApiClient({ baseUrl: url, token: 'not-a-known-token-0123456789' });
    expect((await refusal(unknown.listReviews({ status: 'PENDING' }))).status).toBe(401);
  });

  it('turns an answer that is not problem details (a proxy page) into an ApiError by status', async () => {
    const proxy: Server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const behind = new ApiClient({
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        token: tokenOf('op-alice'),
      });
      const err = await refusal(behind.getReview('review-00000000-0000-4000-8000-000000000000'));
      expect(err).toMatchObject({ status: 502, title: 'Bad Gateway', errors: [] });
      expect(err.detail).toContain('Bad gateway');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
