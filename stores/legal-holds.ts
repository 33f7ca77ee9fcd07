/**
 * Legal holds (docs/retention.md): while one stands on an application, nothing of it is
 * destroyed, by the retention Schedule or by hand (`npm run shred`). A hold on an account is kept
 * as a hold on the application that opened it (the account's reference): that application's key
 * is what destruction would shred.
 *
 * The port is `LegalHoldStore`; this file is its SQLite adapter (the processes of one host share
 * the file under DATA_DIR), stores/legal-holds-postgres.ts the one every host shares
 * (DATABASE_URL). The supervisors' service on top, which checks the target exists and audits
 * each placing and release, is api/services/legal-holds.ts.
 */
import Database from 'better-sqlite3';
import type { LegalHold } from '../domain/legal-holds';

export interface LegalHoldStore {
  place(hold: LegalHold): Promise<void>;
  /** Releases a standing hold; answers the hold as stored afterwards (undefined: unknown id). */
  release(
    legalHoldId: string,
    release: { releasedBy: string; releasedAt: string; releaseReason: string },
  ): Promise<LegalHold | undefined>;
  get(legalHoldId: string): Promise<LegalHold | undefined>;
  /** Every hold, standing first, newest first. Holds are few (one per court case), never paged. */
  list(): Promise<LegalHold[]>;
  /** The holds standing on an application: what destruction asks before it destroys. */
  standingOn(applicationId: string): Promise<LegalHold[]>;
  close(): void | Promise<void>;
}

export const LEGAL_HOLDS_SCHEMA = `CREATE TABLE IF NOT EXISTS legal_holds (
  legal_hold_id TEXT PRIMARY KEY, application_id TEXT NOT NULL, account_number TEXT,
  reason TEXT NOT NULL, placed_by TEXT NOT NULL, placed_at TEXT NOT NULL,
  released_by TEXT, released_at TEXT, release_reason TEXT);
CREATE INDEX IF NOT EXISTS legal_holds_application ON legal_holds (application_id, released_at)`;

export interface LegalHoldRow {
  legal_hold_id: string;
  application_id: string;
  account_number: string | null;
  reason: string;
  placed_by: string;
  placed_at: string;
  released_by: string | null;
  released_at: string | null;
  release_reason: string | null;
}

/** A row of either adapter as a hold (both store the same columns). */
export const holdOfRow = (r: LegalHoldRow): LegalHold => ({
  legalHoldId: r.legal_hold_id,
  applicationId: r.application_id,
  ...(r.account_number && { accountNumber: r.account_number }),
  status: r.released_at ? 'RELEASED' : 'STANDING',
  reason: r.reason,
  placedBy: r.placed_by,
  placedAt: r.placed_at,
  ...(r.released_by && { releasedBy: r.released_by }),
  ...(r.released_at && { releasedAt: r.released_at }),
  ...(r.release_reason && { releaseReason: r.release_reason }),
});

/** The INSERT's values, in column order (both adapters). */
export const holdValues = (h: LegalHold) =>
  [h.legalHoldId, h.applicationId, h.accountNumber ?? null, h.reason, h.placedBy, h.placedAt] as const;

export const LIST_ORDER = 'ORDER BY (released_at IS NULL) DESC, placed_at DESC, legal_hold_id';

export class SqliteLegalHoldStore implements LegalHoldStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(LEGAL_HOLDS_SCHEMA);
  }

  async place(h: LegalHold): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO legal_holds (legal_hold_id, application_id, account_number, reason, placed_by, placed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(...holdValues(h));
  }

  async release(
    id: string,
    r: { releasedBy: string; releasedAt: string; releaseReason: string },
  ): Promise<LegalHold | undefined> {
    this.db
      .prepare(
        `UPDATE legal_holds SET released_by = ?, released_at = ?, release_reason = ?
         WHERE legal_hold_id = ? AND released_at IS NULL`,
      )
      .run(r.releasedBy, r.releasedAt, r.releaseReason, id);
    return this.get(id);
  }

  async get(id: string): Promise<LegalHold | undefined> {
    const row = this.db.prepare('SELECT * FROM legal_holds WHERE legal_hold_id = ?').get(id) as
      | LegalHoldRow
      | undefined;
    return row && holdOfRow(row);
  }

  async list(): Promise<LegalHold[]> {
    return (this.db.prepare(`SELECT * FROM legal_holds ${LIST_ORDER}`).all() as LegalHoldRow[]).map(
      holdOfRow,
    );
  }

  async standingOn(applicationId: string): Promise<LegalHold[]> {
    return (
      this.db
        .prepare('SELECT * FROM legal_holds WHERE application_id = ? AND released_at IS NULL')
        .all(applicationId.toLowerCase()) as LegalHoldRow[]
    ).map(holdOfRow);
  }

  close(): void {
    this.db.close();
  }
}
