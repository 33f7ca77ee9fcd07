/**
 * Legal holds in PostgreSQL (DATABASE_URL): a hold placed through one API instance stops the
 * retention Schedule on every worker. The same rules as stores/legal-holds.ts.
 */
import path from 'node:path';
import type { LegalHold } from '../domain/legal-holds';
import {
  holdOfRow,
  holdValues,
  LEGAL_HOLDS_SCHEMA,
  type LegalHoldRow,
  type LegalHoldStore,
  LIST_ORDER,
  SqliteLegalHoldStore,
} from './legal-holds';
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

export class PostgresLegalHoldStore implements LegalHoldStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, `${LEGAL_HOLDS_SCHEMA};`);
  }

  private async rows(sql: string, values: unknown[] = []): Promise<LegalHoldRow[]> {
    await this.schema.get();
    return (await this.db.pool.query<LegalHoldRow>(sql, values)).rows;
  }

  async place(h: LegalHold): Promise<void> {
    await this.rows(
      `INSERT INTO legal_holds (legal_hold_id, application_id, account_number, reason, placed_by, placed_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [...holdValues(h)],
    );
  }

  async release(
    id: string,
    r: { releasedBy: string; releasedAt: string; releaseReason: string },
  ): Promise<LegalHold | undefined> {
    await this.rows(
      `UPDATE legal_holds SET released_by = $1, released_at = $2, release_reason = $3
       WHERE legal_hold_id = $4 AND released_at IS NULL`,
      [r.releasedBy, r.releasedAt, r.releaseReason, id],
    );
    return this.get(id);
  }

  async get(id: string): Promise<LegalHold | undefined> {
    const [row] = await this.rows('SELECT * FROM legal_holds WHERE legal_hold_id = $1', [id]);
    return row && holdOfRow(row);
  }

  async list(): Promise<LegalHold[]> {
    return (await this.rows(`SELECT * FROM legal_holds ${LIST_ORDER}`)).map(holdOfRow);
  }

  async standingOn(applicationId: string): Promise<LegalHold[]> {
    return (
      await this.rows('SELECT * FROM legal_holds WHERE application_id = $1 AND released_at IS NULL', [
        applicationId.toLowerCase(),
      ])
    ).map(holdOfRow);
  }

  close(): Promise<void> {
    return this.db.release();
  }
}

/** The holds store as configured: PostgreSQL with DATABASE_URL, else a SQLite file under DATA_DIR. */
export function legalHoldStoreFromConfig(config: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): LegalHoldStore {
  if (config.databaseUrl) return new PostgresLegalHoldStore(config.databaseUrl);
  return new SqliteLegalHoldStore(path.join(config.dataDir, 'legal-holds.db'));
}
