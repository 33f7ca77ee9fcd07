/**
 * The audit log in a SQLite file (the embedded default: <DATA_DIR>/audit.db), shared by the
 * worker, the API and the commands of one machine. Appends run in `BEGIN IMMEDIATE`
 * transactions, so two processes never chain onto the same last entry; triggers refuse UPDATE
 * and DELETE, so the log is append-only to anything short of someone editing the file, which
 * the chain then exposes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChainVerifier, entryHash, GENESIS_HASH } from './chain';
import type { AuditLog, AuditRecord, ChainCheck, StoredAuditEntry, VerifyOptions } from './log';
import { fromRow, type Row, toRow } from './rows';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
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
  CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export class SqliteAuditLog implements AuditLog {
  private readonly db: Database.Database;
  private readonly append_: (record: AuditRecord) => { entry: StoredAuditEntry; appended: boolean };

  /** `readonly` opens an existing file for reading only (the verify command). */
  constructor(file: string, opts: { readonly?: boolean } = {}) {
    if (opts.readonly) {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
    } else {
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    }
    const byId = this.db.prepare('SELECT * FROM audit_log WHERE id = ?');
    const last = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const insert = opts.readonly
      ? undefined
      : this.db.prepare(`INSERT INTO audit_log
          (seq, id, at, recorded_at, actor, action, application_id, account_ref, reason, round,
           rule_version, refs, sealed_note, prev_hash, hash)
          VALUES (@seq, @id, @at, @recorded_at, @actor, @action, @application_id, @account_ref,
           @reason, @round, @rule_version, @refs, @sealed_note, @prev_hash, @hash)`);
    const tx = this.db.transaction((record: AuditRecord) => {
      const existing = byId.get(record.id) as Row | undefined;
      if (existing) return { entry: fromRow(existing), appended: false };
      const tail = last.get() as { seq: number; hash: string } | undefined;
      const seq = (tail?.seq ?? 0) + 1;
      const prevHash = tail?.hash ?? GENESIS_HASH;
      const entry: StoredAuditEntry = {
        ...record,
        seq,
        prevHash,
        hash: entryHash(prevHash, { ...record, seq }),
      };
      insert!.run(toRow(entry));
      return { entry, appended: true };
    });
    // BEGIN IMMEDIATE takes the write lock before reading the last hash: appends from several
    // processes queue (busy_timeout) instead of chaining onto the same entry.
    this.append_ = (record) => tx.immediate(record);
  }

  async append(record: AuditRecord) {
    return this.append_(record);
  }

  async listByAccount(accountRef: string) {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log
         WHERE account_ref = @ref
            OR (account_ref IS NULL
                AND application_id IN (SELECT application_id FROM audit_log WHERE account_ref = @ref))
         ORDER BY seq`,
      )
      .all({ ref: accountRef }) as Row[];
    return rows.map(fromRow);
  }

  async verify(opts: VerifyOptions = {}): Promise<ChainCheck> {
    const verifier = new ChainVerifier(opts.checkpoints);
    // Streamed in one read transaction: appends made meanwhile are not seen half-way.
    const read = this.db.transaction(() => {
      for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<Row>) {
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
      return verifier.result();
    });
    return read.deferred();
  }

  close(): void {
    this.db.close();
  }
}
