/**
 * Crypto-shredding one application with the documented command (`npm run shred -- <id>`): its
 * onboarding and review histories and the bytes encrypted for it can no longer be decoded, by a
 * running process (once its key cache expires) or a new one; every other application decodes as
 * before and new applications keep opening.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { keyringFromConfig } from '../../encryption/from-config';
import { applicationKeyId, DataKeyShreddedError, type Keyring } from '../../encryption/keyring';
import { auditTrailFromConfig } from '../../stores/audit';
import { isShredded } from '../../stores/data-key-store';
import { type Harness, newApplication, readSmsCode, startHarness, workflowBundle } from '../support/harness';
import { openWithReview } from '../support/review';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dataDir: string;
let env: NodeJS.ProcessEnv;
let keyring: Keyring;
let h: Harness;

/** The documented command, as an operator runs it: its own process, the same configuration. */
const keysCommand = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'encryption/cli.ts', ...args], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shred-'));
  env = {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    // Whether an account keeps the data (docs/retention.md) is read from core banking.
    CORE_BANKING_URL: inject('coreBankingUrl'),
    // A running process keeps an unwrapped key this long: short here, to see the shred reach it.
    ENCRYPTION_KEY_CACHE_SECONDS: '1',
  };
  // The development defaults: a master key generated into the data folder, a SQLite key store.
  keyring = keyringFromConfig(loadConfig(env));
  h = await startHarness({}, { keyring });
});
afterAll(async () => {
  await h?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function openedClean() {
  const req = await newApplication(h.documents);
  await h.applications.start(req);
  await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
  return req;
}

/** Every encrypted payload of a history, as stored on the server. */
async function storedPayloads(workflowId: string) {
  const raw = new Client({ connection: h.client.connection, namespace: 'default' });
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const out: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.metadata && o.data instanceof Uint8Array && isEncrypted(o as never)) out.push(o as never);
    for (const x of Object.values(o)) walk(x);
  };
  walk(history.events);
  return { history, payloads: out };
}

describe('crypto-shredding one application', () => {
  let shredded: { applicationId: string; document: Buffer; wrapped: Uint8Array };
  let kept: { applicationId: string; document: Buffer };

  it('refuses while the application’s workflows still run', async () => {
    const running = await newApplication(h.documents);
    await h.applications.start(running);
    const { code, err } = await keysCommand('shred', running.applicationId);
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`application-${running.applicationId} still running`));
    expect((await keyring.record(applicationKeyId(running.applicationId)))?.keyId).toBeDefined();
  });

  it('deletes its data key with the documented command', async () => {
    const { req, accountNumber } = await openWithReview(h);
    await h.reviews.decide(
      reviewWorkflowId(req.applicationId),
      { round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' },
      'op-alice',
    );
    await h.client.workflow.getHandle(reviewWorkflowId(req.applicationId)).result();
    const other = await openedClean();
    // What the document store or an audit log would keep for each application.
    const document = await keyring.encrypt(req.applicationId, Buffer.from('ID card front, 张伟'));
    kept = {
      applicationId: other.applicationId,
      document: await keyring.encrypt(other.applicationId, Buffer.from('other')),
    };
    const record = await keyring.record(applicationKeyId(req.applicationId));
    if (!record || isShredded(record)) throw new Error('no live key before the shred');
    shredded = { applicationId: req.applicationId, document, wrapped: record.wrapped };
    expect((await storedPayloads(onboardingWorkflowId(req.applicationId))).payloads.length).toBeGreaterThan(
      5,
    );

    const { code, out, err } = await keysCommand(
      'shred',
      req.applicationId,
      '--actor',
      'ops-erin',
      '--reason',
      'ERASURE_REQUEST',
      '--account',
      accountNumber,
      // The account is open: AML law keeps its data, so only a supervisor's stated basis shreds it.
      '--legal-basis',
      'court-ordered erasure 2026-17',
      '--supervisor',
      'sup-carol',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`shredded app-${req.applicationId}`);
    // The shred is in the audit log, which still verifies.
    const audit = auditTrailFromConfig(loadConfig(env), keyring);
    const entries = await audit.forAccount(accountNumber);
    expect(entries.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['CRYPTO_SHREDDED', 'ops-erin', 'ERASURE_REQUEST'],
    ]);
    expect((await audit.verify()).ok).toBe(true);
    audit.close();
    expect((await keysCommand('status', req.applicationId)).out).toMatch(/shredded at /);
    expect(
      (
        await keysCommand(
          'shred',
          req.applicationId,
          '--legal-basis',
          'court-ordered erasure 2026-17',
          '--supervisor',
          'sup-carol',
        )
      ).out,
    ).toMatch(/had no live key/);
  });

  it('leaves its histories and documents undecodable, in running processes and new ones', async () => {
    // The harness's client and worker still held the key: their cache lets go of it after 1 s.
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = keyringFromConfig(loadConfig(env));
    for (const k of [keyring, fresh]) {
      const codec = new EncryptionCodec(k);
      for (const workflowId of [onboardingWorkflowId, reviewWorkflowId].map((f) =>
        f(shredded.applicationId),
      )) {
        const { payloads } = await storedPayloads(workflowId);
        expect(payloads.length).toBeGreaterThan(0);
        for (const p of payloads)
          await expect(codec.decode([p])).rejects.toMatchObject({
            name: 'PayloadDecodeError',
            reason: 'SHREDDED',
          });
      }
      await expect(k.decrypt(shredded.applicationId, shredded.document)).rejects.toThrow(/crypto-shredded/);
    }
    await expect(
      h.client.workflow.getHandle(onboardingWorkflowId(shredded.applicationId)).result(),
    ).rejects.toThrow(/crypto-shredded/);
    // Nor does its replay (an export of the history is as dead as the server's copy).
    const { history } = await storedPayloads(onboardingWorkflowId(shredded.applicationId));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: encryptedDataConverter(fresh) },
        history,
      ),
    ).rejects.toThrow();
    // Nothing new is ever encrypted under that application again.
    await expect(fresh.encrypt(shredded.applicationId, Buffer.from('x'))).rejects.toBeInstanceOf(
      DataKeyShreddedError,
    );
    // The wrapped key is gone from the key store's files too (secure_delete, WAL checkpointed).
    const files = [
      path.join(dataDir, 'keys', 'data-keys.db'),
      path.join(dataDir, 'keys', 'data-keys.db-wal'),
    ];
    for (const f of files) {
      const bytes = await readFile(f).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(shredded.wrapped)), f).toBe(false);
    }
  });

  it('while every other application decodes as before and new ones open', async () => {
    const fresh = keyringFromConfig(loadConfig(env));
    const final = await h.client.workflow.getHandle(onboardingWorkflowId(kept.applicationId)).result();
    expect(final.status).toBe('OPENED');
    const codec = new EncryptionCodec(fresh);
    const { payloads } = await storedPayloads(onboardingWorkflowId(kept.applicationId));
    expect((await codec.decode(payloads)).length).toBe(payloads.length);
    expect((await fresh.decrypt(kept.applicationId, kept.document)).toString()).toBe('other');
    expect((await openedClean()).applicationId).toBeDefined();
  });
});
