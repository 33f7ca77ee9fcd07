/** The app half of HTTP API v1, end to end: HTTP → Temporal → worker → sandboxes. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../domain/id-number';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage, makeSelfieImage } from '../../sandbox/providers/id-card-image';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newPerson } from '../support/people';

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const post = (url: string, payload: unknown, role: 'app' | 'operator' = 'app') =>
  api.inject({ method: 'POST', url, headers: bearer(role), payload: payload as object });

/** As a named caller: test-app (OWN_APP), partner-x or partner-y (PARTNER), op-alice. */
const postAs = (id: string, url: string, payload: unknown) =>
  api.inject({
    method: 'POST',
    url,
    headers: bearer(id === 'op-alice' ? 'operator' : 'app', id),
    payload: payload as object,
  });
const getAs = (id: string, url: string) =>
  api.inject({ url, headers: bearer(id === 'op-alice' ? 'operator' : 'app', id) });

describe('the app opens an account over HTTP', () => {
  it('uploads ID photos, starts, submits the code and reads the application and the account', async () => {
    const person = newPerson('阿依古丽·买买提');
    const upload = async (marker: Parameters<typeof makeIdCardImage>[0]) => {
      const res = await api.inject({
        method: 'POST',
        url: '/v1/documents',
        headers: { ...bearer('app'), 'content-type': 'image/png' },
        payload: makeIdCardImage(marker),
      });
      expect(res.statusCode).toBe(201);
      return res.json().documentId as string;
    };
    const idFront = await upload({ side: 'FRONT', name: person.name, idNumber: person.idNumber });
    const idBack = await upload({ side: 'BACK', validUntil: 'LONG' });
    const req = await newApplication(h.documents, { person });
    const body = { ...req, documents: { idFront, idBack } };

    const started = await post('/v1/applications', body);
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ applicationId: req.applicationId, status: 'AWAITING_SMS_CODE' });

    const code = await readSmsCode(h.providersUrl, person.mobile);
    const opened = await post(`/v1/applications/${req.applicationId}/sms-code`, { code });
    expect(opened.statusCode).toBe(200);
    const { accountNumber } = opened.json();
    expect(opened.json()).toEqual({ status: 'OPENED', accountNumber, review: 'NONE' });

    const read = await api.inject({ url: `/v1/applications/${req.applicationId}`, headers: bearer('app') });
    expect(read.json()).toMatchObject({ status: 'OPENED', flowVersion: 'v3', accountNumber });
    // Watch-list screening folds into the identity step for apps; staff see all five checks.
    expect(read.json().steps.map((st: { step: string }) => st.step)).toEqual([
      'ID_DOCUMENT',
      'IDENTITY',
      'CARD_FOUR_ELEMENTS',
      'SMS_CODE',
    ]);
    const asStaff = await api.inject({
      url: `/v1/applications/${req.applicationId}`,
      headers: bearer('operator'),
    });
    expect(asStaff.json().steps).toHaveLength(5);

    const account = await api.inject({ url: `/v1/accounts/${accountNumber}`, headers: bearer('app') });
    expect(account.statusCode).toBe(200);
    expect(account.json()).toMatchObject({
      accountNumber,
      accountClass: 'II',
      status: 'ACTIVE',
      holds: [],
      limits: { dailyCny: 10000, yearlyCny: 200000 },
      boundAccount: { kind: 'DEBIT' },
    });
    expect(account.json().boundAccount.maskedNumber).not.toContain(req.boundAccount.number.slice(4, 12));
  });

  it('answers a wrong code with 422 and the tries left', async () => {
    const req = await newApplication(h.documents);
    await post('/v1/applications', req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const res = await post(`/v1/applications/${req.applicationId}/sms-code`, {
      code: code === '111111' ? '222222' : '111111',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ attemptsLeft: 2 });
  });

  it('answers a rejected application at once, with public reasons (staff read the detailed ones)', async () => {
    const req = await newApplication(h.documents, { front: { notIdCard: true } });
    const res = await post('/v1/applications', req);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'REJECTED', reasons: ['DOCUMENT_NOT_ACCEPTED'] });
    const asStaff = await api.inject({
      url: `/v1/applications/${req.applicationId}`,
      headers: bearer('operator'),
    });
    expect(asStaff.json()).toMatchObject({ status: 'REJECTED', reasons: ['ID_NOT_AN_ID_CARD'] });
  });
});

