/**
 * The retention run (workflows/retention/run.ts, docs/retention.md) on a real worker, with policy
 * seconds instead of days and years: a rejected applicant's data is unreadable through the codec
 * server and its documents gone once the period passed; a customer's stays while the account is
 * open and until the customer period after it closed; a standing legal hold stops both.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { RetentionPolicy } from '../../domain/retention';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { buildCodecServer } from '../../encryption/codec-server';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { applicationKeyId } from '../../encryption/keyring';
import { SqliteLegalHoldStore } from '../../stores/legal-holds';
import { SqlitePersonRows } from '../../stores/person-rows';
import { SqliteRetentionIndex } from '../../stores/retention-index';
import { createWorker } from '../../worker/create-worker';
import type { RetentionTotals } from '../../workflows/retention/run';
import { bearer, legalHoldsFile, startApi, TEST_COUNTER_HMAC_KEY } from '../support/api';
import { asJson } from '../support/codec-payloads';
import {
  type Harness,
  newApplication,
  readSmsCode,
  sandboxPorts,
  startHarness,
  workflowBundle,
} from '../support/harness';
import { newCard } from '../support/people';
import { eventually } from '../support/review';

/** One test second stands for a day; a customer period of 10 of them for the AML years. */
const policy: RetentionPolicy = {
  neverCustomerSeconds: 2,
  customerSeconds: 10,
  reviewDocumentsSeconds: 10,
  customerCheckSeconds: 1,
  visibilityLagSeconds: 0,
  // Small pages: a run reads several, as one with millions of rows would.
  pageSize: 2,
};
const ENGINEER = 'test-engineer-token-0123456789';

let h: Harness;
let api: FastifyInstance;
let worker: Worker;
let running: Promise<void>;
let codecServer: FastifyInstance;
const retentionQueue = `retention-${randomUUID()}`;

beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h);
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: retentionQueue,
    ports: sandboxPorts(h.documentsDir, h.keyring, { audit: h.audit }),
    dataConverter: encryptedDataConverter(h.keyring),
    workflowBundle: await workflowBundle(),
    retention: {
      index: new SqliteRetentionIndex(path.join(h.documentsDir, 'retention.db')),
      holds: new SqliteLegalHoldStore(legalHoldsFile(h)),
      keyring: h.keyring,
      documents: h.documents,
      personRows: new SqlitePersonRows(
        {
          sessions: path.join(h.documentsDir, 'api-sessions.db'),
          limits: path.join(h.documentsDir, 'limits.db'),
        },
        TEST_COUNTER_HMAC_KEY,
      ),
      client: h.client,
      taskQueue: h.taskQueue,
    },
  });
  running = worker.run();
  codecServer = buildCodecServer({
    codec: new EncryptionCodec(h.keyring),
    callers: [{ id: 'eng-dave', token: ENGINEER, role: 'engineer' }],
    allowedOrigins: [],
    audit: h.audit,
  });
}, 60_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await codecServer?.close();
  await api?.close();
  await h?.stop();
});

const runRetention = (): Promise<RetentionTotals> =>
  h.client.workflow.execute('retentionRun', {
    taskQueue: retentionQueue,
    workflowId: `retention-run-${randomUUID()}`,
    args: [{ policy }],
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Started through the API, as an app starts it: the start seals its documents under its key. */
async function start(card?: string) {
  const req = await newApplication(h.documents, card ? { card } : {});
  const res = await api.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: bearer('app'),
    payload: req,
  });
  return { req, view: res.json() as { status: string } };
}

/** Visibility is eventually consistent: wait until it lists the application as ended. */
async function endedInVisibility(applicationId: string) {
  const query = `WorkflowId = '${onboardingWorkflowId(applicationId)}' AND ExecutionStatus != 'Running'`;
  const n = await eventually(
    async () => (await h.client.workflow.count(query)).count,
    (c) => c === 1,
  );
  expect(n).toBe(1);
}

