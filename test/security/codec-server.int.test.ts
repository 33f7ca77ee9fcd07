/**
 * The codec server: staff (bearer token, or a sign-in cookie for the Web UI) who state a purpose
 * see decoded payloads; anyone else gets 401, and a browser on another origin than the Web UI's
 * gets no CORS answer. The Temporal CLI decodes a real history through it, and the decode is in
 * the audit log (the rest of the auditing: codec-server-audit.test.ts).
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { buildCodecServer } from '../../encryption/codec-server';
import { findOrBuildTemporalCli } from '../../scripts/temporal-cli';
import { fromRow, type Row } from '../../stores/audit/rows';
import { asJson, dataOf, plain } from '../support/codec-payloads';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';

const run = promisify(execFile);
const UI = 'http://127.0.0.1:8233';
const ENGINEER = 'test-engineer-token-0123456789';
const OPERATOR = 'test-operator-token-0123456789';
/** Why these tests decode: every decode states a purpose (a sign-in's, or this header). */
const PURPOSE = { 'x-decode-purpose': 'DEFECT TEST-1' };

let h: Harness;
let app: FastifyInstance;
let url: string;
let codec: EncryptionCodec;

beforeAll(async () => {
  h = await startHarness();
  codec = new EncryptionCodec(h.keyring);
  app = buildCodecServer({
    codec,
    callers: [
      { id: 'eng-dave', token: ENGINEER, role: 'engineer' },
      { id: 'op-alice', token: OPERATOR, role: 'operator' },
    ],
    allowedOrigins: [UI, 'http://localhost:8233'],
    audit: h.audit,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await h?.stop();
});

async function encryptedFor(applicationId: string, value: unknown) {
  return codec.encode([plain(value)], {
    type: 'workflow',
    namespace: 'default',
    workflowId: `application-${applicationId}`,
  });
}

const decode = (body: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/decode',
    payload: body as object,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('who may decode', () => {
  it('decodes for an engineer and for an operator, and for nobody else', async () => {
    const id = crypto.randomUUID();
    const [payload] = await encryptedFor(id, { name: '张伟' });
    const body = { payloads: [asJson(payload!)] };
    for (const token of [ENGINEER, OPERATOR]) {
      const res = await decode(body, {
        authorization: `Bearer ${token}`,
        'x-namespace': 'default',
        ...PURPOSE,
      });
      expect(res.statusCode).toBe(200);
      expect(dataOf(res.json().payloads[0])).toBe('{"name":"张伟"}');
    }
    const strangers: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-a-real-token-at-all' },
      { authorization: ENGINEER, ...PURPOSE },
    ];
    for (const headers of strangers) {
      const res = await decode(body, headers);
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('张伟');
    }
  });

  it('passes plaintext through, and answers a shredded application’s payloads as they are', async () => {
    const id = crypto.randomUUID();
    const [secret] = await encryptedFor(id, { name: '李四' });
    await h.keyring.shred(id);
    const res = await decode(
      { payloads: [asJson(secret!), asJson(plain({ status: 'OPENED' }))] },
      { authorization: `Bearer ${ENGINEER}`, ...PURPOSE },
    );
    expect(res.statusCode).toBe(200);
    const [still, passed] = res.json().payloads;
    expect(still).toEqual(asJson(secret!));
    expect(dataOf(passed)).toBe('{"status":"OPENED"}');
  });

  it('encodes under the deployment key for the Web UI’s own inputs', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/encode',
      payload: { payloads: [asJson(plain('hello'))] },
      headers: { authorization: `Bearer ${ENGINEER}` },
    });
    expect(res.statusCode).toBe(200);
    const [p] = res.json().payloads;
    expect(Buffer.from(p.metadata['encryption-key-id'], 'base64').toString()).toBe('deployment');
    expect(dataOf(p)).not.toContain('hello');
  });
});

