/**
 * The PostgreSQL adapters of the state several hosts share (DATABASE_URL) on a real PostgreSQL
 * 15 of the machine's packages, no Temporal: daily limits, idempotency records, the audit log,
 * the data-key store and customers' sessions, each with the SQLite adapter's rules, and "two
 * hosts" (two pools on the same database) racing for the same counter, key and chain, and
 * seeing each other's sessions and revocations.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { SESSION_TOKEN_PREFIX } from '../../domain/sessions';
import { dataKeyStoreFromConfig } from '../../encryption/from-config';
import { DataKeyShreddedError } from '../../encryption/keyring';
import { AuditTrail, auditTrailFromConfig, keyringSealer, PostgresAuditLog } from '../../stores/audit';
import { PostgresDailyLimits } from '../../stores/daily-limits-postgres';
import { PostgresDataKeyStore } from '../../stores/data-key-store-postgres';
import { PostgresIdempotencyRecords } from '../../stores/idempotency-records-postgres';
import { newSessionToken, tokenHash } from '../../stores/sessions';
import { PostgresSessionStore } from '../../stores/sessions-postgres';
import { testKeyring } from '../security/keys';
import { startTestPostgres, type TestPostgres } from '../support/postgres';
import { BEFORE_SAMPLE_EXPIRY, SAMPLE_EXPIRES_AT, sampleSessions } from '../support/sessions';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const HMAC = 'test-counter-hmac-key-0123456789';

/** The same database through another pool: what a second host sees. */
const otherHost = (url: string) => `${url}?application_name=host-b`;

let server: TestPostgres;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await server?.stop();
});

