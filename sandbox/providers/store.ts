/**
 * Everything the providers sandbox remembers, in one SQLite file so a restart keeps codes
 * (UnionPay's and the bank's own one-time codes), idempotency records, per-card counters and
 * webhook events. Card numbers are kept only as hashes (the counter needs identity, not the
 * number); SMS codes are kept in clear because the test inbox must show them.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AppEvent } from '../../contracts/providers';
import { IdempotencyStore, idempotencySchemaSql } from '../idempotency';
import { openDatabase, type Sql, statementCache } from '../sqlite';

const SCHEMA = `
${idempotencySchemaSql}
CREATE TABLE IF NOT EXISTS verifications (
  verification_id TEXT PRIMARY KEY,
  mobile TEXT NOT NULL,
  code TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS otps (
  otp_id TEXT PRIMARY KEY,
  mobile TEXT NOT NULL,
  purpose TEXT NOT NULL,
  code TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  matched INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sms_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mobile TEXT NOT NULL,
  code TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sms_messages_by_mobile ON sms_messages (mobile, id);
CREATE TABLE IF NOT EXISTS card_checks (
  card_hash TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  checked_at_ms INTEGER NOT NULL,
  PRIMARY KEY (card_hash, idempotency_key)
);
CREATE INDEX IF NOT EXISTS card_checks_by_time ON card_checks (card_hash, checked_at_ms);
CREATE TABLE IF NOT EXISTS key_attempts (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS webhook_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  application_id TEXT NOT NULL,
  body TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  first_received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_events_by_application ON webhook_events (application_id, seq);
CREATE TABLE IF NOT EXISTS punishment_list (
  id_hash TEXT PRIMARY KEY,
  until_ms INTEGER
);
`;

export interface Verification {
  verificationId: string;
  mobile: string;
  code: string;
  expiresAtMs: number;
}

/** A one-time code of the bank's own SMS gateway; `matched` once its code was verified in time. */
export interface Otp {
  otpId: string;
  mobile: string;
  purpose: string;
  code: string;
  expiresAtMs: number;
  matched: boolean;
}

export interface SmsMessage {
  mobile: string;
  code: string;
  sentAt: string;
}

/** `inbox`: `bank` for the bank's own app's webhook, else the partner whose webhook received it. */
export type StoredEvent = AppEvent & { deliveries: number; inbox: string };

export const hashCardNumber = (cardNumber: string): string =>
  createHash('sha256').update(`card:${cardNumber}`).digest('hex');

export class ProvidersStore {
  readonly idempotency: IdempotencyStore;
  private readonly db: Database.Database;
  private readonly sql: Sql;

  constructor(dbFile: string) {
    this.db = openDatabase(dbFile, SCHEMA);
    this.sql = statementCache(this.db);
    this.idempotency = new IdempotencyStore(this.db);
  }

  /** Runs fn atomically; handlers never await inside, so this also serialises concurrent calls. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** How many times this key was seen before (0 the first time), counting this call. */
  nextAttempt(scope: string, key: string): number {
    const row = this.sql<[string, string], { attempts: number }>(
      `INSERT INTO key_attempts (scope, key, attempts) VALUES (?, ?, 1)
         ON CONFLICT (scope, key) DO UPDATE SET attempts = attempts + 1 RETURNING attempts`,
    ).get(scope, key);
    return (row?.attempts ?? 1) - 1;
  }

  countChecksSince(cardHash: string, sinceMs: number): number {
    const row = this.sql<[string, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM card_checks WHERE card_hash = ? AND checked_at_ms > ?',
    ).get(cardHash, sinceMs);
    return row?.n ?? 0;
  }

  recordCheck(cardHash: string, idempotencyKey: string, atMs: number): void {
    this.sql(
      'INSERT OR IGNORE INTO card_checks (card_hash, idempotency_key, checked_at_ms) VALUES (?, ?, ?)',
    ).run(cardHash, idempotencyKey, atMs);
  }

