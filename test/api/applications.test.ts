/** The app half of HTTP API v1, end to end: HTTP → Temporal → worker → sandboxes. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../domain/id-number';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
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
    expect(read.json().steps).toHaveLength(5);

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

  it('answers a rejected application at once, with reasons', async () => {
    const req = await newApplication(h.documents, { front: { notIdCard: true } });
    const res = await post('/v1/applications', req);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'REJECTED', reasons: ['ID_NOT_AN_ID_CARD'] });
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