describe('PostgreSQL stores', () => {
  describe('daily limits', () => {
    it('count per value and day, once per application, and refuse past the limit recording nothing', async () => {
      const url = await server.freshDatabase();
      const limits = new PostgresDailyLimits(url, HMAC);
      closers.push(() => limits.close());
      const card = `6222${Date.now()}`;
      const take = (ref: string, mobile = '13800138000', day = '2026-12-01') =>
        limits.take(
          [
            { kind: 'card', value: card, limit: 2 },
            { kind: 'mobile', value: mobile, limit: 5 },
          ],
          ref,
          day,
        );
      expect(await take('a1')).toBeUndefined();
      expect(await take('a1')).toBeUndefined(); // the same application again counts once
      expect(await take('a2', '13900139000')).toBeUndefined();
      expect(await take('a3', '13700137000')).toBe('card');
      // The refused take recorded nothing: that mobile is still unused today.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query('SELECT kind, key, ref FROM daily_limit_uses ORDER BY ref, kind');
      await c.end();
      expect(rows.map((r) => `${r.ref}:${r.kind}`)).toEqual(['a1:card', 'a1:mobile', 'a2:card', 'a2:mobile']);
      // Keyed HMACs only: neither the card nor the mobile is stored.
      expect(JSON.stringify(rows)).not.toContain(card);
      expect(JSON.stringify(rows)).not.toContain('13800138000');
      expect(await take('a4', '13600136000', '2026-12-02')).toBeUndefined(); // a new day
    });

    it('two hosts racing for the last uses of a card: exactly the limit is granted', async () => {
      const url = await server.freshDatabase();
      const a = new PostgresDailyLimits(url, HMAC);
      const b = new PostgresDailyLimits(otherHost(url), HMAC);
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      const uses = [{ kind: 'card' as const, value: '6222021234567890128', limit: 5 }];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).take(uses, `app-${i}`, '2026-12-01')),
      );
      expect(results.filter((r) => r === undefined)).toHaveLength(5);
      expect(results.filter((r) => r === 'card')).toHaveLength(19);
    });
  });

  describe('idempotency records', () => {
    it('answer FIRST, REPEAT for the same request, MISMATCH for another, and store an HMAC only', async () => {
      const url = await server.freshDatabase();
      const records = new PostgresIdempotencyRecords(url, HMAC);
      closers.push(() => records.close());
      expect(await records.claim('op-alice POST /x', 'k1', '{"code":"123456"}')).toBe('FIRST');
      expect(await records.claim('op-alice POST /x', 'k1', '{"code":"123456"}')).toBe('REPEAT');
      expect(await records.claim('op-alice POST /x', 'k1', '{"code":"654321"}')).toBe('MISMATCH');
      expect(await records.claim('op-bob POST /x', 'k1', '{"code":"654321"}')).toBe('FIRST');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query('SELECT request FROM idempotency_keys');
      await c.end();
      expect(JSON.stringify(rows)).not.toContain('123456');
    });

    it('two hosts claiming one key at once: one is FIRST, the others REPEAT', async () => {
      const url = await server.freshDatabase();
      const a = new PostgresIdempotencyRecords(url, HMAC);
      const b = new PostgresIdempotencyRecords(otherHost(url), HMAC);
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('s', 'same-key', 'same-request')),
      );
      expect(claims.filter((c) => c === 'FIRST')).toHaveLength(1);
      expect(claims.filter((c) => c === 'REPEAT')).toHaveLength(9);
    });
  });

  describe('the audit log', () => {
    const record = (id: string, actor = 'op-alice') => ({
      id,
      at: '2026-11-02T08:00:00.000Z',
      recordedAt: new Date().toISOString(),
      actor,
      action: 'DOCUMENT_VIEWED' as const,
      applicationId: '00000000-0000-4000-8000-000000000000',
      refs: { documentId: 'd1' },
    });

    it('chains, is idempotent by id, verifies, and refuses UPDATE, DELETE and TRUNCATE', async () => {
      const url = await server.freshDatabase();
      const log = new PostgresAuditLog(url);
      closers.push(() => log.close());
      expect(await log.verify()).toEqual({ ok: true, count: 0 });
      const first = await log.append(record('e1'));
      const second = await log.append(record('e2'));
      expect(first.entry.seq).toBe(1);
      expect(second.entry.prevHash).toBe(first.entry.hash);
      const again = await log.append({ ...record('e1'), actor: 'someone-else' });
      expect(again).toEqual({ entry: first.entry, appended: false });
      expect(await log.verify()).toEqual({ ok: true, count: 2, head: { seq: 2, hash: second.entry.hash } });
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await expect(c.query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")).rejects.toThrow(
          /append-only/,
        );
        await expect(c.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
        await expect(c.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
        // Someone who drops the trigger and edits a row is named by verify.
        await c.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
        await c.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1");
      } finally {
        await c.end();
      }
      const broken = await log.verify();
      expect(broken).toMatchObject({ ok: false, count: 0, broken: { seq: 1, id: 'e1' } });
    });

    it('two hosts appending at once each chain onto the last entry: no seq twice, the chain verifies', async () => {
      const url = await server.freshDatabase();
      const a = new PostgresAuditLog(url);
      const b = new PostgresAuditLog(otherHost(url));
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).append(record(`race-${i}`, i % 2 ? 'a' : 'b'))),
      );
      expect(await a.verify()).toMatchObject({ ok: true, count: 60, head: { seq: 60 } });
    });

    it('is what the configuration picks with DATABASE_URL, and what npm run audit:verify reads', async () => {
      const url = await server.freshDatabase();
      const keyring = testKeyring();
      const trail = auditTrailFromConfig(
        { dataDir: '/nonexistent', counterHmacKey: HMAC, databaseUrl: url },
        keyring,
      );
      closers.push(() => trail.close());
      expect(trail.log).toBeInstanceOf(PostgresAuditLog);
      const applicationId = randomUUID();
      await trail.record({
        id: `${applicationId}:r1:REJECTED`,
        at: new Date().toISOString(),
        actor: 'op-alice',
        action: 'REJECTED',
        applicationId,
        accountNumber: '6230580000012345678',
        reason: 'DOCUMENT_ILLEGIBLE',
        round: 1,
        note: 'glare on the number',
      });
      const entries = await trail.forAccount('6230580000012345678');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ action: 'REJECTED', noteSealed: true });
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url },
      });
      expect(stdout).toMatch(/^ok: 1 entry in postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+, head seq 1/);
    });

    it('a trail on PostgreSQL seals notes: shredded, they can no longer be opened', async () => {
      const url = await server.freshDatabase();
      const keyring = testKeyring(new PostgresDataKeyStore(url));
      const trail = new AuditTrail({
        log: new PostgresAuditLog(url),
        hmacKey: HMAC,
        sealer: keyringSealer(keyring),
      });
      closers.push(() => trail.close());
      const applicationId = randomUUID();
      await trail.record({
        id: `${applicationId}:1`,
        at: new Date().toISOString(),
        actor: 'op-bob',
        action: 'REJECTED',
        applicationId,
        accountNumber: '6230580000099999999',
        reason: 'DOCUMENT_ILLEGIBLE',
        round: 1,
        note: 'a note',
      });
      expect((await trail.openNotes('6230580000099999999'))[0]?.note).toBe('a note');
      await keyring.shred(applicationId);
      expect((await trail.openNotes('6230580000099999999'))[0]?.note).toBeUndefined();
      expect(await trail.verify()).toMatchObject({ ok: true, count: 1 });
    });
  });

  describe('sessions', () => {
    /** Two stores on one database through two pools: what two API instances share. */
    async function twoHosts() {
      const url = await server.freshDatabase();
      const a = new PostgresSessionStore(url);
      const b = new PostgresSessionStore(otherHost(url));
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      return { url, a, b };
    }

    it('a session put through one host is found, every field as put, through the other', async () => {
      const { a, b } = await twoHosts();
      const [partner, own] = sampleSessions();
      const partnerToken = newSessionToken().token;
      const ownToken = newSessionToken().token;
      await a.put(partner, tokenHash(partnerToken));
      await a.put(own, tokenHash(ownToken));
      // toStrictEqual: an absent partnerId or accountNumber comes back absent, not undefined or null.
      expect(await b.find(tokenHash(partnerToken), BEFORE_SAMPLE_EXPIRY)).toStrictEqual(partner);
      const found = await b.find(tokenHash(ownToken), BEFORE_SAMPLE_EXPIRY);
      expect(found).toStrictEqual(own);
      expect(Object.keys(found!)).not.toContain('partnerId');
      expect(Object.keys(found!)).not.toContain('accountNumber');
      expect(await b.find(tokenHash(newSessionToken().token), BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
    });

    it('is not found once now reaches expiresAt', async () => {
      const { a, b } = await twoHosts();
      const [session] = sampleSessions();
      const hash = tokenHash(newSessionToken().token);
      await a.put(session, hash);
      expect(await b.find(hash, BEFORE_SAMPLE_EXPIRY)).toStrictEqual(session);
      expect(await b.find(hash, new Date(SAMPLE_EXPIRES_AT))).toBeUndefined();
      expect(await b.find(hash, new Date('2026-12-01T08:15:00.001Z'))).toBeUndefined();
      expect(await a.find(hash, new Date('2026-12-02T00:00:00.000Z'))).toBeUndefined();
    });

    it('a revoke through one host: the other finds nothing for that session, and still finds the rest', async () => {
      const { a, b } = await twoHosts();
      const [revoked, kept] = sampleSessions();
      const revokedHash = tokenHash(newSessionToken().token);
      const keptHash = tokenHash(newSessionToken().token);
      await a.put(revoked, revokedHash);
      await a.put(kept, keptHash);
      expect(await b.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toStrictEqual(revoked);
      await a.revoke(revoked.sessionId, new Date('2026-12-01T08:05:00.000Z'));
      expect(await b.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
      expect(await a.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
      expect(await b.find(keptHash, BEFORE_SAMPLE_EXPIRY)).toStrictEqual(kept);
      // A second revoke (another device, another host) changes nothing and does not throw.
      await b.revoke(revoked.sessionId, new Date('2026-12-01T08:06:00.000Z'));
      expect(await a.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
    });

    it("stores only the token's hash: the token's text is nowhere in the table", async () => {
      const { url, a, b } = await twoHosts();
      const [session] = sampleSessions();
      const { token } = newSessionToken();
      await a.put(session, tokenHash(token));
      expect(await b.find(tokenHash(token), BEFORE_SAMPLE_EXPIRY)).toStrictEqual(session);
      await b.revoke(session.sessionId, BEFORE_SAMPLE_EXPIRY);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query('SELECT * FROM sessions');
      await c.end();
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(tokenHash(token));
      expect(rows[0].revoked_at).toBe(BEFORE_SAMPLE_EXPIRY.toISOString());
      const table = JSON.stringify(rows);
      expect(table).not.toContain(token);
      expect(table).not.toContain(token.slice(SESSION_TOKEN_PREFIX.length)); // nor its random part alone
    });
  });

  describe('the data-key store', () => {
    it('keeps one wrapped key per id, rewraps live keys, shreds to a tombstone that never comes back', async () => {
      const url = await server.freshDatabase();
      const store = new PostgresDataKeyStore(url);
      closers.push(() => store.close());
      const key = { keyId: 'app:1', masterKeyId: 'm1', wrapped: new Uint8Array([1, 2, 3]), createdAt: 't0' };
      expect(await store.insert(key)).toEqual(key);
      expect(await store.insert({ ...key, wrapped: new Uint8Array([9]) })).toEqual(key);
      await store.rewrap('app:1', 'm2', new Uint8Array([4, 5]));
      expect(await store.get('app:1')).toEqual({
        ...key,
        masterKeyId: 'm2',
        wrapped: new Uint8Array([4, 5]),
      });
      expect(await store.shred('app:1', 't1')).toBe(true);
      expect(await store.shred('app:1', 't2')).toBe(false);
      expect(await store.get('app:1')).toEqual({ keyId: 'app:1', shreddedAt: 't1' });
      expect(await store.insert(key)).toEqual({ keyId: 'app:1', shreddedAt: 't1' });
      await store.rewrap('app:1', 'm3', new Uint8Array([7]));
      expect(await store.get('app:1')).toEqual({ keyId: 'app:1', shreddedAt: 't1' });
      expect(await store.shred('never-seen', 't3')).toBe(false);
      expect((await store.list()).map((r) => r.keyId)).toEqual(['app:1', 'never-seen']);
    });

    it('two hosts share the keys: what one encrypts the other decrypts; a shred on one reaches the other', async () => {
      const url = await server.freshDatabase();
      const config = (u: string) =>
        loadConfig({ DATABASE_URL: u, ENCRYPTION_KEY_CACHE_SECONDS: '0' }) as ReturnType<typeof loadConfig>;
      const storeA = dataKeyStoreFromConfig(config(url));
      const storeB = dataKeyStoreFromConfig(config(otherHost(url)));
      expect(storeA).toBeInstanceOf(PostgresDataKeyStore);
      closers.push(
        () => storeA.close?.(),
        () => storeB.close?.(),
      );
      const hostA = testKeyring(storeA);
      const hostB = testKeyring(storeB);
      const applicationId = randomUUID();
      const sealed = await hostA.encrypt(applicationId, Buffer.from('张伟'));
      expect((await hostB.decrypt(applicationId, sealed)).toString()).toBe('张伟');
      await hostA.shred(applicationId);
      // Host B's cache still holds the key for its TTL; a fresh keyring there sees the shred at once.
      await expect(testKeyring(storeB).decrypt(applicationId, sealed)).rejects.toBeInstanceOf(
        DataKeyShreddedError,
      );
    });
  });
});
