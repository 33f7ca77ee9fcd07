/**
 * The codec server as an audited path to decoded data: each decode is an entry in the audit log
 * (who, which application, why), a decode without a stated purpose is refused, only staff tokens
 * get in, and the sign-in cookie is Secure in production. In-process (app.inject), with the
 * tokens as configuration loads them; no Temporal server: test/security/codec-server.int.test.ts
 * decodes a real history through the Temporal CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../config';
import { EncryptionCodec } from '../../encryption/codec';
import {
  buildCodecServer,
  type CodecServerOptions,
  codecServerSettings,
  NO_APPLICATION,
} from '../../encryption/codec-server';
import { type AuditTrail, type StoredAuditEntry, sqliteAuditTrail } from '../../stores/audit';
import { fromRow, type Row } from '../../stores/audit/rows';
import { asJson, dataOf, plain } from '../support/codec-payloads';
import { PRODUCTION_ENV } from '../support/production-env';
import { testKeyring } from './keys';

const UI = 'http://127.0.0.1:8233';
const PURPOSE = { 'x-decode-purpose': 'INCIDENT INC-4711' };
const NAME = '张伟';
const ID_NUMBER = '11010519491231002X';

let dir: string;
let auditFile: string;
let audit: AuditTrail;
let codec: EncryptionCodec;
let config: Config;
let app: FastifyInstance;

/** The configured token of a caller (the development lists, as `npm start` loads them). */
const tokenOf = (id: string) => config.tokens.find((t) => t.id === id)!.token;

