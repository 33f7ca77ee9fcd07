/**
 * Legal holds (docs/retention.md): while one stands on an application, nothing of it is
 * destroyed, by the retention Schedule or by hand (`npm run shred`). A hold on an account is kept
 * as a hold on the application that opened it (the account's reference): that application's key
 * is what destruction would shred.
 *
 * The port is `LegalHoldStore`; this file is its SQLite adapter (the processes of one host share
 * the file under DATA_DIR), stores/legal-holds-postgres.ts the one every host shares
 * (DATABASE_URL). `LegalHolds` is the supervisors' service on top: it checks the target exists
 * and audits each placing and release.
 */
import { randomBytes } from 'node:crypto';
import { type Client, isGrpcServiceError } from '@temporalio/client';
import Database from 'better-sqlite3';
import type { AuditRecorder, CoreBanking } from '../adapters/ports';
import { ConflictError, NotFoundError } from '../api/services/errors';
import type { LegalHold, PlaceLegalHold } from '../domain/legal-holds';
import { onboardingWorkflowId } from '../domain/workflow-ids';

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

export interface LegalHoldsDeps {
  store: LegalHoldStore;
  audit: AuditRecorder;
  coreBanking: Pick<CoreBanking, 'getAccount'>;
  /** Whether the application exists (its onboarding workflow, in Temporal). */
  applicationExists(applicationId: string): Promise<boolean>;
  clock?: () => Date;
}

/** The supervisors' legal holds: each placing and release checked, stored, then audited. */
export class LegalHolds {
  private readonly clock: () => Date;

  constructor(private readonly deps: LegalHoldsDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async place(request: PlaceLegalHold, supervisor: string): Promise<LegalHold> {
    let applicationId: string;
    let accountNumber: string | undefined;
    if (request.accountNumber !== undefined) {
      const account = await this.deps.coreBanking.getAccount(request.accountNumber);
      if (!account) throw new NotFoundError('no account with this number');
      applicationId = account.reference.toLowerCase();
      accountNumber = account.accountNumber;
    } else {
      // The schema lets exactly one of the two through.
      applicationId = request.applicationId!;
      if (!(await this.deps.applicationExists(applicationId)))
        throw new NotFoundError('no application with this id');
    }
    const hold: LegalHold = {
      legalHoldId: `lh-${randomBytes(16).toString('hex')}`,
      applicationId,
      ...(accountNumber && { accountNumber }),
      status: 'STANDING',
      reason: request.reason,
      placedBy: supervisor,
      placedAt: this.clock().toISOString(),
    };
    await this.deps.store.place(hold);
    await this.deps.audit.record({
      id: `${hold.legalHoldId}:LEGAL_HOLD_PLACED`,
      at: hold.placedAt,
      actor: supervisor,
      action: 'LEGAL_HOLD_PLACED',
      applicationId,
      ...(accountNumber && { accountNumber }),
      reason: 'LEGAL_HOLD',
      refs: { legalHoldId: hold.legalHoldId },
      // Free text: sealed under the application's key in the log.
      note: request.reason,
    });
    return hold;
  }

  async release(legalHoldId: string, reason: string, supervisor: string): Promise<LegalHold> {
    const before = await this.deps.store.get(legalHoldId);
    if (!before) throw new NotFoundError('no legal hold with this id');
    if (before.status === 'RELEASED') {
      throw new ConflictError(`this legal hold was released at ${before.releasedAt}`, { hold: before });
    }
    const released = await this.deps.store.release(legalHoldId, {
      releasedBy: supervisor,
      releasedAt: this.clock().toISOString(),
      releaseReason: reason,
    });
    // Released by someone else between the two reads: theirs is the release.
    if (!released || released.releasedBy !== supervisor || released.releaseReason !== reason) {
      throw new ConflictError(`this legal hold was released at ${released?.releasedAt}`);
    }
    await this.deps.audit.record({
      id: `${legalHoldId}:LEGAL_HOLD_RELEASED`,
      at: released.releasedAt!,
      actor: supervisor,
      action: 'LEGAL_HOLD_RELEASED',
      applicationId: released.applicationId,
      ...(released.accountNumber && { accountNumber: released.accountNumber }),
      reason: 'LEGAL_HOLD',
      refs: { legalHoldId },
      note: reason,
    });
    return released;
  }

  list(): Promise<LegalHold[]> {
    return this.deps.store.list();
  }
}

const GRPC_NOT_FOUND = 5;

/**
 * Whether an application exists: its onboarding workflow is known to Temporal (running or
 * closed, within the namespace's retention). Raw gRPC: the status is all it needs, and the SDK's
 * describe() would decode the memo, which fails once the application's key is shredded.
 */
export function onboardingExists(client: Client): (applicationId: string) => Promise<boolean> {
  return async (applicationId) => {
    try {
      await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId: onboardingWorkflowId(applicationId) },
      });
      return true;
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return false;
      throw err;
    }
  };
}
