/**
 * PostgreSQL for the state that several hosts share (DATABASE_URL): daily limits, idempotency
 * records, the audit log and the wrapped data keys. One pool per URL per process, shared by the
 * stores of that process and ended when the last of them closes. Each store creates its own
 * tables on first use, under an advisory lock so that several processes starting at once do not
 * race on the catalogue.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

/** Loaded on first use: processes on the SQLite defaults never pay for it. */
let driver: typeof pg | undefined;
const loadPg = (): typeof pg => {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

interface Shared {
  pool: pg.Pool;
  refs: number;
}

const pools = new Map<string, Shared>();

/** Every process of a deployment reads the same tables; 10 connections each is plenty here. */
const POOL_SIZE = 10;

export interface PostgresHandle {
  pool: pg.Pool;
  /** Drops this store's share; the pool ends with the last one. */
  release(): Promise<void>;
}

/** The process's pool for `url`, shared with the other stores on it. */
export function sharedPool(url: string): PostgresHandle {
  let shared = pools.get(url);
  if (!shared) {
    const pool = new (loadPg().Pool)({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 30_000 });
    // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    shared = { pool, refs: 0 };
    pools.set(url, shared);
  }
  shared.refs += 1;
  const mine = shared;
  let released = false;
  return {
    pool: mine.pool,
    async release() {
      if (released) return;
      released = true;
      mine.refs -= 1;
      if (mine.refs === 0 && pools.get(url) === mine) {
        pools.delete(url);
        await mine.pool.end();
      }
    },
  };
}

/** Runs `fn` in a transaction on one connection: COMMIT when it returns, ROLLBACK when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE'; readOnly?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(
      `BEGIN ISOLATION LEVEL ${opts.isolation ?? 'READ COMMITTED'}${opts.readOnly ? ' READ ONLY' : ''}`,
    );
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** One lock id for every store's DDL: schema changes of different stores never interleave. */
const SCHEMA_LOCK = 7_233_001;

/** Creates what `ddl` describes (idempotent statements), serialised across processes. */
export function ensureSchema(pool: pg.Pool, ddl: string): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(ddl);
  });
}

/** A signed 64-bit advisory lock key from the first 8 bytes of a hex digest. */
export function lockKey(hex: string): string {
  return BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString();
}

/** A store that creates its tables once, lazily, and retries creation after a failure. */
export class SchemaOnce {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ddl: string,
  ) {}

  get(): Promise<void> {
    this.ready ??= ensureSchema(this.pool, this.ddl).catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }
}