/** The application's history payloads through the codec server: how many it could decode. */
async function decodedThroughCodecServer(applicationId: string) {
  const history = await h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).fetchHistory();
  const payloads: Payload[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.metadata && o.data instanceof Uint8Array && isEncrypted(o as Payload)) payloads.push(o as Payload);
    for (const x of Object.values(o)) walk(x);
  };
  walk(history.events);
  const res = await codecServer.inject({
    method: 'POST',
    url: '/decode',
    headers: { authorization: `Bearer ${ENGINEER}`, 'x-decode-purpose': 'DEFECT TEST-21' },
    payload: { payloads: payloads.map(asJson) },
  });
  const out = (res.json() as { payloads: { metadata: Record<string, string> }[] }).payloads;
  const stillEncrypted = out.filter(
    (p) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString() === 'binary/encrypted',
  );
  return { payloads: payloads.length, decoded: payloads.length - stillEncrypted.length };
}

const keyState = async (applicationId: string) => {
  const record = await h.keyring.record(applicationKeyId(applicationId));
  return record && 'shreddedAt' in record ? 'SHREDDED' : record ? 'LIVE' : 'NONE';
};
const sealedDir = (applicationId: string) => path.join(h.documentsDir, 'sealed', applicationId);

describe('the retention run', () => {
  it("destroys a rejected applicant's data once the never-customer period passed, and not before", async () => {
    const { req, view } = await start(newCard('0001'));
    expect(view.status).toBe('REJECTED');
    await endedInVisibility(req.applicationId);
    expect(existsSync(sealedDir(req.applicationId))).toBe(true);

    await runRetention();
    expect(await keyState(req.applicationId)).toBe('LIVE');
    expect((await decodedThroughCodecServer(req.applicationId)).decoded).toBeGreaterThan(0);

    await sleep(policy.neverCustomerSeconds * 1000);
    const totals = await runRetention();
    expect(totals.destroyed).toBeGreaterThanOrEqual(1);
    expect(await keyState(req.applicationId)).toBe('SHREDDED');
    const through = await decodedThroughCodecServer(req.applicationId);
    expect(through.payloads).toBeGreaterThan(0);
    expect(through.decoded).toBe(0);
    expect(existsSync(sealedDir(req.applicationId))).toBe(false);
  });

  it("keeps a customer's data while the account is open and until the customer period after it closed", async () => {
    const { req } = await start();
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');
    await endedInVisibility(req.applicationId);
    await sleep(policy.neverCustomerSeconds * 1000);
    await runRetention();
    expect(await keyState(req.applicationId)).toBe('LIVE');

    const closed = await httpCoreBanking(h.coreBankingUrl).closeAccount(
      opened.accountNumber,
      'CUSTOMER_REQUEST',
    );
    expect(closed).toHaveProperty('closed');
    await sleep(policy.customerCheckSeconds * 1000);
    await runRetention();
    // Closed, but the customer period (10 test years) has not passed.
    expect(await keyState(req.applicationId)).toBe('LIVE');
    expect(existsSync(sealedDir(req.applicationId))).toBe(true);

    await sleep(policy.customerSeconds * 1000);
    await runRetention();
    expect(await keyState(req.applicationId)).toBe('SHREDDED');
    expect(existsSync(sealedDir(req.applicationId))).toBe(false);
    expect(await h.audit.forAccount(opened.accountNumber)).toContainEqual(
      expect.objectContaining({ action: 'DATA_DESTROYED', reason: 'CUSTOMER', actor: 'system' }),
    );
  }, 60_000);

  it('destroys nothing under a standing legal hold, and destroys it on the run after the release', async () => {
    const { req } = await start(newCard('0001'));
    await endedInVisibility(req.applicationId);
    const placed = await api.inject({
      method: 'POST',
      url: '/v1/legal-holds',
      headers: bearer('supervisor'),
      payload: { applicationId: req.applicationId, reason: 'Court order 2026-21' },
    });
    expect(placed.statusCode).toBe(201);
    await sleep(policy.neverCustomerSeconds * 1000);
    const held = await runRetention();
    expect(held.held).toBeGreaterThanOrEqual(1);
    expect(await keyState(req.applicationId)).toBe('LIVE');
    expect(existsSync(sealedDir(req.applicationId))).toBe(true);

    const { legalHoldId } = placed.json() as { legalHoldId: string };
    const released = await api.inject({
      method: 'DELETE',
      url: `/v1/legal-holds/${legalHoldId}`,
      headers: bearer('supervisor'),
      payload: { reason: 'Case closed' },
    });
    expect(released.statusCode).toBe(200);
    await runRetention();
    expect(await keyState(req.applicationId)).toBe('SHREDDED');
    expect(existsSync(sealedDir(req.applicationId))).toBe(false);
  }, 60_000);
});
