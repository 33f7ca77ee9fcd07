/**
 * `npm run shred` under retention (docs/retention.md): data still within its period, or under a
 * standing legal hold, is refused with the rule and until when, and shredded only when a
 * supervisor states the legal basis.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config';
import { keyringFromConfig } from '../../encryption/from-config';
import { applicationKeyId, type Keyring } from '../../encryption/keyring';
import { SqliteLegalHoldStore } from '../../stores/legal-holds';
import { type Harness, newApplication, startHarness } from '../support/harness';
import { newCard } from '../support/people';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dataDir: string;
let env: NodeJS.ProcessEnv;
let keyring: Keyring;
let h: Harness;

const shred = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'encryption/cli.ts', 'shred', ...args], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

const keyState = async (applicationId: string) => {
  const record = await keyring.record(applicationKeyId(applicationId));
  return record && 'shreddedAt' in record ? 'SHREDDED' : 'LIVE';
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shred-refusal-'));
  env = {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    CORE_BANKING_URL: inject('coreBankingUrl'),
  };
  keyring = keyringFromConfig(loadConfig(env));
  h = await startHarness({}, { keyring });
});
afterAll(async () => {
  await h?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A rejected applicant: ended just now, so within the never-customer period (180 days). */
async function rejected() {
  const req = await newApplication(h.documents, { card: newCard('0001') });
  expect(await h.applications.start(req)).toMatchObject({ status: 'REJECTED' });
  await h.client.workflow.getHandle(`application-${req.applicationId}`).result();
  return req.applicationId;
}

describe('npm run shred under retention', () => {
  it('refuses data within its period, naming the rule and until when, and shreds it on a supervisor’s legal basis', async () => {
    const applicationId = await rejected();
    const refused = await shred(applicationId);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /refused: kept under the retention policy \(rule NEVER_CUSTOMER\) until \d{4}-\d\d-\d\dT/,
    );
    expect(refused.err).toMatch(/--legal-basis "<text>" --supervisor <who>/);
    expect(await keyState(applicationId)).toBe('LIVE');

    // A legal basis alone, without the supervisor who states it, is not enough.
    expect((await shred(applicationId, '--legal-basis', 'PIPL art. 47 erasure request')).code).toBe(1);
    expect(await keyState(applicationId)).toBe('LIVE');

    const done = await shred(
      applicationId,
      '--legal-basis',
      'PIPL art. 47 erasure request',
      '--supervisor',
      'sup-carol',
    );
    expect(done.err).toBe('');
    expect(done.code).toBe(0);
    expect(await keyState(applicationId)).toBe('SHREDDED');
  });

  it('refuses data under a standing legal hold, naming the hold', async () => {
    const applicationId = await rejected();
    const holds = new SqliteLegalHoldStore(path.join(dataDir, 'legal-holds.db'));
    await holds.place({
      legalHoldId: `lh-${'a'.repeat(32)}`,
      applicationId,
      status: 'STANDING',
      reason: 'Court order 2026-9',
      placedBy: 'sup-carol',
      placedAt: new Date().toISOString(),
    });
    holds.close();
    const refused = await shred(applicationId, '--force');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`refused: under legal hold lh-${'a'.repeat(32)}`));
    expect(await keyState(applicationId)).toBe('LIVE');
  });
});
