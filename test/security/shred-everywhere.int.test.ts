/**
 * One key per person's data, everywhere (issue 21): an account opened, an agreement signed and
 * another left waiting for its code, the card renewed, and an ID-expiry sweep acting on the
 * account. Shredding the application's key leaves nothing of that person decodable through the
 * codec server, in any history that carries their data (listed by the application: its own
 * workflows and the signings bound to it), nor in the shared sweep's; another person's decode
 * as before. The file has sandboxes of its own: a sweep acts on every account core banking holds.
 */
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '../../domain/china-time';
import { defaultIdExpiryPolicy } from '../../domain/id-expiry';
import { agreementWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { buildCodecServer } from '../../encryption/codec-server';
import { StillRunningError, shredApplication, workflowsOfApplication } from '../../encryption/shred';
import type { idExpirySweep } from '../../workflows/id-expiry/sweep';
import { bearer, startApi } from '../support/api';
import { asJson } from '../support/codec-payloads';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
import { newPhotos } from '../support/review';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';

const ENGINEER = 'test-engineer-token-0123456789';
const WECHAT = bearer('institution', 'WECHAT_PAY');

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
let codecServer: FastifyInstance;
let codecUrl: string;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
  codecServer = buildCodecServer({
    codec: new EncryptionCodec(h.keyring),
    callers: [{ id: 'eng-dave', token: ENGINEER, role: 'engineer' }],
    allowedOrigins: ['http://127.0.0.1:8233'],
    audit: h.audit,
  });
  await codecServer.listen({ host: '127.0.0.1', port: 0 });
  codecUrl = `http://127.0.0.1:${(codecServer.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await codecServer?.close();
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

/** A person with an account whose card ends in 40 days, a signed agreement and one awaiting its code. */
async function customer() {
  const req = await newApplication(h.documents, { back: { validForDays: 40 } });
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED') throw new Error(`not opened: ${opened.status}`);
  const request = {
    accountNumber: opened.accountNumber,
    holder: req.applicant,
    scope: 'QUICK_PAY',
    perDebitLimitCny: '100',
    dailyLimitCny: '200',
  };
  const sign = async () => {
    const started = await api.inject({
      method: 'POST',
      url: '/v1/agreements',
      headers: WECHAT,
      payload: { ...request, reference: `shred-${crypto.randomUUID()}` },
    });
    expect(started.statusCode).toBe(200);
    return (started.json() as { agreementId: string }).agreementId;
  };
  const signed = await sign();
  const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
  const answered = await api.inject({
    method: 'POST',
    url: `/v1/agreements/${signed}/sms-code`,
    headers: WECHAT,
    payload: { code },
  });
  expect(answered.json()).toMatchObject({ status: 'SIGNED' });
  const waiting = await sign();
  const renewed = await api.inject({
    method: 'POST',
    url: `/v1/accounts/${opened.accountNumber}/id-renewal`,
    headers: bearer('app'),
    payload: await newPhotos(h, req.applicant),
  });
  expect(renewed.json()).toMatchObject({ accepted: true });
  const { name, idNumber, mobile } = req.applicant;
  return {
    applicationId: req.applicationId,
    signed,
    waiting,
    values: [name, idNumber, mobile!, opened.accountNumber],
  };
}

/** Every payload of a history as the server stores it. */
async function storedPayloads(workflowId: string): Promise<Payload[]> {
  const raw = new Client({ connection: h.client.connection, namespace: 'default' });
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const out: Payload[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.metadata && o.data instanceof Uint8Array) out.push(o as Payload);
    for (const x of Object.values(o)) walk(x);
  };
  walk(history.events);
  return out;
}

/** The payloads as the codec server answers them. */
async function throughCodecServer(payloads: Payload[]): Promise<Payload[]> {
  const res = await fetch(`${codecUrl}/decode`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ENGINEER}`,
      'x-decode-purpose': 'DEFECT TEST-21',
      'x-namespace': 'default',
    },
    body: JSON.stringify({ payloads: payloads.map(asJson) }),
  });
  expect(res.status).toBe(200);
  const { payloads: answered } = (await res.json()) as {
    payloads: { metadata: Record<string, string>; data: string }[];
  };
  return answered.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

