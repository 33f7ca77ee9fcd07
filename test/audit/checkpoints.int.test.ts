/**
 * The audit log's anchor outside its database: signed checkpoints (count and head hash) written
 * into a folder as the log grows, and `npm run audit:verify` finding a truncated log, a log
 * rewritten whole with every hash recomputed, and a forged checkpoint, on SQLite and on
 * PostgreSQL. No Temporal: the log and the command, on real files and a real PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config';
import { UnsafeConfigurationError } from '../../config/production';
import type { AuditEvent } from '../../domain/audit';
import {
  type AuditRecord,
  type AuditTrail,
  auditTrailFromConfig,
  Checkpointer,
  CheckpointWriter,
  PostgresAuditLog,
  readCheckpoints,
  SqliteAuditLog,
  type StoredAuditEntry,
} from '../../stores/audit';
import { fromRow, type Row } from '../../stores/audit/rows';
import { testKeyring } from '../security/keys';
import { runAuditVerify } from '../support/audit-verify';
import { startTestPostgres, type TestPostgres } from '../support/postgres';
import { PRODUCTION_ENV } from '../support/production-env';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const KEY = 'test-audit-checkpoint-key-0123456789abcdef';
const KEYS = [{ id: 'checkpoint-1', secret: KEY }];
const HMAC = 'test-audit-hmac-key-0123456789';

let dir: string;
const dirs: string[] = [];
const closers: (() => unknown)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-checkpoints-'));
  dirs.push(dir);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The environment of a deployment on SQLite under `dir`, as the services and the command read it. */
const sqliteEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  DATA_DIR: dir,
  COUNTER_HMAC_KEY: HMAC,
  AUDIT_CHECKPOINT_KEY: KEY,
  ...extra,
});

/** The audit trail the worker and the API build from their configuration. */
function configuredTrail(env: NodeJS.ProcessEnv): AuditTrail {
  const trail = auditTrailFromConfig(loadConfig(env), testKeyring());
  closers.push(() => trail.close());
  return trail;
}

const applicationId = randomUUID();
const event = (id: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  id,
  at: '2026-11-02T08:00:00.000Z',
  actor: 'op-alice',
  action: 'DOCUMENT_VIEWED',
  applicationId,
  reason: 'REVIEW',
  refs: { documentId: 'a'.repeat(64) },
  ...extra,
});

async function record(trail: AuditTrail, ids: string[]): Promise<void> {
  for (const id of ids) await trail.record(event(id));
}

const checkpointDir = () => path.join(dir, 'audit-checkpoints');
const dbFile = () => path.join(dir, 'audit.db');

/** Someone with the file: the triggers are no obstacle to them. */
function tamperSqlite(sql: string): void {
  const raw = new Database(dbFile());
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  raw.exec(sql);
  raw.close();
}

/**
 * A rewrite with every hash recomputed: the entries appended again, one of them changed, through
 * the store's own append, so each chains onto the one before as the real ones did.
 */
async function rewriteAll(log: { append(r: AuditRecord): Promise<unknown> }, entries: StoredAuditEntry[]) {
  for (const { seq: _seq, prevHash: _prev, hash: _hash, ...rec } of entries) {
    await log.append(rec.id === 'e3' ? { ...rec, actor: 'op-mallory' } : rec);
  }
}

/** The checkpoint files in a folder, parsed. */
const filed = (folder: string) =>
  readdirSync(folder).map(
    (name) => JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as Record<string, unknown>,
  );

