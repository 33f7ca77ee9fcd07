import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../domain/canonical-json';

/** Table for both services: keys are scoped per operation so two operations never collide. */
export const idempotencySchemaSql = `
CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);`;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Lookup = { kind: 'NEW' } | { kind: 'REPLAY'; answer: StoredAnswer } | { kind: 'REUSED' };

/** Hash of the request with keys sorted, so field order on the wire does not matter; no PII is stored. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

interface Row {
  fingerprint: string;
  status: number;
  body: string;
}

export class IdempotencyStore {
  private readonly findStmt: Database.Statement<[string, string], Row>;
  private readonly saveStmt: Database.Statement<[string, string, string, number, string, string]>;

  constructor(db: Database.Database) {
    this.findStmt = db.prepare(
      'SELECT fingerprint, status, body FROM idempotency WHERE scope = ? AND key = ?',
    );
    this.saveStmt = db.prepare(
      'INSERT INTO idempotency (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  lookup(scope: string, key: string, fingerprint: string): Lookup {
    const row = this.findStmt.get(scope, key);
    if (!row) return { kind: 'NEW' };
    if (row.fingerprint !== fingerprint) return { kind: 'REUSED' };
    return { kind: 'REPLAY', answer: { status: row.status, body: JSON.parse(row.body) } };
  }

  save(scope: string, key: string, fingerprint: string, answer: StoredAnswer, now: Date): void {
    this.saveStmt.run(scope, key, fingerprint, answer.status, JSON.stringify(answer.body), now.toISOString());
  }
}
