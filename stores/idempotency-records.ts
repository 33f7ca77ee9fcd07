/**
 * Which request each Idempotency-Key was first sent with, so that the same key with another body
 * is refused instead of answering the first call's result as if it were this one's. Records are
 * keyed by caller and operation, and hold a keyed HMAC of the request, never the request (an SMS
 * code or a note is in there). A SQLite file, shared by the API processes of one host; several
 * hosts share PostgreSQL (stores/idempotency-records-postgres.ts, DATABASE_URL).
 */
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';

export type Claim = 'FIRST' | 'REPEAT' | 'MISMATCH';

export interface IdempotencyRecords {
  /** Records `request` under the key, or says whether an earlier use of the key was the same request. */
  claim(scope: string, key: string, request: string): Claim | Promise<Claim>;
}

/**
 * What a record holds for a request: a keyed HMAC (both adapters;
 * stores/idempotency-records-postgres.ts).
 */
export const requestMac = (hmacKey: string, request: string): string =>
  createHmac('sha256', hmacKey).update(request).digest('hex');

export class SqliteIdempotencyRecords implements IdempotencyRecords {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly read: Database.Statement;

  constructor(
    file: string,
    private readonly hmacKey: string,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope TEXT NOT NULL, key TEXT NOT NULL, request TEXT NOT NULL, at TEXT NOT NULL,
      PRIMARY KEY (scope, key))`);
    this.insert = this.db.prepare(
      'INSERT INTO idempotency_keys (scope, key, request, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.read = this.db.prepare('SELECT request FROM idempotency_keys WHERE scope = ? AND key = ?');
  }

  claim(scope: string, key: string, request: string): Claim {
    const mac = requestMac(this.hmacKey, request);
    // One statement decides who was first, even across processes sharing the file.
    if (this.insert.run(scope, key, mac, new Date().toISOString()).changes === 1) return 'FIRST';
    const { request: first } = this.read.get(scope, key) as { request: string };
    return first === mac ? 'REPEAT' : 'MISMATCH';
  }

  close(): void {
    this.db.close();
  }
}
