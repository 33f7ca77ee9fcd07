/**
 * A worker that meets a history it cannot decrypt (its data key wrapped under another master key
 * of the same id, as after a mixed-up key file) fails that workflow's task and keeps serving the
 * others: the drill's worker exited instead.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applications } from '../../api/services/applications';
import { defaultAbuseLimits, defaultPolicy } from '../../domain/application';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { DEPLOYMENT_KEY_ID, Keyring } from '../../encryption/keyring';
import { LocalKms } from '../../encryption/kms';
import { DailyLimits } from '../../stores/daily-limits';
import { SqliteDataKeyStore } from '../../stores/data-key-store';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
import { TEST_MASTER_KEY, testKeyring } from './keys';

let dir: string;
let h: Harness;
let otherClient: Client;
let otherApplications: Applications;
/** What the worker's run() ended with, if it ended while the test ran. */
let workerEnded: unknown;
const decodeFailures: { keyId: string; reason: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'undecryptable-'));
  const file = path.join(dir, 'data-keys.db');
  // The other side: the test master key, whose data keys (the deployment key too) share the store.
  const other = testKeyring(dir);
  await other.keyForEncrypt(DEPLOYMENT_KEY_ID);
  // The worker's: a master key under the same id with other bytes, so unwrapping fails GCM.
  const mine = new Keyring({
    kms: new LocalKms({ id: TEST_MASTER_KEY.id, key: randomBytes(32) }),
    store: new SqliteDataKeyStore(file),
  });
  h = await startHarness({}, { keyring: mine, onDecodeError: (e) => decodeFailures.push(e) });
  h.workerRunning().catch((err: unknown) => {
    workerEnded = err;
  });
  otherClient = new Client({
    connection: h.client.connection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(other),
  });
  otherApplications = new Applications({
    client: otherClient,
    taskQueue: h.taskQueue,
    policy: defaultPolicy,
    limits: {
      store: new DailyLimits(path.join(dir, 'limits.db'), 'test-counter-hmac-key-0123456789'),
      caps: defaultAbuseLimits,
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function workflowTaskFailures(workflowId: string) {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
}

describe('a payload the worker cannot decrypt', () => {
  it('fails that workflow’s task, counted, while the worker opens another application', async () => {
    const unreadable = await newApplication(h.documents);
    // Its start waits for the workflow's first task, which this worker cannot read.
    await expect(otherApplications.start(unreadable)).rejects.toThrow();
    const workflowId = onboardingWorkflowId(unreadable.applicationId);
    await expect
      .poll(async () => (await workflowTaskFailures(workflowId)).length, { timeout: 20_000 })
      .toBeGreaterThan(0);

    const [failed] = await workflowTaskFailures(workflowId);
    const message = failed?.workflowTaskFailedEventAttributes?.failure?.message ?? '';
    expect(message).toBe(
      `cannot decrypt payload (key app-${unreadable.applicationId}): data key cannot be unwrapped (another master key, or the key service failed)`,
    );
    expect(decodeFailures).toContainEqual({
      keyId: `app-${unreadable.applicationId}`,
      reason: 'UNWRAP_FAILED',
    });

    const readable = await newApplication(h.documents);
    await h.applications.start(readable);
    await h.applications.submitSmsCode(
      readable.applicationId,
      await readSmsCode(h.providersUrl, readable.applicant.mobile),
    );
    const result = await h.client.workflow.getHandle(onboardingWorkflowId(readable.applicationId)).result();
    expect(result.status).toBe('OPENED');
    expect(workerEnded).toBeUndefined();
    expect(h.workerState()).toBe('RUNNING');
  });
});
