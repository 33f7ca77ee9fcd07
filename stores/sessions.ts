/**
 * Customer sessions as the API keeps them: minted by an app's backend for one application (and
 * the account it opens) or one account, looked up on every call that carries a session token,
 * revoked by the device. Only the token's SHA-256 is stored: a session token carries 256 random
 * bits, so its hash cannot be reversed, and a copy of the table authenticates nobody.
 *
 * The port is `SessionStore`; this file is its SQLite adapter (the API processes of one host),
 * stores/sessions-postgres.ts the one every API instance shares (DATABASE_URL).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Channel } from '../domain/identifiers';
import { SESSION_TOKEN_PREFIX } from '../domain/sessions';

/** What a session may act for, and for whom it was minted. */
export interface Session {
  sessionId: string;
  /** The app (or partner app) whose backend minted it: its tenant. */
  tenantId: string;
  channel: Channel;
  partnerId?: string;
  applicationId: string;
  /** Set when minted for an account; an application's session reaches its account through it. */
  accountNumber?: string;
  expiresAt: string;
}

export interface SessionStore {
  /** Stores the session under the token's hash. */
  put(session: Session, tokenHash: string): void | Promise<void>;
  /** The live session for a token hash: absent when unknown, expired at `now`, or revoked. */
  find(tokenHash: string, now: Date): Session | undefined | Promise<Session | undefined>;
  revoke(sessionId: string, at: Date): void | Promise<void>;
  close(): void | Promise<void>;
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new token and the id that names its session (in the audit log, never the token). */
export const newSessionToken = (): { token: string; sessionId: string } => ({
  token: `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`,
  sessionId: randomUUID(),
});

interface Row {
  session_id: string;
  tenant_id: string;
  channel: string;
  partner_id: string | null;
  application_id: string;
  account_number: string | null;
  expires_at: string;
}

/** The row of either adapter as a session (both store the same columns). */
export const sessionOfRow = (r: Row): Session => ({
  sessionId: r.session_id,
  tenantId: r.tenant_id,
  channel: r.channel as Channel,
  ...(r.partner_id && { partnerId: r.partner_id }),
  applicationId: r.application_id,
  ...(r.account_number && { accountNumber: r.account_number }),
  expiresAt: r.expires_at,
});

/** The INSERT's values, in SESSIONS_SCHEMA's column order (both adapters). */
export const insertValues = (s: Session, hash: string) =>
  [
    hash,
    s.sessionId,
    s.tenantId,
    s.channel,
    s.partnerId ?? null,
    s.applicationId,
    s.accountNumber ?? null,
    s.expiresAt,
  ] as const;

export const SESSIONS_SCHEMA = `CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
  channel TEXT NOT NULL, partner_id TEXT, application_id TEXT NOT NULL, account_number TEXT,
  expires_at TEXT NOT NULL, revoked_at TEXT)`;

export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SESSIONS_SCHEMA);
  }

  put(s: Session, hash: string): void {
    this.db
      .prepare(
        `INSERT INTO sessions (token_hash, session_id, tenant_id, channel, partner_id, application_id, account_number, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...insertValues(s, hash));
  }

  find(hash: string, now: Date): Session | undefined {
    // ISO-8601 in UTC compares as text in time order.
    const row = this.db
      .prepare('SELECT * FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?')
      .get(hash, now.toISOString()) as Row | undefined;
    return row && sessionOfRow(row);
  }

  revoke(sessionId: string, at: Date): void {
    this.db
      .prepare('UPDATE sessions SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL')
      .run(at.toISOString(), sessionId);
  }

  close(): void {
    this.db.close();
  }
}
