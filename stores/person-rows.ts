/**
 * The API's store rows that belong to one application, for retention (docs/retention.md): what
 * destruction deletes, and how an export finds a person's applications from the ID number. The
 * tables are those of stores/sessions.ts (sessions.application_id) and stores/daily-limits.ts
 * (uses / daily_limit_uses: ref is the application id, key the keyed HMAC of the value), read
 * and deleted here by those columns only.
 *
 * Idempotency records hold a keyed HMAC of the caller's key and request and no application id;
 * the linked-applicants store holds keyed HMACs only: neither can name a person once the key is
 * gone, and neither is touched.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { limitKey } from './daily-limits';
import { type PostgresHandle, sharedPool } from './postgres';

export interface PersonRows {
  /** Deletes the application's sessions and its daily-limit uses; answers how many rows went. */
  forgetApplication(applicationId: string): Promise<number>;
  /** The applications started under this ID number (the limits' uses keyed by its HMAC). */
  applicationsOf(idNumber: string): Promise<string[]>;
  close(): void | Promise<void>;
}

/** An absent table (a store never opened on this host) holds no rows. */
const orNone = <T>(fn: () => T, none: T): T => {
  try {
    return fn();
  } catch (err) {
    if (/no such table/.test(String((err as Error).message))) return none;
    throw err;
  }
};

export class SqlitePersonRows implements PersonRows {
  private readonly sessions: Database.Database;
  private readonly limits: Database.Database;

  constructor(
    files: { sessions: string; limits: string },
    private readonly hmacKey: string,
  ) {
    this.sessions = new Database(files.sessions);
    this.limits = new Database(files.limits);
    for (const db of [this.sessions, this.limits]) db.pragma('busy_timeout = 5000');
  }

  async forgetApplication(applicationId: string) {
    const id = applicationId.toLowerCase();
    const s = orNone(
      () => this.sessions.prepare('DELETE FROM sessions WHERE application_id = ?').run(id).changes,
      0,
    );
    const u = orNone(() => this.limits.prepare('DELETE FROM uses WHERE ref = ?').run(id).changes, 0);
    return s + u;
  }

  async applicationsOf(idNumber: string) {
    const key = limitKey(this.hmacKey, 'idNumber', idNumber);
    return orNone(
      () =>
        (
          this.limits
            .prepare("SELECT DISTINCT ref FROM uses WHERE kind = 'idNumber' AND key = ? ORDER BY ref")
            .all(key) as { ref: string }[]
        ).map((r) => r.ref),
      [] as string[],
    );
  }

  close() {
    this.sessions.close();
    this.limits.close();
  }
}

export class PostgresPersonRows implements PersonRows {
  private readonly db: PostgresHandle;

  constructor(
    url: string,
    private readonly hmacKey: string,
  ) {
    this.db = sharedPool(url);
  }

  private async run(sql: string, values: unknown[]) {
    return this.db.pool.query(sql, values).catch((err: { code?: string }) => {
      if (err.code === '42P01') return { rowCount: 0, rows: [] }; // undefined_table: never opened here
      throw err;
    });
  }

  async forgetApplication(applicationId: string) {
    const id = applicationId.toLowerCase();
    const s = await this.run('DELETE FROM sessions WHERE application_id = $1', [id]);
    const u = await this.run('DELETE FROM daily_limit_uses WHERE ref = $1', [id]);
    return (s.rowCount ?? 0) + (u.rowCount ?? 0);
  }

  async applicationsOf(idNumber: string) {
    const { rows } = await this.run(
      "SELECT DISTINCT ref FROM daily_limit_uses WHERE kind = 'idNumber' AND key = $1 ORDER BY ref",
      [limitKey(this.hmacKey, 'idNumber', idNumber)],
    );
    return (rows as { ref: string }[]).map((r) => r.ref);
  }

  close() {
    return this.db.release();
  }
}

/** As stores/api-stores.ts places the API's stores: PostgreSQL with DATABASE_URL, else DATA_DIR's files. */
export function personRowsFromConfig(config: {
  dataDir: string;
  databaseUrl?: string | undefined;
  counterHmacKey: string;
}): PersonRows {
  return config.databaseUrl
    ? new PostgresPersonRows(config.databaseUrl, config.counterHmacKey)
    : new SqlitePersonRows(
        {
          sessions: path.join(config.dataDir, 'api-sessions.db'),
          limits: path.join(config.dataDir, 'api-limits.db'),
        },
        config.counterHmacKey,
      );
}