  /** Stores the verification and "sends" its code: the inbox shows the last message per mobile. */
  createVerification(v: Verification, now: Date): void {
    this.sql(
      'INSERT INTO verifications (verification_id, mobile, code, expires_at_ms, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(v.verificationId, v.mobile, v.code, v.expiresAtMs, now.toISOString());
    this.sql('INSERT INTO sms_messages (mobile, code, sent_at) VALUES (?, ?, ?)').run(
      v.mobile,
      v.code,
      now.toISOString(),
    );
  }

  /** A new code for the verification (the old one stops being confirmable), "sent" to its mobile. */
  replaceCode(verificationId: string, code: string, expiresAtMs: number, now: Date): void {
    const verification = this.findVerification(verificationId);
    if (!verification) return;
    this.sql('UPDATE verifications SET code = ?, expires_at_ms = ? WHERE verification_id = ?').run(
      code,
      expiresAtMs,
      verificationId,
    );
    this.sql('INSERT INTO sms_messages (mobile, code, sent_at) VALUES (?, ?, ?)').run(
      verification.mobile,
      code,
      now.toISOString(),
    );
  }

  /** Stores the one-time code and "sends" it: the inbox shows it like UnionPay's codes. */
  createOtp(otp: Omit<Otp, 'matched'>, now: Date): void {
    this.sql(
      `INSERT INTO otps (otp_id, mobile, purpose, code, expires_at_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(otp.otpId, otp.mobile, otp.purpose, otp.code, otp.expiresAtMs, now.toISOString());
    this.sql('INSERT INTO sms_messages (mobile, code, sent_at) VALUES (?, ?, ?)').run(
      otp.mobile,
      otp.code,
      now.toISOString(),
    );
  }

  findOtp(otpId: string): Otp | undefined {
    const row = this.sql<[string], Omit<Otp, 'matched'> & { matched: number }>(
      `SELECT otp_id AS otpId, mobile, purpose, code, expires_at_ms AS expiresAtMs, matched
         FROM otps WHERE otp_id = ?`,
    ).get(otpId);
    return row && { ...row, matched: row.matched === 1 };
  }

  /** Remembers the match, so the same code answers MATCH again after the lifetime (a retried verify). */
  markOtpMatched(otpId: string): void {
    this.sql('UPDATE otps SET matched = 1 WHERE otp_id = ?').run(otpId);
  }

  findVerification(verificationId: string): Verification | undefined {
    return this.sql<[string], Verification>(
      `SELECT verification_id AS verificationId, mobile, code, expires_at_ms AS expiresAtMs
         FROM verifications WHERE verification_id = ?`,
    ).get(verificationId);
  }

  lastSms(mobile: string): SmsMessage | undefined {
    return this.sql<[string], SmsMessage>(
      'SELECT mobile, code, sent_at AS sentAt FROM sms_messages WHERE mobile = ? ORDER BY id DESC LIMIT 1',
    ).get(mobile);
  }

  /** Stores an event once per eventId (the first body wins) and answers how often it was delivered. */
  recordEvent(event: AppEvent, now: Date, inbox = 'bank'): number {
    const row = this.sql<[string, string, string, string], { deliveries: number }>(
      `INSERT INTO webhook_events (event_id, application_id, body, deliveries, first_received_at)
         VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (event_id) DO UPDATE SET deliveries = deliveries + 1 RETURNING deliveries`,
    ).get(event.eventId, event.applicationId, JSON.stringify({ ...event, inbox }), now.toISOString());
    return row?.deliveries ?? 1;
  }

  listEvents(applicationId?: string): StoredEvent[] {
    const rows =
      applicationId === undefined
        ? this.sql<[], { body: string; deliveries: number }>(
            'SELECT body, deliveries FROM webhook_events ORDER BY seq',
          ).all()
        : this.sql<[string], { body: string; deliveries: number }>(
            'SELECT body, deliveries FROM webhook_events WHERE application_id = ? ORDER BY seq',
          ).all(applicationId);
    return rows.map((row) => ({
      inbox: 'bank',
      ...(JSON.parse(row.body) as AppEvent),
      deliveries: row.deliveries,
    }));
  }

  /** Lists a person (flow v4's punishment list) until `untilMs`, or for good; listing again replaces it. */
  listPunished(idNumber: string, untilMs: number | null): void {
    this.sql('INSERT OR REPLACE INTO punishment_list (id_hash, until_ms) VALUES (?, ?)').run(
      idHash(idNumber),
      untilMs,
    );
  }

  unlistPunished(idNumber: string): void {
    this.sql('DELETE FROM punishment_list WHERE id_hash = ?').run(idHash(idNumber));
  }

  /** The person's listing: undefined when not listed; `untilMs` null when listed for good. */
  punishment(idNumber: string): { untilMs: number | null } | undefined {
    const row = this.sql<[string], { until_ms: number | null }>(
      'SELECT until_ms FROM punishment_list WHERE id_hash = ?',
    ).get(idHash(idNumber));
    return row && { untilMs: row.until_ms };
  }

  close(): void {
    this.db.close();
  }
}

/** ID numbers are kept only as hashes, as card numbers are: the list needs identity, not the number. */
const idHash = (idNumber: string): string =>
  createHash('sha256').update(`id:${idNumber.toUpperCase()}`).digest('hex');
