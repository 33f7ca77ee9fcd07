/**
 * The hash chain, the same for every adapter: each entry's hash is SHA-256 over the previous
 * entry's hash and the canonical JSON (sorted keys, absent fields left out) of its stored
 * fields, its seq included. Changing, removing or reordering any stored entry breaks the chain at
 * that entry or the next one.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-json';
import type { ChainCheck, StoredAuditEntry } from './log';

/** The prevHash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

export function entryHash(prevHash: string, e: Omit<StoredAuditEntry, 'prevHash' | 'hash'>): string {
  // Named one by one: a property an adapter adds by mistake is not hashed, nor a hashed one forgotten.
  const fields = {
    seq: e.seq,
    id: e.id,
    at: e.at,
    recordedAt: e.recordedAt,
    actor: e.actor,
    action: e.action,
    applicationId: e.applicationId,
    accountRef: e.accountRef,
    reason: e.reason,
    round: e.round,
    ruleVersion: e.ruleVersion,
    refs: e.refs,
    sealedNote: e.sealedNote,
  };
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(fields)}`)
    .digest('hex');
}

/**
 * Checks entries in seq order, one at a time (a log of millions of entries is streamed, never
 * loaded): `next` answers what is wrong with an entry, or undefined.
 */
export class ChainVerifier {
  private last: { seq: number; hash: string } | undefined;
  private count = 0;

  next(e: StoredAuditEntry): string | undefined {
    const expectedSeq = (this.last?.seq ?? 0) + 1;
    if (e.seq !== expectedSeq) {
      return `seq ${e.seq} follows ${this.last ? `seq ${this.last.seq}` : 'the start'}: seq ${expectedSeq} is missing`;
    }
    if (e.prevHash !== (this.last?.hash ?? GENESIS_HASH)) {
      return this.last
        ? `prevHash is not the hash of seq ${this.last.seq}: an entry before it was changed or replaced`
        : 'prevHash of the first entry is not the genesis hash';
    }
    if (entryHash(e.prevHash, e) !== e.hash)
      return 'hash does not match the stored fields: the entry was changed';
    this.last = { seq: e.seq, hash: e.hash };
    this.count += 1;
    return undefined;
  }

  broken(e: { seq: number; id: string }, problem: string): ChainCheck {
    return { ok: false, count: this.count, broken: { seq: e.seq, id: e.id, problem } };
  }

  result(): ChainCheck {
    return { ok: true, count: this.count, ...(this.last && { head: this.last }) };
  }
}