const build = (extra: Partial<CodecServerOptions> = {}, settings = codecServerSettings(config, {})) =>
  buildCodecServer({ ...settings, codec, audit, ...extra });

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-audit-'));
  auditFile = path.join(dir, 'audit.db');
  const keyring = testKeyring();
  codec = new EncryptionCodec(keyring);
  audit = sqliteAuditTrail({ file: auditFile, hmacKey: 'test-audit-hmac-key-0123456789', keyring });
  config = loadConfig({ DATA_DIR: dir });
  app = build();
});
afterAll(async () => {
  await app?.close();
  audit?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Payloads as the worker stores them for the application's onboarding workflow. */
async function encryptedFor(applicationId: string, ...values: unknown[]) {
  const payloads = await codec.encode(values.map(plain), {
    type: 'workflow',
    namespace: 'default',
    workflowId: `application-${applicationId}`,
  });
  return payloads.map(asJson);
}

const decode = (server: FastifyInstance, payloads: unknown[], headers: Record<string, string>) =>
  server.inject({
    method: 'POST',
    url: '/decode',
    payload: { payloads },
    headers: { 'content-type': 'application/json', ...headers },
  });

const signIn = (server: FastifyInstance, form: Record<string, string>) =>
  server.inject({
    method: 'POST',
    url: '/login',
    payload: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

/** The decode entries as stored, oldest first. */
function decodeEntries(): StoredAuditEntry[] {
  const db = new Database(auditFile, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT * FROM audit_log WHERE action = 'PAYLOADS_DECODED' ORDER BY seq")
      .all() as Row[];
    return rows.map(fromRow);
  } finally {
    db.close();
  }
}
const storedRows = () => {
  const db = new Database(auditFile, { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
  } finally {
    db.close();
  }
};

describe('each decode is recorded in the audit log', () => {
  it('one entry for a request, with the actor, the application, the purpose and the ticket', async () => {
    const applicationId = crypto.randomUUID();
    const payloads = await encryptedFor(applicationId, { name: NAME }, { idNumber: ID_NUMBER });
    const before = decodeEntries().length;

    const res = await decode(app, payloads, {
      authorization: `Bearer ${tokenOf('op-alice')}`,
      'x-namespace': 'default',
      ...PURPOSE,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().payloads.map(dataOf)).toEqual([`{"name":"${NAME}"}`, `{"idNumber":"${ID_NUMBER}"}`]);
    expect(res.headers['cache-control']).toBe('no-store');

    const added = decodeEntries().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      actor: 'op-alice',
      action: 'PAYLOADS_DECODED',
      applicationId,
      reason: 'INCIDENT',
      refs: {
        keyId: `app-${applicationId}`,
        role: 'operator',
        ticket: 'INC-4711',
        payloads: '2',
        namespace: 'default',
      },
    });
    expect(storedRows()).not.toContain(NAME);
    expect(storedRows()).not.toContain(ID_NUMBER);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('names each application of a request, and the deployment key, under one decode id', async () => {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const deployment = (await codec.encode([plain({ holder: NAME })])).map(asJson);
    const payloads = [...(await encryptedFor(a, 1)), ...(await encryptedFor(b, 2, 3)), ...deployment];
    const before = decodeEntries().length;

    const res = await decode(app, payloads, { authorization: `Bearer ${tokenOf('eng-dave')}`, ...PURPOSE });
    expect(res.statusCode).toBe(200);

    const added = decodeEntries().slice(before);
    expect(added.map((e) => [e.applicationId, e.refs?.keyId, e.refs?.payloads, e.actor])).toEqual(
      expect.arrayContaining([
        [a, `app-${a}`, '1', 'eng-dave'],
        [b, `app-${b}`, '2', 'eng-dave'],
        [NO_APPLICATION, 'deployment', '1', 'eng-dave'],
      ]),
    );
    expect(added).toHaveLength(3);
    expect(new Set(added.map((e) => e.refs?.decodeId)).size).toBe(1);
  });

  it('records nothing for payloads it could not decode (shredded) or that were never encrypted', async () => {
    const keyring = testKeyring();
    const shredding = new EncryptionCodec(keyring);
    const server = build({ codec: shredding });
    const applicationId = crypto.randomUUID();
    const [secret] = await shredding.encode([plain({ name: NAME })], {
      type: 'workflow',
      namespace: 'default',
      workflowId: `application-${applicationId}`,
    });
    await keyring.shred(applicationId);
    const before = decodeEntries().length;

    const res = await decode(server, [asJson(secret!), asJson(plain({ status: 'OPENED' }))], {
      authorization: `Bearer ${tokenOf('eng-dave')}`,
      ...PURPOSE,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().payloads[0]).toEqual(asJson(secret!));
    expect(decodeEntries()).toHaveLength(before);
    await server.close();
  });

  it('answers 503 and no plaintext when the audit log cannot record', async () => {
    const server = build({
      audit: {
        record: async () => {
          throw new Error('database is locked');
        },
      },
    });
    const payloads = await encryptedFor(crypto.randomUUID(), { name: NAME });
    const res = await decode(server, payloads, {
      authorization: `Bearer ${tokenOf('eng-dave')}`,
      ...PURPOSE,
    });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain(Buffer.from(`{"name":"${NAME}"}`).toString('base64'));
    await server.close();
  });
});

describe('a decode needs a stated purpose', () => {
  it('refuses a bearer decode without a valid purpose header, recording nothing', async () => {
    const payloads = await encryptedFor(crypto.randomUUID(), { name: NAME });
    const before = decodeEntries().length;
    const purposes: Record<string, string>[] = [
      {},
      { 'x-decode-purpose': '' },
      { 'x-decode-purpose': 'INCIDENT' },
      { 'x-decode-purpose': 'CURIOSITY INC-4711' },
      { 'x-decode-purpose': `INCIDENT ${ID_NUMBER}` },
      { 'x-decode-purpose': 'INCIDENT INC-4711 ZHANG WEI' },
    ];
    for (const purpose of purposes) {
      const res = await decode(app, payloads, { authorization: `Bearer ${tokenOf('eng-dave')}`, ...purpose });
      expect(res.statusCode, JSON.stringify(purpose)).toBe(403);
      expect(res.body).not.toContain(Buffer.from(NAME).toString('base64'));
    }
    expect(decodeEntries()).toHaveLength(before);
  });

  it('refuses a sign-in without a purpose and ticket; a signed-in decode records the purpose', async () => {
    const token = tokenOf('sup-carol');
    for (const form of [
      { token },
      { token, purpose: 'FRAUD_INVESTIGATION' },
      { token, ticket: 'FRD-77' },
      { token, purpose: 'FRAUD_INVESTIGATION', ticket: 'because I wanted to' },
      { token, purpose: 'NOSINESS', ticket: 'FRD-77' },
    ] as Record<string, string>[]) {
      const refused = await signIn(app, form);
      expect(refused.statusCode, JSON.stringify(form)).toBe(400);
      expect(refused.headers['set-cookie']).toBeUndefined();
    }

    const ok = await signIn(app, { token, purpose: 'FRAUD_INVESTIGATION', ticket: 'frd-77' });
    expect(ok.statusCode).toBe(200);
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    const applicationId = crypto.randomUUID();
    const res = await decode(app, await encryptedFor(applicationId, { name: NAME }), { origin: UI, cookie });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(decodeEntries().at(-1)).toMatchObject({
      actor: 'sup-carol',
      applicationId,
      reason: 'FRAUD_INVESTIGATION',
      refs: { role: 'supervisor', ticket: 'FRD-77' },
    });
  });
});

describe('staff tokens only', () => {
  it('lets operators, supervisors and engineers in', async () => {
    for (const [id, role] of [
      ['op-alice', 'operator'],
      ['sup-carol', 'supervisor'],
      ['eng-dave', 'engineer'],
    ] as const) {
      const res = await app.inject({
        method: 'GET',
        url: '/whoami',
        headers: { authorization: `Bearer ${tokenOf(id)}`, ...PURPOSE },
      });
      expect(res.statusCode, id).toBe(200);
      expect(res.json()).toEqual({ id, role, purpose: 'INCIDENT', ticket: 'INC-4711' });
    }
  });

  it('refuses app, partner and institution tokens, at decode and at sign-in', async () => {
    const others = config.tokens.filter((t) => !['operator', 'supervisor', 'engineer'].includes(t.role));
    expect(new Set(others.map((t) => ('partnerId' in t ? 'partner' : t.role)))).toEqual(
      new Set(['app', 'partner', 'institution']),
    );
    const payloads = await encryptedFor(crypto.randomUUID(), { name: NAME });
    const before = decodeEntries().length;
    for (const { id, token } of others) {
      const res = await decode(app, payloads, { authorization: `Bearer ${token}`, ...PURPOSE });
      expect(res.statusCode, id).toBe(403);
      expect(res.body).not.toContain(Buffer.from(NAME).toString('base64'));
      const login = await signIn(app, { token, purpose: 'INCIDENT', ticket: 'INC-4711' });
      expect(login.statusCode, id).toBe(403);
      expect(login.headers['set-cookie']).toBeUndefined();
    }
    expect(decodeEntries()).toHaveLength(before);
  });
});

describe('the session cookie', () => {
  /** Production's settings, as a deployment sets them (config/production.ts refuses less). */
  const production: NodeJS.ProcessEnv = {
    ...PRODUCTION_ENV,
    CODEC_CORS_ORIGINS: 'https://temporal.bank.example',
  };

  it('is Secure, HttpOnly and SameSite=Strict under production settings', async () => {
    const server = build({}, codecServerSettings(loadConfig(production), production));
    const res = await signIn(server, {
      token: 'eng-token-9e8d7c6b5a4f3e2d1c0b',
      purpose: 'DEFECT',
      ticket: 'ENG-12',
    });
    expect(res.statusCode).toBe(200);
    const attributes = String(res.headers['set-cookie'])
      .split(';')
      .slice(1)
      .map((a) => a.trim());
    expect(attributes).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict']));
    await server.close();
  });

  it('is not Secure in development, where the Web UI and the codec server are plain http', async () => {
    const res = await signIn(app, { token: tokenOf('eng-dave'), purpose: 'DEFECT', ticket: 'ENG-12' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
  });
});
