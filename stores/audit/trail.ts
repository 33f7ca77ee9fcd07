/**
 * The audit log as its callers use it: the `audit` activity (review decisions, holds, freezes,
 * re-submissions), the API (document views; GET /v1/audit) and the shred command. Events come in
 * with the facts in the clear and are stored as references: the account number as a keyed HMAC,
 * a note sealed under the application's data key.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { AuditRecorder } from '../../adapters/ports';
import { type AuditEntry, type AuditEvent, auditEventSchema } from '../../domain/audit';
import type { Checkpointer } from './checkpoints';
import type { AuditLog, ChainCheck, StoredAuditEntry } from './log';
import type { Sealer } from './sealer';

export interface AuditTrailOptions {
  log: AuditLog;
  /** Keys the account references: the same key must read the log for as long as it is kept. */
  hmacKey: string;
  sealer: Sealer;
  clock?: () => Date;
  /** Writes signed checkpoints of the entries this trail appends, outside the log (checkpoints.ts). */
  checkpoints?: Checkpointer;
}

export class AuditTrail implements AuditRecorder {
  readonly log: AuditLog;
  private readonly hmacKey: string;
  private readonly sealer: Sealer;
  private readonly clock: () => Date;
  readonly checkpoints: Checkpointer | undefined;

  constructor(opts: AuditTrailOptions) {
    this.log = opts.log;
    this.hmacKey = opts.hmacKey;
    this.sealer = opts.sealer;
    this.clock = opts.clock ?? (() => new Date());
    this.checkpoints = opts.checkpoints;
  }

  /** What the log stores for an account number: HMAC-SHA256, hex. */
  accountRef(accountNumber: string): string {
    return createHmac('sha256', this.hmacKey).update(`audit-account:${accountNumber}`).digest('hex');
  }

  /**
   * Appends the event once: a second call with the same id writes nothing and answers the
   * entry stored the first time (a retried activity, a re-run command).
   */
  async record(event: AuditEvent): Promise<AuditEntry> {
    const { accountNumber, note, ...facts } = auditEventSchema.parse(event);
    const sealedNote = note === undefined ? undefined : await this.sealer.seal(facts.applicationId, note);
    const { entry, appended } = await this.log.append({
      ...facts,
      ...(accountNumber !== undefined && { accountRef: this.accountRef(accountNumber) }),
      // A note for an application already shredded is dropped: it may not be stored in the clear.
      ...(sealedNote !== undefined && { sealedNote }),
      recordedAt: this.clock().toISOString(),
    });
    if (appended) this.checkpoints?.appended(entry);
    return publicEntry(entry);
  }

  /** A member of staff looked at a stored document: one entry per view (`viewId`, new by default). */
  recordDocumentView(view: {
    applicationId: string;
    documentId: string;
    viewer: string;
    accountNumber?: string;
    reviewId?: string;
    /** Why it was opened, as a code (e.g. `REVIEW`). */
    reason?: string;
    viewId?: string;
    at?: Date;
  }): Promise<AuditEntry> {
    return this.record({
      id: `document-view:${view.viewId ?? randomUUID()}`,
      at: (view.at ?? this.clock()).toISOString(),
      actor: view.viewer,
      action: 'DOCUMENT_VIEWED',
      applicationId: view.applicationId,
      ...(view.accountNumber && { accountNumber: view.accountNumber }),
      ...(view.reason && { reason: view.reason }),
      refs: { documentId: view.documentId, ...(view.reviewId && { reviewId: view.reviewId }) },
    });
  }

  /**
   * The application's data key was destroyed (call it once the shred succeeded). One entry per
   * application: running the shred command again records nothing more.
   */
  recordCryptoShred(shred: {
    applicationId: string;
    /** Who ran it. */
    actor: string;
    /** Why, as a code (e.g. `ERASURE_REQUEST`, `RETENTION_EXPIRED`). */
    reason: string;
    keyId: string;
    accountNumber?: string;
    at?: Date;
  }): Promise<AuditEntry> {
    return this.record({
      id: `${shred.applicationId.toLowerCase()}:CRYPTO_SHREDDED`,
      at: (shred.at ?? this.clock()).toISOString(),
      actor: shred.actor,
      action: 'CRYPTO_SHREDDED',
      applicationId: shred.applicationId,
      ...(shred.accountNumber && { accountNumber: shred.accountNumber }),
      reason: shred.reason,
      refs: { keyId: shred.keyId },
    });
  }

  /** Every entry about an account, oldest first, as supervisors read them. */
  async forAccount(accountNumber: string): Promise<AuditEntry[]> {
    return (await this.log.listByAccount(this.accountRef(accountNumber))).map(publicEntry);
  }

  /**
   * The notes of an account's entries, opened (an authorised investigation; no route serves
   * this): undefined where the application was shredded.
   */
  async openNotes(accountNumber: string): Promise<{ seq: number; id: string; note: string | undefined }[]> {
    const entries = await this.log.listByAccount(this.accountRef(accountNumber));
    return Promise.all(
      entries
        .filter((e) => e.sealedNote !== undefined)
        .map(async (e) => ({
          seq: e.seq,
          id: e.id,
          note: await this.sealer.open(e.applicationId, e.sealedNote!),
        })),
    );
  }

  verify(): Promise<ChainCheck> {
    return this.log.verify();
  }

  close(): void {
    this.checkpoints?.close();
    this.log.close();
  }
}

/** What GET /v1/audit serves of a stored entry: no account reference, no sealed text. */
export function publicEntry(e: StoredAuditEntry): AuditEntry {
  return {
    seq: e.seq,
    id: e.id,
    at: e.at,
    actor: e.actor,
    action: e.action,
    applicationId: e.applicationId,
    ...(e.reason !== undefined && { reason: e.reason }),
    ...(e.round !== undefined && { round: e.round }),
    ...(e.ruleVersion !== undefined && { ruleVersion: e.ruleVersion }),
    ...(e.refs !== undefined && { refs: e.refs }),
    ...(e.sealedNote !== undefined && { noteSealed: true }),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
