/**
 * The audit log's store and trail on real SQLite files, no Temporal: the chain, idempotent
 * appends, appends from two processes at once, tampering found by the verify command, and
 * crypto-shredding (notes unreadable, the chain intact).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../domain/audit';
import type { Keyring } from '../../encryption/keyring';
import {
  type AuditRecord,
  AuditTrail,
  entryHash,
  GENESIS_HASH,
  keyringSealer,
  SqliteAuditLog,
} from '../../stores/audit';
import { testKeyring } from '../security/keys';
import { runAuditVerify } from '../support/audit-verify';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

let dir: string;
let file: string;
let keyring: Keyring;
let trail: AuditTrail;
const dirs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-'));
  dirs.push(dir);
  file = path.join(dir, 'audit.db');
  keyring = testKeyring();
  trail = new AuditTrail({
    log: new SqliteAuditLog(file),
    hmacKey: 'test-audit-hmac-key-0123456789',
    sealer: keyringSealer(keyring),
  });
  return () => trail.close();
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const ACCOUNT = '6230580000012345678';
const applicationId = randomUUID();

const event = (id: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  id,
  at: '2026-11-02T08:00:00.000Z',
  actor: 'op-alice',
  action: 'REJECTED',
  applicationId,
  accountNumber: ACCOUNT,
  reason: 'DOCUMENT_ILLEGIBLE',
  round: 1,
  ruleVersion: 'review-rules-2026-11',
  ...extra,
});

/** Runs `npm run audit:verify` on a file: what it prints (on stdout; on failure stderr too) and its exit status. */
async function verifyCommand(db: string): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await runAuditVerify(['--db', db]);
  return { code, out: code === 0 ? stdout : stdout + stderr };
}

/** Someone with the file: the triggers are no obstacle to them, only the chain is. */
function tamper(db: string, sql: string, ...params: unknown[]): void {
  const raw = new Database(db);
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  raw.prepare(sql).run(...params);
  raw.close();
}

async function fiveEntries() {
  await trail.record(event('e1', { note: 'glare on the number' }));
  await trail.record(event('e2', { actor: 'system', action: 'HOLD_PLACED', refs: { holdId: 'h1' } }));
  await trail.record(event('e3', { actor: 'customer', action: 'RESUBMITTED', reason: 'PHOTOS_ACCEPTED' }));
  await trail.record(
    event('e4', { actor: 'op-bob', action: 'APPROVED', reason: 'RESUBMITTED_DOCUMENT_VERIFIED', round: 2 }),
  );
  await trail.record(
    event('e5', { actor: 'system', action: 'HOLD_LIFTED', round: 2, refs: { holdId: 'h1' } }),
  );
}

describe('the chain', () => {
  it('links each entry to the one before, from the genesis hash, and verifies', async () => {
    await fiveEntries();
    const entries = await trail.forAccount(ACCOUNT);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(await trail.verify()).toEqual({ ok: true, count: 5, head: { seq: 5, hash: entries[4]!.hash } });
    expect(await verifyCommand(file)).toEqual({
      code: 0,
      out: `ok: 5 entries in ${file}, head seq 5 hash ${entries[4]!.hash}\n`,
    });
  });

  it('an empty log verifies', async () => {
    expect(await trail.verify()).toEqual({ ok: true, count: 0 });
  });

  it('stores references, not personal data: the account as an HMAC, the note sealed', async () => {
    await fiveEntries();
    const raw = new Database(file, { readonly: true });
    const dump = JSON.stringify(raw.prepare('SELECT * FROM audit_log').all());
    raw.close();
    expect(dump).not.toContain(ACCOUNT);
    expect(dump).not.toContain('glare');
    expect(dump).toContain(trail.accountRef(ACCOUNT));
    const [first] = await trail.forAccount(ACCOUNT);
    expect(first).toMatchObject({ seq: 1, noteSealed: true });
    expect(JSON.stringify(first)).not.toContain('glare');
    expect(await trail.openNotes(ACCOUNT)).toEqual([{ seq: 1, id: 'e1', note: 'glare on the number' }]);
  });

  it('is append-only: UPDATE and DELETE are refused', async () => {
    await fiveEntries();
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit_log SET reason = 'OTHER' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare('DELETE FROM audit_log WHERE seq = 5').run()).toThrow(/append-only/);
    raw.close();
    expect((await trail.verify()).ok).toBe(true);
  });
});