describe("channels: a partner bank's app sees only its own applications and accounts", () => {
  it('a partner starts a v2 application (its default) and alone among apps sees it and its account', async () => {
    const selfie = await api.inject({
      method: 'POST',
      url: '/v1/documents',
      headers: { ...bearer('app', 'partner-x'), 'content-type': 'image/png' },
      payload: makeSelfieImage({ face: 'PASS' }),
    });
    expect(selfie.statusCode).toBe(201);
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    const { channel: _fromToken, flowVersion: _byDefault, ...body } = req;
    const started = await postAs('partner-x', '/v1/applications', {
      ...body,
      documents: { selfie: selfie.json().documentId },
    });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({
      status: 'OPENED',
      flowVersion: 'v2',
      channel: 'PARTNER',
      partnerId: 'partner-x',
      review: 'NONE',
    });
    const { accountNumber } = started.json();

    const application = `/v1/applications/${req.applicationId}`;
    expect((await getAs('partner-x', application)).statusCode).toBe(200);
    expect((await getAs('test-app', application)).statusCode).toBe(404);
    expect((await getAs('partner-y', application)).statusCode).toBe(404);
    expect((await getAs('test-app', `${application}/events`)).statusCode).toBe(404);
    expect((await getAs('op-alice', application)).json()).toMatchObject({ channel: 'PARTNER' });

    const account = `/v1/accounts/${accountNumber}`;
    expect((await getAs('partner-x', account)).statusCode).toBe(200);
    expect((await getAs('test-app', account)).statusCode).toBe(404);
    expect((await getAs('partner-y', account)).statusCode).toBe(404);
    expect((await getAs('op-alice', account)).statusCode).toBe(200);
  });

  it("the own app's application and account are not a partner's to see or act on", async () => {
    const req = await newApplication(h.documents);
    expect((await postAs('test-app', '/v1/applications', req)).statusCode).toBe(200);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const url = `/v1/applications/${req.applicationId}`;
    expect((await postAs('partner-x', `${url}/sms-code`, { code })).statusCode).toBe(404);
    const opened = await postAs('test-app', `${url}/sms-code`, { code });
    expect(opened.json()).toMatchObject({ status: 'OPENED' });
    expect((await getAs('partner-x', url)).statusCode).toBe(404);
    expect((await getAs('partner-x', `/v1/accounts/${opened.json().accountNumber}`)).statusCode).toBe(404);
    expect((await getAs('op-alice', `/v1/accounts/${opened.json().accountNumber}`)).statusCode).toBe(200);
  });

  it('a body channel that contradicts the token is a 403, and nothing starts', async () => {
    const own = await newApplication(h.documents);
    const asPartner = await postAs('test-app', '/v1/applications', { ...own, channel: 'PARTNER' });
    expect(asPartner.statusCode).toBe(403);
    expect(asPartner.json().detail).toContain('channel');
    const partner = await newFlowApplication(h.documents, 'v1');
    const asOwn = await postAs('partner-x', '/v1/applications', { ...partner, channel: 'OWN_APP' });
    expect(asOwn.statusCode).toBe(403);
    for (const id of [own.applicationId, partner.applicationId]) {
      const handle = h.client.workflow.getHandle(onboardingWorkflowId(id));
      await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });

  it('what a flow needs is named when missing; a version the channel does not offer too', async () => {
    const v2 = await newFlowApplication(h.documents, 'v2');
    const noSelfie = await postAs('partner-x', '/v1/applications', { ...v2, documents: {} });
    expect(noSelfie.statusCode).toBe(400);
    expect(noSelfie.json().errors.map((e: { field: string }) => e.field)).toContain('body.documents.selfie');

    const v1 = await newFlowApplication(h.documents, 'v1');
    const { mobile: _none, ...applicant } = v1.applicant;
    const noMobile = await postAs('partner-x', '/v1/applications', { ...v1, applicant });
    expect(noMobile.statusCode).toBe(400);
    expect(noMobile.json().errors.map((e: { field: string }) => e.field)).toContain('body.applicant.mobile');

    const { channel: _c, ...ownV1 } = await newFlowApplication(h.documents, 'v1');
    const notOffered = await postAs('test-app', '/v1/applications', ownV1);
    expect(notOffered.statusCode).toBe(400);
    expect(notOffered.json().errors[0].field).toBe('body.flowVersion');
  });
});

describe('bad input changes nothing', () => {
  const cases: [string, (r: Record<string, unknown>) => void, string][] = [
    [
      'a wrong ID check character',
      (r) => mutate(r, 'applicant', 'idNumber', flipLast),
      'body.applicant.idNumber',
    ],
    [
      '30 February',
      (r) => mutate(r, 'applicant', 'idNumber', () => withBirth('20000230')),
      'body.applicant.idNumber',
    ],
    [
      'a future birth date',
      (r) => mutate(r, 'applicant', 'idNumber', () => withBirth('20991231')),
      'body.applicant.idNumber',
    ],
    [
      'a 10-digit mobile',
      (r) => mutate(r, 'applicant', 'mobile', () => '1381234567'),
      'body.applicant.mobile',
    ],
    [
      'a 12-digit card',
      (r) => mutate(r, 'boundAccount', 'number', () => '622202123456'),
      'body.boundAccount.number',
    ],
    ['an unknown field', (r) => Object.assign(r, { referrer: 'x' }), 'body'],
    [
      'a missing ID back photo',
      (r) => mutate(r, 'documents', 'idBack', () => undefined),
      'body.documents.idBack',
    ],
  ];

  it.each(cases)('%s is a 400 naming the field, and no workflow starts', async (_label, change, field) => {
    const req = (await newApplication(h.documents)) as unknown as Record<string, unknown>;
    change(req);
    const res = await post('/v1/applications', req);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.detail).toMatch(/\S/);
    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId as string));
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('a document id that was never uploaded is a 400', async () => {
    const req = await newApplication(h.documents);
    const res = await post('/v1/applications', {
      ...req,
      documents: { ...req.documents, idBack: 'a'.repeat(64) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.documents.idBack');
  });

  it('an upload that is not an image is a 415', async () => {
    const res = await api.inject({
      method: 'POST',
      url: '/v1/documents',
      headers: { ...bearer('app'), 'content-type': 'image/png' },
      payload: Buffer.from('not a png at all'),
    });
    expect(res.statusCode).toBe(415);
  });
});

describe('tokens', () => {
  it('refuses a call without a token (401) and an operator starting an application (403)', async () => {
    const req = await newApplication(h.documents);
    const none = await api.inject({ method: 'POST', url: '/v1/applications', payload: req });
    expect(none.statusCode).toBe(401);
    const operator = await post('/v1/applications', req, 'operator');
    expect(operator.statusCode).toBe(403);
    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId));
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

function mutate(
  r: Record<string, unknown>,
  part: string,
  field: string,
  f: (v: string) => string | undefined,
) {
  const obj = r[part] as Record<string, unknown>;
  const next = f(obj[field] as string);
  if (next === undefined) delete obj[field];
  else obj[field] = next;
}

function flipLast(id: string): string {
  const last = id.at(-1);
  return id.slice(0, -1) + (last === '0' ? '1' : '0');
}

/** A number with the given birth date and a correct check character, so only the date is wrong. */
const withBirth = (yyyymmdd: string): string => makeIdNumber('110105', yyyymmdd, '123');

describe('authentication comes first', () => {
  it('a request without a token is a 401 even when its body is also wrong or too large', async () => {
    const bad = await api.inject({
      method: 'POST',
      url: '/v1/applications',
      payload: { applicationId: 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    const huge = await api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(100_000) }),
    });
    expect(huge.statusCode).toBe(401);
    const operator = await api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('operator'),
      payload: { applicationId: 'nope' },
    });
    expect(operator.statusCode).toBe(403);
  });
});
