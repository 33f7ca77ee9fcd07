/**
 * Issue 11, item 7 on the real dev server: the app asks for a new SMS code (POST
 * /v1/applications/{id}/sms-code/resend) after the policy's interval, a few times; the tries are
 * counted across the codes; the application waits for a code exactly as long as the code lives
 * (UnionPay's expiry), again for each new one. The file's own providers sandbox sends codes that
 * live a few seconds, and its `sms` refusal reaches no other file.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { ApiClient } from '../../sdk/client';
import { ApiError } from '../../sdk/errors';
import { bearer, startApi, tokens } from '../support/api';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

/**
 * How long the sandbox's codes live, and the policy's interval between two codes. Seconds apart
 * enough that a loaded machine (CI, 2 cores) still asks for the early code within the interval and
 * reads the first code's expiry well before the renewed one's.
 */
const CODE_TTL_SECONDS = 8;
const INTERVAL_SECONDS = 3;

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
let url: string;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes({ providers: { smsCodeTtlSeconds: CODE_TTL_SECONDS } });
  h = await startHarness(
    // A longest wait far beyond the code's lifetime: the code's lifetime is what the wait follows.
    { smsCodeWaitSeconds: 120, smsResendIntervalSeconds: INTERVAL_SECONDS, smsMaxResends: 2 },
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
  url = await api.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(() => refuse(sandboxes.providersUrl, []));
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const resend = (applicationId: string, headers: Record<string, string> = {}) =>
  api.inject({
    method: 'POST',
    url: `/v1/applications/${applicationId}/sms-code/resend`,
    headers: { ...bearer('app'), ...headers },
  });
const submit = (applicationId: string, code: string) =>
  api.inject({
    method: 'POST',
    url: `/v1/applications/${applicationId}/sms-code`,
    headers: bearer('app'),
    payload: { code },
  });
const view = async (applicationId: string) =>
  (await api.inject({ url: `/v1/applications/${applicationId}`, headers: bearer('app') })).json();
const wrongOf = (code: string) => (code === '111111' ? '222222' : '111111');

describe('asking for a new code', () => {
  it('429 with Retry-After before the interval; then new codes, tries counted across them, a 409 when none are left', async () => {
    const req = await newApplication(h.documents);
    const started = (
      await api.inject({ method: 'POST', url: '/v1/applications', headers: bearer('app'), payload: req })
    ).json();
    expect(started).toMatchObject({ status: 'AWAITING_SMS_CODE', smsAttemptsLeft: 3, smsResendsLeft: 2 });
    const first = await readSmsCode(h.providersUrl, req.applicant.mobile);

    const early = await resend(req.applicationId);
    expect(early.statusCode).toBe(429);
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(INTERVAL_SECONDS);
    expect(early.headers['content-type']).toContain('application/problem+json');

    // A wrong code before the new one: 2 tries left, and they carry over.
    expect((await submit(req.applicationId, wrongOf(first))).json()).toMatchObject({ attemptsLeft: 2 });

    await sleep(INTERVAL_SECONDS * 1000 + 100);
    const again = await resend(req.applicationId, { 'idempotency-key': `resend-${req.applicationId}` });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ resendsLeft: 1 });
    const second = await readSmsCode(h.providersUrl, req.applicant.mobile);
    // The same Idempotency-Key again answers the same and sends no third code.
    const repeated = await resend(req.applicationId, { 'idempotency-key': `resend-${req.applicationId}` });
    expect(repeated.statusCode).toBe(202);
    expect(repeated.json()).toEqual({ resendsLeft: 1 });
    expect(await readSmsCode(h.providersUrl, req.applicant.mobile)).toBe(second);
    expect(await view(req.applicationId)).toMatchObject({ smsAttemptsLeft: 2, smsResendsLeft: 1 });

    // The code sent before no longer counts, and a wrong try still costs one.
    if (second !== first) {
      expect((await submit(req.applicationId, first)).json()).toMatchObject({ attemptsLeft: 1 });
    }

    await sleep(INTERVAL_SECONDS * 1000 + 100);
    // Through the SDK this time: the app's own client.
    const client = new ApiClient({ baseUrl: url, token: tokens.find((t) => t.role === 'app')!.token });
    expect(await client.resendSmsCode(req.applicationId)).toEqual({ resendsLeft: 0 });
    const third = await readSmsCode(h.providersUrl, req.applicant.mobile);

    await sleep(INTERVAL_SECONDS * 1000 + 100);
    const none = await resend(req.applicationId);
    expect(none.statusCode).toBe(409);
    expect(none.json().detail).toMatch(/no new codes are left/);

    const opened = await submit(req.applicationId, third);
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({ status: 'OPENED' });
    // Once opened, there is no code to resend.
    const after = await resend(req.applicationId);
    expect(after.statusCode).toBe(409);
    expect(after.json()).toMatchObject({ applicationStatus: 'OPENED' });
  });

  it('the SDK reads a too-early resend as an ApiError 429 with retryAfterSeconds', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const client = new ApiClient({ baseUrl: url, token: tokens.find((t) => t.role === 'app')!.token });
    const err = await client.resendSmsCode(req.applicationId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429 });
    expect((err as ApiError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
  });

  it('a refused re-send (the sms knob) answers 409, uses no re-send, and the application keeps waiting', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    await sleep(INTERVAL_SECONDS * 1000 + 100);
    await refuse(sandboxes.providersUrl, ['sms']);
    const refused = await resend(req.applicationId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/did not send a new code/);
    await refuse(sandboxes.providersUrl, []);
    expect(await view(req.applicationId)).toMatchObject({ status: 'AWAITING_SMS_CODE', smsResendsLeft: 2 });
    expect((await submit(req.applicationId, code)).json()).toMatchObject({ status: 'OPENED' });
  });

  it('a flow without a code (v2) has none to resend', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    await h.applications.start(req, { partnerId: 'partner-x' });
    const res = await api.inject({
      method: 'POST',
      url: `/v1/applications/${req.applicationId}/sms-code/resend`,
      headers: bearer('app', 'partner-x'),
    });
    expect(res.statusCode).toBe(409);
  });
});