const textOf = (payloads: Payload[]) => payloads.map((p) => Buffer.from(p.data ?? []).toString()).join('\n');

describe('shredding one application', () => {
  let shredded: Awaited<ReturnType<typeof customer>>;
  let kept: Awaited<ReturnType<typeof customer>>;
  let sweepId: string;

  beforeAll(async () => {
    shredded = await customer();
    kept = await customer();
    sweepId = `id-expiry-shred-${crypto.randomUUID()}`;
    const reminded = await h.client.workflow.execute<typeof idExpirySweep>('idExpirySweep', {
      workflowId: sweepId,
      taskQueue: h.taskQueue,
      // The renewal moved both cards' end to 2041: the sweep acts for a day in that window.
      args: [{ policy: defaultIdExpiryPolicy, asOf: addDays('2041-02-03', -30) }],
    });
    expect(reminded.reminded).toBeGreaterThanOrEqual(2);
    expect(todayInChina() < '2041-01-01').toBe(true);
  });

  it("lists the person's workflows by the application, agreement signings included", async () => {
    const ids = await workflowsOfApplication(h.keyring, shredded.applicationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        `application-${shredded.applicationId}`,
        `renewal-${shredded.applicationId}`,
        agreementWorkflowId(shredded.signed),
        agreementWorkflowId(shredded.waiting),
      ]),
    );
    // Before the shred, the codec server decodes them: the check below is not vacuous.
    for (const id of ids.filter((i) => !i.startsWith('review-'))) {
      const decoded = await throughCodecServer(await storedPayloads(id));
      expect(decoded.some(isEncrypted), id).toBe(false);
    }
  });

  it('refuses while a signing of the person still runs, naming it', async () => {
    await expect(
      shredApplication({ keyring: h.keyring, applicationId: shredded.applicationId, client: h.client }),
    ).rejects.toThrow(StillRunningError);
    await expect(
      shredApplication({ keyring: h.keyring, applicationId: shredded.applicationId, client: h.client }),
    ).rejects.toThrow(agreementWorkflowId(shredded.waiting));
  });

  it("leaves no payload of the person's histories decodable, and none of their values in the sweep's", async () => {
    const result = await shredApplication({
      keyring: h.keyring,
      applicationId: shredded.applicationId,
      force: true,
    });
    expect(result.shredded).toBe(true);

    for (const id of await workflowsOfApplication(h.keyring, shredded.applicationId)) {
      if (id.startsWith('review-')) continue; // a clean opening has no review
      const stored = await storedPayloads(id);
      const sealed = stored.filter(isEncrypted);
      expect(sealed.length, id).toBeGreaterThan(0);
      expect((await throughCodecServer(sealed)).every(isEncrypted), id).toBe(true);
      // What is plaintext by design (search attributes, the SDK's marker metadata) holds none of them.
      const plain = textOf(stored.filter((p) => !isEncrypted(p)));
      for (const value of shredded.values) expect(plain, id).not.toContain(value);
    }
    const sweep = await throughCodecServer(await storedPayloads(sweepId));
    const shown = textOf(sweep);
    for (const value of shredded.values) expect(shown).not.toContain(value);

    // Another person's histories decode as before.
    for (const id of await workflowsOfApplication(h.keyring, kept.applicationId)) {
      if (id.startsWith('review-')) continue;
      expect((await throughCodecServer(await storedPayloads(id))).some(isEncrypted), id).toBe(false);
    }
  });

  it("fails the person's running signing rather than decoding it", async () => {
    const read = await api.inject({
      method: 'GET',
      url: `/v1/agreements/${shredded.waiting}`,
      headers: WECHAT,
    });
    expect(read.statusCode).toBeGreaterThanOrEqual(500);
    expect(read.body).not.toContain(shredded.values[0]);
    const other = await api.inject({ method: 'GET', url: `/v1/agreements/${kept.waiting}`, headers: WECHAT });
    expect(other.json()).toMatchObject({ status: 'AWAITING_SMS_CODE' });
  });
});
