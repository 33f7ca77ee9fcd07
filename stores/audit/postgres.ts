/**
 * The audit log in PostgreSQL (DATABASE_URL), shared by every worker, API and command of a
 * deployment. The chain is chain.ts's, the same as SQLite's. An append is one transaction that
 * takes a transaction-scoped advisory lock (one per log), reads the last hash and inserts, so
 * appends from any number of hosts are serialised and never chain onto the same entry. Triggers
 * refuse UPDATE, DELETE and TRUNCATE: the table is append-only to anyone short of its owner
 * dropping the triggers, and the chain exposes any edit made that way.
 */
import { inTransaction, type PostgresHandle, SchemaOnce, sharedPool } from '../postgres';
import { ChainVerifier, entryHash, GENESIS_HASH } from './chain';
import type { AuditLog, AuditRecord, ChainCheck, StoredAuditEntry, VerifyOptions } from './log';
import { fromRow, type Row, toRow } from './rows';

const APPEND_LOCK = 7_233_002;
const VERIFY_BATCH = 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    application_id TEXT NOT NULL,
    account_ref TEXT,
    reason TEXT,
    round INTEGER,
    rule_version TEXT,
    refs TEXT,
    sealed_note TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_log_account ON audit_log (account_ref);
  CREATE INDEX IF NOT EXISTS audit_log_application ON audit_log (application_id);
  CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_no_update') THEN
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    END IF;
  END $$;
`;

const COLUMNS =
  'seq, id, at, recorded_at, actor, action, application_id, account_ref, reason, round, rule_version, refs, sealed_note, prev_hash, hash';

export class PostgresAuditLog implements AuditLog {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, SCHEMA);
  }

  async append(record: AuditRecord): Promise<{ entry: StoredAuditEntry; appended: boolean }> {
    await this.schema.get();
    return inTransaction(this.db.pool, async (client) => {
      // Serialises appends across every process on this database: the lock is held to COMMIT.
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      const existing = await client.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE id = $1`, [record.id]);
      if (existing.rows[0]) return { entry: fromRow(existing.rows[0]), appended: false };
      const tail = await client.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      const seq = Number(tail.rows[0]?.seq ?? 0) + 1;
      const prevHash = tail.rows[0]?.hash ?? GENESIS_HASH;
      const entry: StoredAuditEntry = {
        ...record,
        seq,
        prevHash,
        hash: entryHash(prevHash, { ...record, seq }),
      };
      const r = toRow(entry);
      await client.query(
        `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          r.seq,
          r.id,
          r.at,
          r.recorded_at,
          r.actor,
          r.action,
          r.application_id,
          r.account_ref,
          r.reason,
          r.round,
          r.rule_version,
          r.refs,
          r.sealed_note,
          r.prev_hash,
          r.hash,
        ],
      );
      return { entry, appended: true };
    });
  }

  async listByAccount(accountRef: string): Promise<StoredAuditEntry[]> {
    await this.schema.get();
    const { rows } = await this.db.pool.query<Row>(
      `SELECT ${COLUMNS} FROM audit_log
       WHERE account_ref = $1
          OR (account_ref IS NULL
              AND application_id IN (SELECT application_id FROM audit_log WHERE account_ref = $1))
       ORDER BY seq`,
      [accountRef],
    );
    return rows.map(fromRow);
  }

  /** Streams the log in seq order in batches, inside one snapshot: appends made meanwhile are not seen. */
  async verify(opts: VerifyOptions = {}): Promise<ChainCheck> {
    await this.schema.get();
    return inTransaction(
      this.db.pool,
      async (client) => {
        const verifier = new ChainVerifier(opts.checkpoints);
        let after = 0;
        for (;;) {
          const { rows } = await client.query<Row>(
            `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${VERIFY_BATCH}`,
            [after],
          );
          for (const row of rows) {
            let entry: StoredAuditEntry;
            try {
              entry = fromRow(row);
            } catch (err) {
              return verifier.broken(
                { seq: Number(row.seq), id: row.id },
                `unreadable: ${(err as Error).message}`,
              );
            }
            const broken = verifier.next(entry);
            if (broken) return broken;
          }
          if (rows.length < VERIFY_BATCH) return verifier.result();
          after = Number(rows[rows.length - 1]!.seq);
        }
      },
      { isolation: 'REPEATABLE READ', readOnly: true },
    );
  }

  close(): void {
    void this.db.release();
  }
}
