/**
 * An audit entry as both SQL adapters store it, one column per field: the chain is computed over
 * the entry (chain.ts), so both must read and write exactly the same fields.
 */
import type { AuditAction } from '../../domain/audit';
import type { StoredAuditEntry } from './log';

export interface Row {
  /** PostgreSQL answers a bigint as a string. */
  seq: string | number;
  id: string;
  at: string;
  recorded_at: string;
  actor: string;
  action: string;
  application_id: string;
  account_ref: string | null;
  reason: string | null;
  round: number | null;
  rule_version: string | null;
  refs: string | null;
  sealed_note: string | null;
  prev_hash: string;
  hash: string;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function fromRow(row: Row): StoredAuditEntry {
  const entry: StoredAuditEntry = {
    seq: Number(row.seq),
    id: row.id,
    at: row.at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    action: row.action as AuditAction,
    applicationId: row.application_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  const optional = {
    accountRef: opt(row.account_ref),
    reason: opt(row.reason),
    round: opt(row.round),
    ruleVersion: opt(row.rule_version),
    refs: row.refs === null ? undefined : (JSON.parse(row.refs) as Record<string, string>),
    sealedNote: opt(row.sealed_note),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(entry, { [k]: v });
  return entry;
}

export function toRow(e: StoredAuditEntry): Row {
  return {
    seq: e.seq,
    id: e.id,
    at: e.at,
    recorded_at: e.recordedAt,
    actor: e.actor,
    action: e.action,
    application_id: e.applicationId,
    account_ref: e.accountRef ?? null,
    reason: e.reason ?? null,
    round: e.round ?? null,
    rule_version: e.ruleVersion ?? null,
    refs: e.refs === undefined ? null : JSON.stringify(e.refs),
    sealed_note: e.sealedNote ?? null,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}
