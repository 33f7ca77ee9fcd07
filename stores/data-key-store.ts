/**
 * Where wrapped data keys live, one per application (plus the deployment's fallback key). The
 * store never sees a key in the clear: each record is the data key encrypted under a master key
 * of the KMS. Shredding deletes the wrapped key and leaves a tombstone, so that a later read can
 * say "shredded on ..." rather than "unknown", and no key is ever created again under that id.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface WrappedDataKey {
  keyId: string;
  /** The master key that wrapped it (rotation: rewrap moves it to the current one). */
  masterKeyId: string;
  wrapped: Uint8Array;
  createdAt: string;
}

export interface ShreddedDataKey {
  keyId: string;
  shreddedAt: string;
}

export type DataKeyRecord = WrappedDataKey | ShreddedDataKey;

export const isShredded = (r: DataKeyRecord): r is ShreddedDataKey => 'shreddedAt' in r;

export interface DataKeyStore {
  get(keyId: string): Promise<DataKeyRecord | undefined>;
  /** Stores the key unless the id has a record already; answers the record that is stored. */
  insert(key: WrappedDataKey): Promise<DataKeyRecord>;
  /** Replaces the wrapping of a live key (master key rotation); a shredded key stays shredded. */
  rewrap(keyId: string, masterKeyId: string, wrapped: Uint8Array): Promise<void>;
  /** Deletes the wrapped key for good, keeping a tombstone; false when there was no live key. */
  shred(keyId: string, at: string): Promise<boolean>;
  list(): Promise<DataKeyRecord[]>;
  /**
   * Binds a workflow whose id names no application (an agreement signing) to the application
   * whose data it carries, so its payloads are sealed under that application's key. The first
   * binding stays (a workflow's payloads never change key); answers the bound application. A
   * binding outlives a shred: the workflow's later payloads must fail, not fall back.
   */
  bindWorkflow(workflowId: string, applicationId: string, at: string): Promise<string>;
  ownerOfWorkflow(workflowId: string): Promise<string | undefined>;
  /** The workflows bound to an application (what a shred must also reach). */
  workflowsOf(applicationId: string): Promise<string[]>;
  close?(): void;
}

/** In memory: tests and the replay of recorded histories (their keys come from a committed file). */
export class MemoryDataKeyStore implements DataKeyStore {
  private readonly records = new Map<string, DataKeyRecord>();

  constructor(initial: DataKeyRecord[] = []) {
    for (const r of initial) this.records.set(r.keyId, r);
  }

  async get(keyId: string) {
    return this.records.get(keyId);
  }

  async insert(key: WrappedDataKey) {
    const existing = this.records.get(key.keyId);
    if (existing) return existing;
    this.records.set(key.keyId, key);
    return key;
  }

  async rewrap(keyId: string, masterKeyId: string, wrapped: Uint8Array) {
    const r = this.records.get(keyId);
    if (r && !isShredded(r)) this.records.set(keyId, { ...r, masterKeyId, wrapped });
  }

  async shred(keyId: string, at: string) {
    const r = this.records.get(keyId);
    this.records.set(keyId, { keyId, shreddedAt: r && isShredded(r) ? r.shreddedAt : at });
    return Boolean(r && !isShredded(r));
  }

  async list() {
    return [...this.records.values()];
  }

  private readonly owners = new Map<string, string>();

  async bindWorkflow(workflowId: string, applicationId: string) {
    if (!this.owners.has(workflowId)) this.owners.set(workflowId, applicationId);
    return this.owners.get(workflowId)!;
  }

  async ownerOfWorkflow(workflowId: string) {
    return this.owners.get(workflowId);
  }

  async workflowsOf(applicationId: string) {
    return [...this.owners].filter(([, owner]) => owner === applicationId).map(([id]) => id);
  }
}