describe("the wait agrees with the code's lifetime", () => {
  it('abandons when the last code expires: a new code extends the wait to its own lifetime', async () => {
    const plain = await newApplication(h.documents);
    const renewed = await newApplication(h.documents);
    await Promise.all([h.applications.start(plain), h.applications.start(renewed)]);
    await sleep(INTERVAL_SECONDS * 1000 + 300);
    expect((await resend(renewed.applicationId)).statusCode).toBe(202);

    // Past the first codes' lifetime: the one without a new code is abandoned, the other waits.
    await h.client.workflow.getHandle(onboardingWorkflowId(plain.applicationId)).result();
    expect(await view(plain.applicationId)).toMatchObject({
      status: 'ABANDONED',
      reasons: ['SMS_CODE_NOT_SUBMITTED'],
    });
    expect((await view(renewed.applicationId)).status).toBe('AWAITING_SMS_CODE');

    const final = await h.client.workflow.getHandle(onboardingWorkflowId(renewed.applicationId)).result();
    expect(final).toMatchObject({ status: 'ABANDONED', reasons: ['SMS_CODE_NOT_SUBMITTED'] });
    const described = await h.client.workflow
      .getHandle(onboardingWorkflowId(renewed.applicationId))
      .describe();
    const livedMs = described.closeTime!.getTime() - described.startTime.getTime();
    expect(livedMs).toBeGreaterThanOrEqual((INTERVAL_SECONDS + CODE_TTL_SECONDS) * 1000);
    // The app heard of it as of any abandoned application (no webhook is promised for it).
    expect((await receivedEvents(h.providersUrl, renewed.applicationId)).map((e) => e.type)).not.toContain(
      'APPLICATION_FAILED',
    );
  });
});
