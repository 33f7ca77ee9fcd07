/**
 * The wrapped data keys in PostgreSQL (DATABASE_URL), shared by every worker, API, codec server
 * and key command of a deployment: the same records and rules as the SQLite adapter
 * (stores/data-key-store.ts). The store never holds a key in the clear; a shred clears the
 * wrapped key and keeps a tombstone. PostgreSQL keeps the old row version until VACUUM reclaims
 * it, so a shred runs `VACUUM` on the table afterwards when it can (outside a transaction);
 * the wrapped key is useless without the master key in any case.
 */

import {
  type DataKeyRecord,
  type DataKeyRow,
  type DataKeyStore,
  fromRow,
  type WrappedDataKey,
} from './data-key-store';
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS data_keys (
    key_id TEXT PRIMARY KEY,
    master_key_id TEXT,
    wrapped BYTEA,
    created_at TEXT NOT NULL,
    shredded_at TEXT
  );
  CREATE TABLE IF NOT EXISTS workflow_owners (
    workflow_id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    bound_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS workflow_owners_by_application ON workflow_owners (application_id);
`;

export class PostgresDataKeyStore implements DataKeyStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, SCHEMA);
  }

  private async row(keyId: string): Promise<DataKeyRecord | undefined> {
    const { rows } = await this.db.pool.query<DataKeyRow>('SELECT * FROM data_keys WHERE key_id = $1', [
      keyId,
    ]);
    return rows[0] && fromRow(rows[0]);
  }

  async get(keyId: string) {
    await this.schema.get();
    return this.row(keyId);
  }

  async insert(key: WrappedDataKey) {
    await this.schema.get();
    await this.db.pool.query(
      'INSERT INTO data_keys (key_id, master_key_id, wrapped, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [key.keyId, key.masterKeyId, Buffer.from(key.wrapped), key.createdAt],
    );
    return (await this.row(key.keyId))!;
  }

  async rewrap(keyId: string, masterKeyId: string, wrapped: Uint8Array) {
    await this.schema.get();
    await this.db.pool.query(
      'UPDATE data_keys SET master_key_id = $1, wrapped = $2 WHERE key_id = $3 AND shredded_at IS NULL',
      [masterKeyId, Buffer.from(wrapped), keyId],
    );
  }

  async shred(keyId: string, at: string) {
    await this.schema.get();
    const live = await this.db.pool.query(
      'UPDATE data_keys SET wrapped = NULL, master_key_id = NULL, shredded_at = $1 WHERE key_id = $2 AND shredded_at IS NULL',
      [at, keyId],
    );
    if (live.rowCount === 0) {
      // Never seen (or shredded already): a tombstone all the same, so no key is made under it later.
      await this.db.pool.query(
        'INSERT INTO data_keys (key_id, created_at, shredded_at) VALUES ($1, $2, $2) ON CONFLICT DO NOTHING',
        [keyId, at],
      );
    }
    // The old row version holds the wrapped key until vacuumed; a failure here is not the shred's.
    await this.db.pool.query('VACUUM data_keys').catch(() => {});
    return (live.rowCount ?? 0) > 0;
  }

  async list() {
    await this.schema.get();
    const { rows } = await this.db.pool.query<DataKeyRow>(
      'SELECT * FROM data_keys ORDER BY key_id COLLATE "C"',
    );
    return rows.map(fromRow);
  }

  async bindWorkflow(workflowId: string, applicationId: string, at: string) {
    await this.schema.get();
    await this.db.pool.query(
      'INSERT INTO workflow_owners (workflow_id, application_id, bound_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [workflowId, applicationId, at],
    );
    return (await this.ownerOfWorkflow(workflowId))!;
  }

  async ownerOfWorkflow(workflowId: string) {
    await this.schema.get();
    const { rows } = await this.db.pool.query<{ application_id: string }>(
      'SELECT application_id FROM workflow_owners WHERE workflow_id = $1',
      [workflowId],
    );
    return rows[0]?.application_id;
  }

  async workflowsOf(applicationId: string) {
    await this.schema.get();
    const { rows } = await this.db.pool.query<{ workflow_id: string }>(
      'SELECT workflow_id FROM workflow_owners WHERE application_id = $1 ORDER BY workflow_id COLLATE "C"',
      [applicationId],
    );
    return rows.map((r) => r.workflow_id);
  }

  close() {
    void this.db.release();
  }
}