/** A data key as both SQL stores keep it. */
export interface DataKeyRow {
  key_id: string;
  master_key_id: string | null;
  wrapped: Buffer | null;
  created_at: string;
  shredded_at: string | null;
}

/**
 * One SQLite file shared by the processes of one machine (API, worker, codec server, the shred
 * command): WAL, and a busy timeout for the rare concurrent first write of a key.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten with zeros, so a shredded key is not left in free pages.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
      key_id TEXT PRIMARY KEY,
      master_key_id TEXT,
      wrapped BLOB,
      created_at TEXT NOT NULL,
      shredded_at TEXT
    )`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS workflow_owners (
      workflow_id TEXT PRIMARY KEY,
      application_id TEXT NOT NULL,
      bound_at TEXT NOT NULL
    )`);
    this.db.exec(
      'CREATE INDEX IF NOT EXISTS workflow_owners_by_application ON workflow_owners (application_id)',
    );
  }

  private row(keyId: string): DataKeyRecord | undefined {
    const row = this.db.prepare('SELECT * FROM data_keys WHERE key_id = ?').get(keyId) as
      | DataKeyRow
      | undefined;
    return row && fromRow(row);
  }

  async get(keyId: string) {
    return this.row(keyId);
  }

  async insert(key: WrappedDataKey) {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO data_keys (key_id, master_key_id, wrapped, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(key.keyId, key.masterKeyId, Buffer.from(key.wrapped), key.createdAt);
    return this.row(key.keyId)!;
  }

  async rewrap(keyId: string, masterKeyId: string, wrapped: Uint8Array) {
    this.db
      .prepare('UPDATE data_keys SET master_key_id = ?, wrapped = ? WHERE key_id = ? AND shredded_at IS NULL')
      .run(masterKeyId, Buffer.from(wrapped), keyId);
  }

  async shred(keyId: string, at: string) {
    const live = this.db
      .prepare(
        'UPDATE data_keys SET wrapped = NULL, master_key_id = NULL, shredded_at = ? WHERE key_id = ? AND shredded_at IS NULL',
      )
      .run(at, keyId);
    if (live.changes === 0) {
      // Never seen (or shredded already): a tombstone all the same, so no key is made under it later.
      this.db
        .prepare('INSERT OR IGNORE INTO data_keys (key_id, created_at, shredded_at) VALUES (?, ?, ?)')
        .run(keyId, at, at);
    }
    // The wrapped key must not linger in free pages or the WAL.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return live.changes > 0;
  }

  async list() {
    return (this.db.prepare('SELECT * FROM data_keys ORDER BY key_id').all() as DataKeyRow[]).map(fromRow);
  }

  async bindWorkflow(workflowId: string, applicationId: string, at: string) {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO workflow_owners (workflow_id, application_id, bound_at) VALUES (?, ?, ?)',
      )
      .run(workflowId, applicationId, at);
    return (await this.ownerOfWorkflow(workflowId))!;
  }

  async ownerOfWorkflow(workflowId: string) {
    const row = this.db
      .prepare('SELECT application_id FROM workflow_owners WHERE workflow_id = ?')
      .get(workflowId) as { application_id: string } | undefined;
    return row?.application_id;
  }

  async workflowsOf(applicationId: string) {
    return (
      this.db
        .prepare('SELECT workflow_id FROM workflow_owners WHERE application_id = ? ORDER BY workflow_id')
        .all(applicationId) as { workflow_id: string }[]
    ).map((r) => r.workflow_id);
  }

  close() {
    this.db.close();
  }
}

export function fromRow(row: DataKeyRow): DataKeyRecord {
  if (row.shredded_at || !row.wrapped || !row.master_key_id) {
    return { keyId: row.key_id, shreddedAt: row.shredded_at ?? row.created_at };
  }
  return {
    keyId: row.key_id,
    masterKeyId: row.master_key_id,
    wrapped: new Uint8Array(row.wrapped),
    createdAt: row.created_at,
  };
}
