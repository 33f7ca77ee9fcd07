import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_TOKEN_PREFIX } from '../../domain/sessions';
import { newSessionToken, SqliteSessionStore, tokenHash } from '../../stores/sessions';
import { BEFORE_SAMPLE_EXPIRY, SAMPLE_EXPIRES_AT, sampleSessions } from '../support/sessions';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});

const inMemory = (): SqliteSessionStore => {
  const store = new SqliteSessionStore(':memory:');
  closers.push(() => store.close());
  return store;
};

describe('SqliteSessionStore', () => {
  it('finds a session put under its token hash, every field as put', () => {
    const store = inMemory();
    const [partner, own] = sampleSessions();
    const partnerToken = newSessionToken().token;
    const ownToken = newSessionToken().token;
    store.put(partner, tokenHash(partnerToken));
    store.put(own, tokenHash(ownToken));
    // toStrictEqual: an absent partnerId or accountNumber comes back absent, not undefined or null.
    expect(store.find(tokenHash(partnerToken), BEFORE_SAMPLE_EXPIRY)).toStrictEqual(partner);
    const found = store.find(tokenHash(ownToken), BEFORE_SAMPLE_EXPIRY);
    expect(found).toStrictEqual(own);
    expect(Object.keys(found!)).not.toContain('partnerId');
    expect(Object.keys(found!)).not.toContain('accountNumber');
    expect(store.find(tokenHash(newSessionToken().token), BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
  });

  it('is not found once now reaches expiresAt', () => {
    const store = inMemory();
    const [session] = sampleSessions();
    const hash = tokenHash(newSessionToken().token);
    store.put(session, hash);
    expect(store.find(hash, BEFORE_SAMPLE_EXPIRY)).toStrictEqual(session);
    expect(store.find(hash, new Date(SAMPLE_EXPIRES_AT))).toBeUndefined();
    expect(store.find(hash, new Date('2026-12-01T08:15:00.001Z'))).toBeUndefined();
    expect(store.find(hash, new Date('2026-12-02T00:00:00.000Z'))).toBeUndefined();
  });

  it('a revoked session is not found; the others still are', () => {
    const store = inMemory();
    const [revoked, kept] = sampleSessions();
    const revokedHash = tokenHash(newSessionToken().token);
    const keptHash = tokenHash(newSessionToken().token);
    store.put(revoked, revokedHash);
    store.put(kept, keptHash);
    store.revoke(revoked.sessionId, new Date('2026-12-01T08:05:00.000Z'));
    expect(store.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
    expect(store.find(keptHash, BEFORE_SAMPLE_EXPIRY)).toStrictEqual(kept);
    // A second revoke changes nothing and does not throw.
    store.revoke(revoked.sessionId, new Date('2026-12-01T08:06:00.000Z'));
    expect(store.find(revokedHash, BEFORE_SAMPLE_EXPIRY)).toBeUndefined();
  });

  describe('on a file two API processes share', () => {
    it("each sees the other's sessions and revocations; only the token's hash is stored", () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'account-opening-sessions-'));
      closers.push(() => rmSync(dir, { recursive: true, force: true })); // after the stores close
      const file = path.join(dir, 'sessions.db');
      const a = new SqliteSessionStore(file);
      const b = new SqliteSessionStore(file);
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      const [session] = sampleSessions();
      const { token } = newSessionToken();
      a.put(session, tokenHash(token));
      expect(b.find(tokenHash(token), BEFORE_SAMPLE_EXPIRY)).toStrictEqual(session);
      b.revoke(session.sessionId, BEFORE_SAMPLE_EXPIRY);
      expect(a.find(tokenHash(token), BEFORE_SAMPLE_EXPIRY)).toBeUndefined();

      const db = new Database(file, { readonly: true });
      const rows = db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
      db.close();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        token_hash: tokenHash(token),
        revoked_at: BEFORE_SAMPLE_EXPIRY.toISOString(),
      });
      const table = JSON.stringify(rows);
      expect(table).not.toContain(token);
      expect(table).not.toContain(token.slice(SESSION_TOKEN_PREFIX.length)); // nor its random part alone
    });
  });
});
