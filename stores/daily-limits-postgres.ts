/**
 * The daily abuse limits in PostgreSQL (DATABASE_URL), shared by every API instance: the same
 * rules as the SQLite adapter (stores/daily-limits.ts). A take locks each counter it touches
 * (transaction-scoped advisory locks, taken in one order so two takes never deadlock), counts,
 * and inserts, so two instances can never both take the last use of a card.
 */

import { type DailyLimitStore, type LimitKind, limitKey, type Use } from './daily-limits';
import { inTransaction, lockKey, type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS daily_limit_uses (
    kind TEXT NOT NULL, key TEXT NOT NULL, day TEXT NOT NULL, ref TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, key, day, ref));
`;

export class PostgresDailyLimits implements DailyLimitStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(
    url: string,
    private readonly hmacKey: string,
  ) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, SCHEMA);
  }

  async take(uses: Use[], ref: string, day: string): Promise<LimitKind | undefined> {
    await this.schema.get();
    const keyed = uses.map((u) => ({ ...u, key: limitKey(this.hmacKey, u.kind, u.value) }));
    return inTransaction(this.db.pool, async (client) => {
      const locks = [
        ...new Set(keyed.map((u) => lockKey(limitKey(this.hmacKey, u.kind, `${u.key}:${day}`)))),
      ];
      locks.sort();
      for (const lock of locks) await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lock]);
      const fresh: typeof keyed = [];
      for (const u of keyed) {
        const seen = await client.query(
          'SELECT 1 FROM daily_limit_uses WHERE kind = $1 AND key = $2 AND day = $3 AND ref = $4',
          [u.kind, u.key, day, ref],
        );
        if (seen.rowCount === 0) fresh.push(u);
      }
      for (const u of fresh) {
        const { rows } = await client.query<{ n: number }>(
          'SELECT COUNT(*)::int AS n FROM daily_limit_uses WHERE kind = $1 AND key = $2 AND day = $3',
          [u.kind, u.key, day],
        );
        if (rows[0]!.n >= u.limit) return u.kind;
      }
      for (const u of fresh) {
        await client.query('INSERT INTO daily_limit_uses (kind, key, day, ref) VALUES ($1, $2, $3, $4)', [
          u.kind,
          u.key,
          day,
          ref,
        ]);
      }
      return undefined;
    });
  }

  async count(kind: LimitKind, value: string, day: string): Promise<number> {
    await this.schema.get();
    const { rows } = await this.db.pool.query<{ n: number }>(
      'SELECT COUNT(*)::int AS n FROM daily_limit_uses WHERE kind = $1 AND key = $2 AND day = $3',
      [kind, limitKey(this.hmacKey, kind, value), day],
    );
    return rows[0]!.n;
  }

  async release(kind: LimitKind, value: string, ref: string, day: string): Promise<void> {
    await this.schema.get();
    await this.db.pool.query(
      'DELETE FROM daily_limit_uses WHERE kind = $1 AND key = $2 AND day = $3 AND ref = $4',
      [kind, limitKey(this.hmacKey, kind, value), day, ref],
    );
  }

  close(): Promise<void> {
    return this.db.release();
  }
}
