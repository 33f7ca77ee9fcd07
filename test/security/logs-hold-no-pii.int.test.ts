/**
 * The log output of a run holds none of the applicants' personal data: the worker's (the
 * Temporal SDK's own lines through the service logger, failures of retried activities included),
 * the API's and both sandboxes', captured while every flow version and a review path run through
 * the HTTP API, with vendors failing a share of calls so that retries and their failures are
 * logged too.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../config/logger';
import { sdkLogger } from '../../config/sdk-logger';
import type { StartApplicationRequest } from '../../domain/application';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from '../provided';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newPerson } from '../support/people';
import { newPhotos } from '../support/review';
import { findLeaks, type Sensitive, sensitiveOf } from './pii';

/** Every line any part of the run logged, as written. */
const lines: string[] = [];
const capture = (who: string) =>
  new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(`${who} ${line}`);
      done();
    },
  });

// The SDK's lines of this process are the worker's: the same logger worker/main.ts installs.
Runtime.install({ logger: sdkLogger(logger({ logLevel: 'debug' }, 'worker', capture('worker')), 'DEBUG') });

let h: Harness;
let api: FastifyInstance;
const sandboxes: FastifyInstance[] = [];
const sensitive: Sensitive[] = [];

async function listen(app: FastifyInstance): Promise<string> {
  sandboxes.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  const dir = path.join(process.env.TMPDIR ?? '/tmp', `logs-${crypto.randomUUID()}`);
  const providersUrl = await listen(
    buildProvidersSandbox({
      dbFile: path.join(`${dir}-providers.db`),
      logger: true,
      logStream: capture('providers-sandbox'),
      webhookSecret: TEST_WEBHOOK_SECRET,
      partnerWebhookSecrets: TEST_PARTNER_WEBHOOK_SECRETS,
    }),
  );
  const coreBankingUrl = await listen(
    buildCoreBankingSandbox({
      dbFile: path.join(`${dir}-core.db`),
      logger: true,
      logStream: capture('core-banking-sandbox'),
    }),
  );
  h = await startHarness({ smsCodeWaitSeconds: 30 }, { providersUrl, coreBankingUrl });
  api = await startApi(h, logger({ logLevel: 'debug' }, 'api', capture('api')));
  // Vendors fail a share of calls: retried activities log their failures (whose messages name route templates, never paths with account numbers).
  for (const url of [providersUrl, coreBankingUrl]) {
    await fetch(`${url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.3 }),
    });
  }
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await Promise.all(sandboxes.map((s) => s.close()));
});

const as = (who: 'app' | 'partner-x' | 'op-alice' | 'op-bob') =>
  who === 'app' ? bearer('app') : who === 'partner-x' ? bearer('app', 'partner-x') : bearer('operator', who);

/**
 * As a client would: the API reads core banking too, and a 5xx from it ("safe to retry") is tried
 * again, as the problem says.
 */
async function call(who: Parameters<typeof as>[0], method: 'GET' | 'POST', url: string, payload?: object) {
  for (let attempt = 1; ; attempt++) {
    const res = await api.inject({ method, url, headers: as(who), ...(payload && { payload }) });
    if (res.statusCode < 500 || attempt === 8) return { status: res.statusCode, body: res.json() };
  }
}

/** Start through the API and, where the flow asks for a code, a wrong one then the right one. */
async function journey(name: string, req: StartApplicationRequest, who: 'app' | 'partner-x') {
  const { channel: _c, ...body } = req;
  const started = await call(who, 'POST', '/v1/applications', body);
  const smsCodes: string[] = [];
  let accountNumber: string | undefined = started.body.accountNumber;
  if (started.body.status === 'AWAITING_SMS_CODE') {
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const wrong = code === '111111' ? '222222' : '111111';
    smsCodes.push(code, wrong);
    await call(who, 'POST', `/v1/applications/${req.applicationId}/sms-code`, { code: wrong });
    const opened = await call(who, 'POST', `/v1/applications/${req.applicationId}/sms-code`, { code });
    accountNumber = opened.body.accountNumber;
  }
  if (accountNumber) await call(who, 'GET', `/v1/accounts/${accountNumber}`);
  await call(who, 'GET', `/v1/applications/${req.applicationId}`);
  sensitive.push(...sensitiveOf(name, req, { smsCodes, ...(accountNumber && { accountNumber }) }));
  return { accountNumber };
}

/** Fields whose values are ids and times: six-digit codes turn up there by chance. */
const ID_FIELDS = new Set(['time', 'workflowId', 'runId', 'taskQueue', 'activityId', 'eventId', 'reviewId']);

function stringsOf(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return ID_FIELDS.has(key) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsOf(v));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsOf(v, k));
  return [];
}

describe('log output', () => {
  it('the worker, the API and the sandboxes log none of the applicants’ personal data', async () => {
    await journey('v1', await newFlowApplication(h.documents, 'v1'), 'partner-x');
    await journey('v2', await newFlowApplication(h.documents, 'v2', { withoutMobile: true }), 'partner-x');
    await journey('v3', await newApplication(h.documents, { person: newPerson('阿依古丽·买买提') }), 'app');
    await journey('v3-rejected', await newApplication(h.documents, { person: newPerson('王不符') }), 'app');

    const blurred = await newApplication(h.documents, { front: { quality: ['BLURRED'] } });
    const { accountNumber } = await journey('v3-review', blurred, 'app');
    const reviewId = reviewWorkflowId(blurred.applicationId);
    const decide = (who: 'op-alice' | 'op-bob', body: object) =>
      call(who, 'POST', `/v1/reviews/${reviewId}/decisions`, body);
    expect(
      (
        await decide('op-alice', {
          round: 1,
          decision: 'REJECT',
          reasonCode: 'DOCUMENT_ILLEGIBLE',
          note: '张伟的证件反光',
        })
      ).status,
    ).toBe(200);
    const photos = await newPhotos(h, blurred.applicant);
    expect((await call('app', 'POST', `/v1/accounts/${accountNumber}/id-documents`, photos)).status).toBe(
      202,
    );
    expect(
      (await decide('op-bob', { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' }))
        .status,
    ).toBe(200);
    sensitive.push({ label: 'operator note of v3-review', value: '张伟的证件反光' });

    const byProcess = (who: string) => lines.filter((l) => l.startsWith(`${who} `));
    for (const who of ['worker', 'api', 'providers-sandbox', 'core-banking-sandbox']) {
      expect(byProcess(who).length, `${who} logged nothing`).toBeGreaterThan(0);
    }
    // The vendor faults made activities fail and retry, and the worker said so.
    expect(byProcess('worker').some((l) => /fail|retry|attempt/i.test(l))).toBe(true);

    const long = sensitive.filter((s) => !s.short);
    const leaks = findLeaks('log lines', lines.join('\n'), long);
    for (const line of lines) {
      const json = line.slice(line.indexOf(' ') + 1);
      const values = JSON.parse(json) as unknown;
      leaks.push(
        ...findLeaks(`strings of a ${line.split(' ')[0]} line`, stringsOf(values).join('\n'), sensitive),
      );
    }
    console.log(`[figures] ${lines.length} log lines searched for ${sensitive.length} personal values`);
    expect(leaks).toEqual([]);
  });
});
