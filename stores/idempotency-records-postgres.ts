/**
 * Idempotency-Key records in PostgreSQL (DATABASE_URL), shared by every API instance: one
 * INSERT ... ON CONFLICT DO NOTHING decides who was first, across hosts as across processes.
 * The same rules as the SQLite adapter (stores/idempotency-records.ts).
 */

import { type Claim, type IdempotencyRecords, requestMac } from './idempotency-records';
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL, key TEXT NOT NULL, request TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (scope, key));
`;

export class PostgresIdempotencyRecords implements IdempotencyRecords {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(
    url: string,
    private readonly hmacKey: string,
  ) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, SCHEMA);
  }

  async claim(scope: string, key: string, request: string): Promise<Claim> {
    await this.schema.get();
    const mac = requestMac(this.hmacKey, request);
    const inserted = await this.db.pool.query(
      'INSERT INTO idempotency_keys (scope, key, request, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [scope, key, mac, new Date().toISOString()],
    );
    if (inserted.rowCount === 1) return 'FIRST';
    const { rows } = await this.db.pool.query<{ request: string }>(
      'SELECT request FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    return rows[0]!.request === mac ? 'REPEAT' : 'MISMATCH';
  }

  close(): Promise<void> {
    return this.db.release();
  }
}