describe('checkpoints on SQLite', () => {
  it('are written at every N entries and when the trail closes, signed, one file each, beside the log', async () => {
    const trail = configuredTrail(sqliteEnv({ AUDIT_CHECKPOINT_EVERY: '2' }));
    await record(trail, ['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(readCheckpoints(checkpointDir(), KEYS).valid.map((c) => c.count)).toEqual([2, 4]);
    const head = await trail.verify();
    trail.close();
    const reading = readCheckpoints(checkpointDir(), KEYS);
    expect(reading.invalid).toEqual([]);
    expect(reading.valid.map((c) => [c.count, c.keyId])).toEqual([
      [2, 'checkpoint-1'],
      [4, 'checkpoint-1'],
      [5, 'checkpoint-1'],
    ]);
    expect(head).toMatchObject({ ok: true, head: { seq: 5, hash: reading.valid[2]!.headHash } });
    // The count, the head hash, when, the key's id and the signature: nothing of any entry.
    for (const c of filed(checkpointDir())) {
      expect(Object.keys(c).sort()).toEqual(['at', 'count', 'headHash', 'keyId', 'signature', 'version']);
    }
    const verify = await runAuditVerify(['--db', dbFile()], sqliteEnv());
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(
      /^ok: 5 entries in .*\nagrees with the latest of 3 checkpoints in .*audit-checkpoints: 5 entries at \S+ \(key checkpoint-1\)\n$/,
    );
  });

  it('a truncated log still chains, and verify says TRUNCATED against the checkpoint, exit 1', async () => {
    const trail = configuredTrail(sqliteEnv());
    await record(trail, ['e1', 'e2', 'e3', 'e4', 'e5']);
    trail.close();
    tamperSqlite('DELETE FROM audit_log WHERE seq > 3');
    const log = new SqliteAuditLog(dbFile(), { readonly: true });
    closers.push(() => log.close());
    expect(await log.verify()).toMatchObject({ ok: true, count: 3 });
    const verify = await runAuditVerify(['--db', dbFile()], sqliteEnv());
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /^TRUNCATED: the log ends at seq 3 but the checkpoint of \S+ \(key checkpoint-1\) counted 5 entries: 2 entries are missing\n$/,
    );
  });

  it('a log rewritten whole with every hash recomputed still chains, and verify says REWRITTEN where a checkpoint first disagrees, exit 1', async () => {
    const trail = configuredTrail(sqliteEnv({ AUDIT_CHECKPOINT_EVERY: '2' }));
    await record(trail, ['e1', 'e2', 'e3', 'e4', 'e5']);
    trail.close();
    // The owner of the database starts a new file and writes the log again, e3 changed.
    const raw = new Database(dbFile(), { readonly: true });
    const original = (raw.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[]).map(fromRow);
    raw.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile()}${suffix}`, { force: true });
    const forged = new SqliteAuditLog(dbFile());
    await rewriteAll(forged, original);
    expect(await forged.verify()).toMatchObject({ ok: true, count: 5 });
    forged.close();
    const verify = await runAuditVerify(['--db', dbFile()], sqliteEnv());
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /^REWRITTEN at seq 4 \(id e4\): the hash differs from the checkpoint of \S+ \(4 entries, key checkpoint-1\): the log was rewritten at or before seq 4, after seq 2, which the checkpoint of \S+ still agrees with\n$/,
    );
  });

  it('a forged checkpoint is named and not relied on, exit 3: one claiming more entries does not pass for a truncation', async () => {
    const trail = configuredTrail(sqliteEnv());
    await record(trail, ['e1', 'e2', 'e3']);
    trail.close();
    const [real] = readdirSync(checkpointDir());
    const genuine = JSON.parse(readFileSync(path.join(checkpointDir(), real!), 'utf8')) as Record<
      string,
      unknown
    >;
    // Signed with a key of the forger's own, under the real key's id; and the real one, its count changed.
    const attacker = new CheckpointWriter(checkpointDir(), {
      id: 'checkpoint-1',
      secret: 'the-forgers-own-key-0123456789abcdef',
    });
    const forgedName = attacker.write({ seq: 10, hash: 'f'.repeat(64) });
    const changedName = `${'2'.padStart(16, '0')}-changed.json`;
    writeFileSync(path.join(checkpointDir(), changedName), JSON.stringify({ ...genuine, count: 2 }));
    const verify = await runAuditVerify(['--db', dbFile()], sqliteEnv());
    expect(verify.code).toBe(3);
    const lines = verify.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ok: 3 entries in /);
    expect(lines[1]).toMatch(/^agrees with the latest of 1 checkpoint in .*: 3 entries at /);
    expect(lines.slice(2).sort()).toEqual(
      [changedName, forgedName]
        .sort()
        .map(
          (name) =>
            `BAD CHECKPOINT ${path.join(checkpointDir(), name)}: bad signature under key checkpoint-1: forged, or changed after it was written`,
        ),
    );
  });

  it('checkpoints signed before a key rotation verify with the retired key, and are named without it', async () => {
    const trail = configuredTrail(sqliteEnv());
    await record(trail, ['e1', 'e2']);
    trail.close();
    const rotated = {
      AUDIT_CHECKPOINT_KEY_ID: 'checkpoint-2',
      AUDIT_CHECKPOINT_KEY: 'the-next-checkpoint-key-0123456789abcdef',
    };
    const withRetired = await runAuditVerify(
      ['--db', dbFile()],
      sqliteEnv({ ...rotated, AUDIT_CHECKPOINT_RETIRED_KEYS: `checkpoint-1=${KEY}` }),
    );
    expect(withRetired.code).toBe(0);
    const without = await runAuditVerify(['--db', dbFile()], sqliteEnv(rotated));
    expect(without.code).toBe(3);
    expect(without.stdout).toContain('signed with key checkpoint-1, which is not configured');
  });

  it('a log with no checkpoint yet verifies, with a warning on stderr', async () => {
    const log = new SqliteAuditLog(dbFile());
    await log.append({ ...event('e1'), recordedAt: new Date().toISOString() });
    log.close();
    const verify = await runAuditVerify(['--db', dbFile()], sqliteEnv());
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain(
      `warning: no valid checkpoint in ${checkpointDir()} (no such folder): a truncated or wholly rewritten log would not show`,
    );
  });

  it('two processes appending at once write their checkpoints into one folder: one file each, all valid', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/append-with-checkpoints.ts', import.meta.url));
    const n = 100;
    const startAt = String(Date.now() + 3000);
    await Promise.all(
      ['a', 'b'].map((prefix) =>
        run(
          process.execPath,
          ['--import', 'tsx', fixture, dbFile(), checkpointDir(), KEY, prefix, String(n), startAt],
          {
            cwd: root,
          },
        ),
      ),
    );
    const reading = readCheckpoints(checkpointDir(), KEYS);
    expect(reading.invalid).toEqual([]);
    expect(reading.valid.map((c) => c.count)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
    expect((await runAuditVerify(['--db', dbFile()], sqliteEnv())).code).toBe(0);
  });
});

describe('the checkpointer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes one on its timer while fewer than N entries came, and none when nothing new came', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const checkpoints = new Checkpointer({
      writer: new CheckpointWriter(checkpointDir(), KEYS[0]!),
      every: 1000,
      intervalMs: 60_000,
    });
    closers.push(() => checkpoints.close());
    checkpoints.appended({ seq: 1, hash: 'a'.repeat(64) });
    checkpoints.appended({ seq: 2, hash: 'b'.repeat(64) });
    expect(readCheckpoints(checkpointDir(), KEYS).found).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(readCheckpoints(checkpointDir(), KEYS).valid.map((c) => [c.count, c.headHash])).toEqual([
      [2, 'b'.repeat(64)],
    ]);
    vi.advanceTimersByTime(120_000);
    expect(readdirSync(checkpointDir())).toHaveLength(1);
  });
});

describe('configuration', () => {
  it('NODE_ENV=production refuses to start without AUDIT_CHECKPOINT_KEY, or with the development one', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        if (err instanceof UnsafeConfigurationError) return err.problems;
        throw err;
      }
    };
    const { AUDIT_CHECKPOINT_KEY: _, ...unset } = PRODUCTION_ENV;
    expect(problems(unset)).toEqual([
      'AUDIT_CHECKPOINT_KEY is not set (the development default would be used)',
    ]);
    expect(
      problems({ ...PRODUCTION_ENV, AUDIT_CHECKPOINT_KEY: 'dev-audit-checkpoint-key-change-me' }),
    ).toEqual(['AUDIT_CHECKPOINT_KEY holds a development value']);
  });

  it('--help names the checkpoints and every exit status', async () => {
    const help = await runAuditVerify(['--help'], sqliteEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--checkpoints <dir>');
    for (const status of [
      '0  the chain verifies',
      '1  an entry is broken, or the log was truncated or rewritten',
      '2  the log or the checkpoint folder cannot be read',
      '3  the log verifies, but a checkpoint file is forged',
    ])
      expect(help.stdout).toContain(status);
  });
});

describe('checkpoints on PostgreSQL', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A deployment on PostgreSQL whose DATA_DIR is `dir`: its checkpoints under it, one folder per database. */
  const postgresEnv = (url: string, extra: NodeJS.ProcessEnv = {}) =>
    sqliteEnv({ DATABASE_URL: url, ...extra });

  /** Someone who owns the database: the triggers are no obstacle to them. */
  async function asOwner(url: string, ...sql: string[]): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      for (const statement of sql) await c.query(statement);
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    } finally {
      await c.end();
    }
  }

  it('a truncated log: verify says TRUNCATED against the checkpoint, exit 1', async () => {
    const url = await server.freshDatabase();
    const trail = configuredTrail(postgresEnv(url));
    await record(trail, ['e1', 'e2', 'e3', 'e4', 'e5']);
    trail.close();
    expect(
      readCheckpoints(path.join(checkpointDir(), new URL(url).pathname.slice(1)), KEYS).valid,
    ).toHaveLength(1);
    await asOwner(url, 'DELETE FROM audit_log WHERE seq > 3');
    const verify = await runAuditVerify([], postgresEnv(url));
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /^TRUNCATED: the log ends at seq 3 but the checkpoint of \S+ \(key checkpoint-1\) counted 5 entries/,
    );
  });

  it('a log rewritten whole with every hash recomputed: verify says REWRITTEN, exit 1', async () => {
    const url = await server.freshDatabase();
    const trail = configuredTrail(postgresEnv(url, { AUDIT_CHECKPOINT_EVERY: '2' }));
    await record(trail, ['e1', 'e2', 'e3', 'e4', 'e5']);
    trail.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<Row>('SELECT * FROM audit_log ORDER BY seq');
    expect(rows).toHaveLength(5);
    await c.end();
    await asOwner(url, 'TRUNCATE audit_log');
    const forged = new PostgresAuditLog(url);
    closers.push(() => forged.close());
    await rewriteAll(forged, rows.map(fromRow));
    expect(await forged.verify()).toMatchObject({ ok: true, count: 5 });
    const verify = await runAuditVerify([], postgresEnv(url));
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /^REWRITTEN at seq 4 \(id e4\): the hash differs from the checkpoint of \S+ \(4 entries, key checkpoint-1\)/,
    );
  });
});
