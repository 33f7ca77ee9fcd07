/**
 * The retention due-date index (docs/retention.md): one row per ended application, with when the
 * daily run is next to look at it. The run reads it by that date, a page at a time, so a day's
 * work is the rows that came due, never a scan of everything kept. Rows hold an application id
 * and instants only: no personal data, and nothing to destroy when the application goes.
 *
 * Rows are written from visibility (applications ended since the watermark, a CloseTime range)
 * and rescheduled as the rules say (domain/retention.ts nextStep). A destroyed row stays, state
 * DESTROYED, so that a re-indexed application is never destroyed twice.
 *
 * The port is `RetentionIndex`; SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DueCursor } from '../domain/retention';
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

export interface IndexRow {
  applicationId: string;
  endedAt: string;
  lookAt: string;
}

export type { DueCursor };

export interface RetentionIndex {
  /** Where indexing from visibility got to: applications that ended before it are indexed. */
  watermark(): Promise<string | undefined>;
  setWatermark(at: string): Promise<void>;
  /** Adds rows not indexed yet (a row already there keeps its schedule). */
  addEnded(rows: readonly IndexRow[]): Promise<number>;
  /** Pending rows with lookAt <= asOf, in (lookAt, applicationId) order, after `after`. */
  duePage(asOf: string, after: DueCursor | undefined, limit: number): Promise<IndexRow[]>;
  reschedule(applicationId: string, lookAt: string): Promise<void>;
  markDestroyed(applicationId: string, at: string, rule: string): Promise<void>;
  state(applicationId: string): Promise<{ state: 'PENDING' | 'DESTROYED'; lookAt: string } | undefined>;
  close(): void | Promise<void>;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS retention_due (
  application_id TEXT PRIMARY KEY, ended_at TEXT NOT NULL, look_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'PENDING', rule TEXT, destroyed_at TEXT);
CREATE INDEX IF NOT EXISTS retention_due_by_date ON retention_due (state, look_at, application_id);
CREATE TABLE IF NOT EXISTS retention_watermark (name TEXT PRIMARY KEY, at TEXT NOT NULL)`;

interface Row {
  application_id: string;
  ended_at: string;
  look_at: string;
}
const ofRow = (r: Row): IndexRow => ({
  applicationId: r.application_id,
  endedAt: r.ended_at,
  lookAt: r.look_at,
});

export class SqliteRetentionIndex implements RetentionIndex {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async watermark() {
    const row = this.db.prepare("SELECT at FROM retention_watermark WHERE name = 'ended'").get() as
      | { at: string }
      | undefined;
    return row?.at;
  }

  async setWatermark(at: string) {
    this.db
      .prepare(
        "INSERT INTO retention_watermark (name, at) VALUES ('ended', ?) ON CONFLICT (name) DO UPDATE SET at = excluded.at",
      )
      .run(at);
  }

  async addEnded(rows: readonly IndexRow[]) {
    const insert = this.db.prepare(
      'INSERT INTO retention_due (application_id, ended_at, look_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    return this.db.transaction(() =>
      rows.reduce((n, r) => n + insert.run(r.applicationId, r.endedAt, r.lookAt).changes, 0),
    )();
  }

  async duePage(asOf: string, after: DueCursor | undefined, limit: number) {
    const rows = after
      ? this.db
          .prepare(
            `SELECT application_id, ended_at, look_at FROM retention_due
             WHERE state = 'PENDING' AND look_at <= ? AND (look_at, application_id) > (?, ?)
             ORDER BY look_at, application_id LIMIT ?`,
          )
          .all(asOf, after.lookAt, after.applicationId, limit)
      : this.db
          .prepare(
            `SELECT application_id, ended_at, look_at FROM retention_due
             WHERE state = 'PENDING' AND look_at <= ? ORDER BY look_at, application_id LIMIT ?`,
          )
          .all(asOf, limit);
    return (rows as Row[]).map(ofRow);
  }

  async reschedule(applicationId: string, lookAt: string) {
    this.db
      .prepare("UPDATE retention_due SET look_at = ? WHERE application_id = ? AND state = 'PENDING'")
      .run(lookAt, applicationId);
  }

  async markDestroyed(applicationId: string, at: string, rule: string) {
    this.db
      .prepare(
        "UPDATE retention_due SET state = 'DESTROYED', destroyed_at = ?, rule = ? WHERE application_id = ? AND state = 'PENDING'",
      )
      .run(at, rule, applicationId);
  }

  async state(applicationId: string) {
    const row = this.db
      .prepare('SELECT state, look_at FROM retention_due WHERE application_id = ?')
      .get(applicationId) as { state: 'PENDING' | 'DESTROYED'; look_at: string } | undefined;
    return row && { state: row.state, lookAt: row.look_at };
  }

  close() {
    this.db.close();
  }
}

export class PostgresRetentionIndex implements RetentionIndex {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, `${SCHEMA};`);
  }

  private async query<R extends object>(sql: string, values: unknown[] = []) {
    await this.schema.get();
    return this.db.pool.query<R>(sql, values);
  }

  async watermark() {
    const { rows } = await this.query<{ at: string }>(
      "SELECT at FROM retention_watermark WHERE name = 'ended'",
    );
    return rows[0]?.at;
  }

  async setWatermark(at: string) {
    await this.query(
      "INSERT INTO retention_watermark (name, at) VALUES ('ended', $1) ON CONFLICT (name) DO UPDATE SET at = excluded.at",
      [at],
    );
  }

  async addEnded(rows: readonly IndexRow[]) {
    if (!rows.length) return 0;
    const res = await this.query(
      `INSERT INTO retention_due (application_id, ended_at, look_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.applicationId), rows.map((r) => r.endedAt), rows.map((r) => r.lookAt)],
    );
    return res.rowCount ?? 0;
  }

  async duePage(asOf: string, after: DueCursor | undefined, limit: number) {
    const { rows } = await this.query<Row>(
      `SELECT application_id, ended_at, look_at FROM retention_due
       WHERE state = 'PENDING' AND look_at <= $1 AND (look_at, application_id) > ($2, $3)
       ORDER BY look_at, application_id LIMIT $4`,
      [asOf, after?.lookAt ?? '', after?.applicationId ?? '', limit],
    );
    return rows.map(ofRow);
  }

  async reschedule(applicationId: string, lookAt: string) {
    await this.query(
      "UPDATE retention_due SET look_at = $1 WHERE application_id = $2 AND state = 'PENDING'",
      [lookAt, applicationId],
    );
  }

  async markDestroyed(applicationId: string, at: string, rule: string) {
    await this.query(
      "UPDATE retention_due SET state = 'DESTROYED', destroyed_at = $1, rule = $2 WHERE application_id = $3 AND state = 'PENDING'",
      [at, rule, applicationId],
    );
  }

  async state(applicationId: string) {
    const { rows } = await this.query<{ state: 'PENDING' | 'DESTROYED'; look_at: string }>(
      'SELECT state, look_at FROM retention_due WHERE application_id = $1',
      [applicationId],
    );
    return rows[0] && { state: rows[0].state, lookAt: rows[0].look_at };
  }

  close() {
    return this.db.release();
  }
}

export function retentionIndexFromConfig(config: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): RetentionIndex {
  return config.databaseUrl
    ? new PostgresRetentionIndex(config.databaseUrl)
    : new SqliteRetentionIndex(path.join(config.dataDir, 'retention.db'));
}
