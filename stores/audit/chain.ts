/**
 * The hash chain, the same for every adapter: each entry's hash is SHA-256 over the previous
 * entry's hash and the canonical JSON (sorted keys, absent fields left out) of its stored
 * fields, its seq included. Changing, removing or reordering any stored entry breaks the chain at
 * that entry or the next one.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-json';
import type { ChainCheck, CheckpointRef, StoredAuditEntry } from './log';

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
 * loaded): `next` answers undefined, or the check's answer naming the broken entry. Given
 * checkpoints, it also checks that the entry at each one's count has its hash, and `result`
 * that the log reaches the latest one's count.
 */
export class ChainVerifier {
  private last: { seq: number; hash: string } | undefined;
  private count = 0;
  private readonly checkpointsAt = new Map<number, CheckpointRef[]>();
  private readonly latestCheckpoint: CheckpointRef | undefined;
  /** The latest checkpoint passed so far that the log agrees with: a rewrite starts after it. */
  private agreed: CheckpointRef | undefined;

  constructor(checkpoints: readonly CheckpointRef[] = []) {
    for (const c of checkpoints)
      this.checkpointsAt.set(c.count, [...(this.checkpointsAt.get(c.count) ?? []), c]);
    this.latestCheckpoint = checkpoints.reduce<CheckpointRef | undefined>(
      (latest, c) => (!latest || c.count > latest.count ? c : latest),
      undefined,
    );
  }

  /** Undefined when the entry verifies, else the check's answer naming it. */
  next(e: StoredAuditEntry): ChainCheck | undefined {
    const problem = this.chainProblem(e);
    if (problem) return this.broken(e, problem);
    this.last = { seq: e.seq, hash: e.hash };
    this.count += 1;
    return this.againstCheckpoints(e);
  }

  private chainProblem(e: StoredAuditEntry): string | undefined {
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
    return undefined;
  }

  /**
   * Once the entry chains: undefined when no checkpoint at its seq disagrees, else the rewrite,
   * placed between the last checkpoint that agrees and this one.
   */
  private againstCheckpoints(e: StoredAuditEntry): ChainCheck | undefined {
    for (const c of this.checkpointsAt.get(e.seq) ?? []) {
      if (c.headHash === e.hash) {
        this.agreed = c;
        continue;
      }
      const since = this.agreed
        ? `after seq ${this.agreed.count}, which the checkpoint of ${this.agreed.at} still agrees with`
        : 'from the first entry on, as far as the checkpoints show';
      return {
        ok: false,
        // The entries before it chain, but a rewrite may have started before it: count is what chains.
        count: this.count - 1,
        broken: {
          seq: e.seq,
          id: e.id,
          problem: `the hash differs from the checkpoint of ${c.at} (${c.count} entries, key ${c.keyId}): the log was rewritten at or before seq ${e.seq}, ${since}`,
          finding: 'rewritten',
          checkpoint: c,
        },
      };
    }
    return undefined;
  }

  broken(e: { seq: number; id: string }, problem: string): ChainCheck {
    return { ok: false, count: this.count, broken: { seq: e.seq, id: e.id, problem } };
  }

  result(): ChainCheck {
    const latest = this.latestCheckpoint;
    if (latest && latest.count > this.count) {
      const missing = latest.count - this.count;
      return {
        ok: false,
        count: this.count,
        broken: {
          seq: this.count + 1,
          problem: `the log ends at seq ${this.count} but the checkpoint of ${latest.at} (key ${latest.keyId}) counted ${latest.count} entries: ${missing} ${missing === 1 ? 'entry is' : 'entries are'} missing`,
          finding: 'truncated',
          checkpoint: latest,
        },
      };
    }
    return {
      ok: true,
      count: this.count,
      ...(this.last && { head: this.last }),
      ...(latest && { checkpoint: latest }),
    };
  }
}
