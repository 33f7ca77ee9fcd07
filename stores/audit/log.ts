/**
 * The audit log's store: one port, an adapter per database (SQLite here, the embedded default;
 * PostgreSQL in production). Adapters store and chain entries; they know nothing of HMACs,
 * notes or keys (trail.ts does), so a new adapter is the SQL for four operations plus the chain
 * rules of chain.ts.
 */
import type { AuditAction } from '../../domain/audit';

/** An entry's stored fields: what is hashed into the chain. References only, never personal data. */
export interface AuditRecord {
  /** Chosen by the caller; unique: a second append with the same id writes nothing. */
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  applicationId: string;
  /** HMAC-SHA256 hex of the account number under the deployment's key. */
  accountRef?: string;
  reason?: string;
  round?: number;
  ruleVersion?: string;
  refs?: Record<string, string>;
  /** Free text sealed under the application's data key (base64 envelope): unreadable once shredded. */
  sealedNote?: string;
  /** When the store wrote it (the log's clock; `at` is when it happened). */
  recordedAt: string;
}

export interface StoredAuditEntry extends AuditRecord {
  /** 1, 2, 3, ... in append order, with no gaps. */
  seq: number;
  prevHash: string;
  hash: string;
}

/** A checkpoint as verify names it (checkpoints.ts). */
export interface CheckpointRef {
  count: number;
  headHash: string;
  at: string;
  keyId: string;
  file?: string;
}

export type ChainCheck =
  | {
      ok: true;
      count: number;
      head?: { seq: number; hash: string };
      /** The latest checkpoint verify was given, which the log agrees with. */
      checkpoint?: CheckpointRef;
    }
  | {
      ok: false;
      /** Entries before the broken one, which verified. */
      count: number;
      broken: {
        seq: number;
        /** Absent when the entry is missing altogether (truncated). */
        id?: string;
        problem: string;
        /** Present when the chain verifies but disagrees with a checkpoint. */
        finding?: 'truncated' | 'rewritten';
        checkpoint?: CheckpointRef;
      };
    };

export interface VerifyOptions {
  /** Valid checkpoints (checkpoints.ts) the log must agree with: their count reached, their hash at it. */
  checkpoints?: readonly CheckpointRef[];
}

export interface AuditLog {
  /**
   * Appends the record as the next entry, in one transaction that reads the last hash and
   * inserts, serialised across processes. Idempotent by `record.id`: when the id is stored
   * already, nothing is written and the stored entry is the answer (`appended: false`).
   */
  append(record: AuditRecord): Promise<{ entry: StoredAuditEntry; appended: boolean }>;
  /**
   * Entries about an account, oldest first: those carrying its reference, and those of the same
   * applications that carry none (document views, crypto-shredding).
   */
  listByAccount(accountRef: string): Promise<StoredAuditEntry[]>;
  /**
   * Recomputes the chain from the first entry, and compares it with the checkpoints given: ok
   * with the count, or the first broken entry.
   */
  verify(opts?: VerifyOptions): Promise<ChainCheck>;
  close(): void;
}
