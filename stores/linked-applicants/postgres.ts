/**
 * The linked-applicants store in PostgreSQL (DATABASE_URL), shared by every API and worker host:
 * the same rules as the SQLite adapter (./sqlite.ts). A record takes a transaction-scoped
 * advisory lock per device and mobile it counts on (in one order, so two records never
 * deadlock), then reads, inserts and counts: two hosts recording on one device at once are
 * ordered, and the second counts the first. Without the lock each would count before the
 * other's insert is committed and both would answer rank 1.
 */
import { createHash } from 'node:crypto';
import { inTransaction, lockKey, type PostgresHandle, SchemaOnce, sharedPool } from '../postgres';
import {
  checkLinkInput,
  type LinkedApplicantsStore,
  type LinkInput,
  type LinkKind,
  linksOf,
  PRUNE_GRACE_MS,
} from './store';

/** As in ./sqlite.ts: `seq` is the order of first records (a rank), `expires` is for pruning. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS linked_applicants (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('device', 'mobile')),
    key TEXT NOT NULL,
    id_key TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    UNIQUE (kind, key, id_key));
  CREATE INDEX IF NOT EXISTS linked_applicants_expires ON linked_applicants (expires);
`;

/** Pruning is a sweep over every key: once a minute per process is plenty, not on every record. */
const PRUNE_EVERY_MS = 60_000;

const linkLock = (kind: LinkKind, key: string): string =>
  lockKey(createHash('sha256').update(`linked-applicants:${kind}:${key}`).digest('hex'));

type Ranks = { rankOnDevice: number; rankOnMobile: number };

export class PostgresLinkedApplicants implements LinkedApplicantsStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;
  private lastPrune = 0;

  private constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, SCHEMA);
  }

  /** Creates the table when missing and prunes what expired before now. */
  static async open(url: string): Promise<PostgresLinkedApplicants> {
    const store = new PostgresLinkedApplicants(url);
    try {
      await store.schema.get();
      await store.prune(Date.now());
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async record(input: LinkInput): Promise<Ranks> {
    checkLinkInput(input);
    await this.schema.get();
    const at = input.at.getTime();
    const windowMs = input.windowSeconds * 1000;
    const since = at - windowMs;
    const links = linksOf(input);
    const ranks = await inTransaction(this.db.pool, async (client) => {
      const locks = [...new Set(links.map((l) => linkLock(l.kind, l.key)))].sort();
      for (const lock of locks) await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lock]);
      const out: number[] = [];
      for (const { kind, key } of links) {
        const seen = await client.query<{ seq: string; first_seen: string }>(
          'SELECT seq, first_seen FROM linked_applicants WHERE kind = $1 AND key = $2 AND id_key = $3',
          [kind, key, input.idKey],
        );
        const row = seen.rows[0];
        // pg answers BIGINT as a string; seq stays one (compared in SQL), first_seen is ms since 1970.
        let seq: string;
        if (row && Number(row.first_seen) > since) {
          seq = row.seq;
        } else {
          // First seen here, or last seen before the window: a new link, ranked after those in it.
          if (row) await client.query('DELETE FROM linked_applicants WHERE seq = $1', [row.seq]);
          const inserted = await client.query<{ seq: string }>(
            `INSERT INTO linked_applicants (kind, key, id_key, first_seen, expires)
             VALUES ($1, $2, $3, $4, $5) RETURNING seq`,
            [kind, key, input.idKey, at, at + windowMs],
          );
          seq = inserted.rows[0]!.seq;
        }
        const counted = await client.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM linked_applicants
           WHERE kind = $1 AND key = $2 AND seq <= $3 AND first_seen > $4`,
          [kind, key, seq, since],
        );
        out.push(counted.rows[0]!.n);
      }
      return out;
    });
    if (at - this.lastPrune >= PRUNE_EVERY_MS) await this.prune(at);
    return { rankOnDevice: ranks[0]!, rankOnMobile: ranks[1] ?? 0 };
  }

  /**
   * Deletes rows whose window (and grace) ended before `now`, outside any record's transaction:
   * it touches other keys' rows, which a record's locks do not cover. Those rows count for no
   * one any more, so a failed sweep (two hosts sweeping the same rows) is left to the next.
   */
  private async prune(now: number): Promise<void> {
    this.lastPrune = now;
    await this.db.pool
      .query('DELETE FROM linked_applicants WHERE expires < $1', [now - PRUNE_GRACE_MS])
      .catch(() => {});
  }

  close(): Promise<void> {
    return this.db.release();
  }
}