describe('idempotent appends', () => {
  it('a second append of the same id writes nothing and answers the stored entry', async () => {
    const first = await trail.record(event('decision-1', { note: 'first' }));
    const again = await trail.record(
      event('decision-1', { note: 'a retry seals again', at: '2026-11-03T00:00:00.000Z' }),
    );
    expect(again).toEqual(first);
    const record: AuditRecord = {
      id: 'decision-1',
      at: first.at,
      actor: 'op-alice',
      action: 'REJECTED',
      applicationId,
      recordedAt: new Date().toISOString(),
    };
    expect(await trail.log.append(record)).toMatchObject({ appended: false, entry: { seq: 1 } });
    expect(await trail.forAccount(ACCOUNT)).toHaveLength(1);
    expect(await trail.openNotes(ACCOUNT)).toEqual([{ seq: 1, id: 'decision-1', note: 'first' }]);
  });

  it('two processes appending at once each chain onto the last entry: no seq twice, the chain verifies', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/append-many.ts', import.meta.url));
    const n = 300;
    const startAt = String(Date.now() + 3000);
    await Promise.all(
      ['a', 'b'].map((prefix) =>
        run(process.execPath, ['--import', 'tsx', fixture, file, prefix, String(n), startAt], { cwd: root }),
      ),
    );
    expect(await trail.verify()).toMatchObject({ ok: true, count: 2 * n });
    const raw = new Database(file, { readonly: true });
    const actors = raw.prepare('SELECT actor FROM audit_log ORDER BY seq').all() as { actor: string }[];
    raw.close();
    // How often the writer changed says whether they really overlapped (timing: logged, not asserted).
    const switches = actors.filter((a, i) => i > 0 && a.actor !== actors[i - 1]!.actor).length;
    console.log(`[figures] two processes, ${2 * n} appends: the writer changed ${switches} times`);
    expect(actors.filter((a) => a.actor === 'a')).toHaveLength(n);
  });
});

describe('tampering is found and named', () => {
  it('a changed field: verify names that entry (seq and id) and exits 1', async () => {
    await fiveEntries();
    tamper(file, "UPDATE audit_log SET reason = 'IDENTITY_CONFIRMED_BY_CALL' WHERE seq = 3");
    expect(await trail.verify()).toEqual({
      ok: false,
      count: 2,
      broken: { seq: 3, id: 'e3', problem: 'hash does not match the stored fields: the entry was changed' },
    });
    const { code, out } = await verifyCommand(file);
    expect(code).toBe(1);
    expect(out).toMatch(/^BROKEN at seq 3 \(id e3\): hash does not match/);
  });

  it('a changed field with its hash recomputed: the next entry no longer chains onto it', async () => {
    await fiveEntries();
    const [, second] = await trail.log.listByAccount(trail.accountRef(ACCOUNT));
    const forged = { ...second!, reason: 'OTHER' };
    tamper(
      file,
      'UPDATE audit_log SET reason = ?, hash = ? WHERE seq = 2',
      'OTHER',
      entryHash(forged.prevHash, forged),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, broken: { seq: 3, id: 'e3' } });
    expect((await verifyCommand(file)).out).toMatch(/seq 3 \(id e3\): prevHash is not the hash of seq 2/);
  });

  it('a deleted entry: the one after it is named, with the missing seq', async () => {
    await fiveEntries();
    tamper(file, 'DELETE FROM audit_log WHERE seq = 4');
    expect(await trail.verify()).toMatchObject({
      ok: false,
      count: 3,
      broken: { seq: 5, id: 'e5', problem: 'seq 5 follows seq 3: seq 4 is missing' },
    });
  });

  it('a log that cannot be read: exit 2', async () => {
    expect((await verifyCommand(path.join(dir, 'none.db'))).code).toBe(2);
  });
});

describe('entries outside workflows', () => {
  it('document views and crypto-shredding are listed with the account of their application', async () => {
    const otherApplication = randomUUID();
    await trail.record(event('decision', { note: 'the photo is of someone else' }));
    await trail.recordDocumentView({
      applicationId,
      documentId: 'a'.repeat(64),
      viewer: 'sup-carol',
      reason: 'REVIEW',
    });
    await trail.recordDocumentView({
      applicationId: otherApplication,
      documentId: 'b'.repeat(64),
      viewer: 'sup-carol',
    });
    await keyring.shred(applicationId);
    const shred = {
      applicationId,
      actor: 'eng-dave',
      reason: 'ERASURE_REQUEST',
      keyId: `app-${applicationId}`,
    };
    await trail.recordCryptoShred(shred);
    await trail.recordCryptoShred({ ...shred, actor: 'someone-running-it-again' });

    const entries = await trail.forAccount(ACCOUNT);
    expect(entries.map((e) => [e.seq, e.action, e.actor])).toEqual([
      [1, 'REJECTED', 'op-alice'],
      [2, 'DOCUMENT_VIEWED', 'sup-carol'],
      [4, 'CRYPTO_SHREDDED', 'eng-dave'],
    ]);
    expect(entries[1]!.refs).toEqual({ documentId: 'a'.repeat(64) });
    expect(entries[2]).toMatchObject({ reason: 'ERASURE_REQUEST', refs: { keyId: `app-${applicationId}` } });
  });

  it('crypto-shredding: the notes can no longer be opened, the chain still verifies, later notes are not kept', async () => {
    await trail.record(event('decision', { note: 'the photo is of someone else' }));
    expect((await trail.openNotes(ACCOUNT))[0]!.note).toBe('the photo is of someone else');
    await keyring.shred(applicationId);
    expect(await trail.openNotes(ACCOUNT)).toEqual([{ seq: 1, id: 'decision', note: undefined }]);
    await trail.record(event('later', { note: 'must not be stored in the clear' }));
    const raw = new Database(file, { readonly: true });
    expect(JSON.stringify(raw.prepare('SELECT * FROM audit_log').all())).not.toContain('clear');
    raw.close();
    expect(await trail.verify()).toMatchObject({ ok: true, count: 2 });
    expect((await verifyCommand(file)).code).toBe(0);
  });
});