describe('CORS and the Web UI', () => {
  it('answers a preflight only from the Web UI’s origins', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    for (const origin of [UI, 'http://localhost:8233']) {
      const ok = await preflight(origin);
      expect(ok.statusCode).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(origin);
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      expect(String(ok.headers['access-control-allow-headers'])).toContain('x-namespace');
    }
    for (const origin of ['http://evil.example', 'http://127.0.0.1:9999', 'null']) {
      const no = await preflight(origin);
      expect(no.statusCode).toBe(403);
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Not even a valid token helps a page on another origin.
    const [p] = await encryptedFor(crypto.randomUUID(), 1);
    const res = await decode(
      { payloads: [asJson(p!)] },
      { origin: 'http://evil.example', authorization: `Bearer ${ENGINEER}` },
    );
    expect(res.statusCode).toBe(403);
  });

  it('signs an engineer in with a cookie the Web UI sends along (include credentials)', async () => {
    const refused = await app.inject({
      method: 'POST',
      url: '/login',
      payload: 'token=wrong-token-wrong-token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['set-cookie']).toBeUndefined();

    // A sign-in posted from another site is refused; from this server's own page it is not.
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: new URL(url).host };
    const foreign = await app.inject({
      method: 'POST',
      url: '/login',
      payload: `token=${ENGINEER}&purpose=DEFECT&ticket=TEST-1`,
      headers: { ...form, origin: 'http://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    const own = await app.inject({
      method: 'POST',
      url: '/login',
      payload: `token=${ENGINEER}&purpose=DEFECT&ticket=TEST-1`,
      headers: { ...form, origin: url },
    });
    expect(own.statusCode).toBe(200);
    const cookie = String(own.headers['set-cookie']);
    expect(cookie).toMatch(/^codec_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\//);
    expect(own.body).toContain('eng-dave');

    const [p] = await encryptedFor(crypto.randomUUID(), { mobile: '13800138000' });
    const res = await decode({ payloads: [asJson(p!)] }, { origin: UI, cookie: cookie.split(';')[0]! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(dataOf(res.json().payloads[0])).toContain('13800138000');

    await app.inject({ method: 'POST', url: '/logout', headers: { cookie: cookie.split(';')[0]! } });
    expect(
      (await decode({ payloads: [asJson(p!)] }, { origin: UI, cookie: cookie.split(';')[0]! })).statusCode,
    ).toBe(401);
  });
});

/** The codec server's entries about an application, in the harness's audit log. */
function decodeEntriesOf(applicationId: string) {
  const db = new Database(path.join(h.documentsDir, 'audit.db'), { readonly: true });
  try {
    return db
      .prepare("SELECT * FROM audit_log WHERE action = 'PAYLOADS_DECODED' AND application_id = ?")
      .all(applicationId)
      .map((row) => fromRow(row as Row));
  } finally {
    db.close();
  }
}

/** The CLI prints payload data as base64 in JSON output: all of it, decoded, as one text. */
function payloadText(output: string): string {
  const texts: string[] = [];
  for (const m of output.matchAll(/"data":\s*"([A-Za-z0-9+/=]*)"/g))
    texts.push(Buffer.from(m[1]!, 'base64').toString());
  return texts.join('\n');
}

describe('the Temporal CLI through the codec server', () => {
  it('shows an engineer who states a purpose the decoded history, recorded in the audit log; without a token or a purpose, ciphertext or an error', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    const cli = await findOrBuildTemporalCli();
    const show = (...extra: string[]) =>
      run(cli, [
        'workflow',
        'show',
        '--workflow-id',
        onboardingWorkflowId(req.applicationId),
        '--address',
        inject('temporalAddress'),
        '--output',
        'json',
        '--codec-endpoint',
        url,
        ...extra,
      ]).then(
        (r) => r.stdout + r.stderr,
        (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
      );
    const decoded = payloadText(
      await show('--codec-auth', `Bearer ${ENGINEER}`, '--codec-header', 'x-decode-purpose=DEFECT TEST-1'),
    );
    expect(decoded).toContain(req.applicant.idNumber);
    expect(decoded).toContain(req.applicant.name);
    const entries = decodeEntriesOf(req.applicationId);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e).toMatchObject({
        actor: 'eng-dave',
        reason: 'DEFECT',
        refs: { role: 'engineer', ticket: 'TEST-1' },
      });
      expect(JSON.stringify(e)).not.toContain(req.applicant.idNumber);
    }
    const anonymous = await show();
    expect(payloadText(anonymous)).not.toContain(req.applicant.idNumber);
    expect(anonymous).not.toContain(req.applicant.name);
    // A token without a purpose decodes nothing either, and adds no entry.
    const unstated = await show('--codec-auth', `Bearer ${ENGINEER}`);
    expect(payloadText(unstated)).not.toContain(req.applicant.idNumber);
    expect(decodeEntriesOf(req.applicationId)).toHaveLength(entries.length);
    // Sanity: what it stores is ciphertext.
    const raw = await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).fetchHistory();
    const input = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(isEncrypted(input!)).toBe(true);
  });
});
