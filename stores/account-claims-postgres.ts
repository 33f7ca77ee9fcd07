/** Claims on accounts in PostgreSQL (DATABASE_URL): one operator's claim is seen by every API instance. */
import path from 'node:path';
import type { Claim } from '../domain/review';
import {
  ACCOUNT_CLAIMS_SCHEMA,
  type AccountClaimStore,
  CLAIM_SQL,
  type ReleaseOutcome,
  SqliteAccountClaimStore,
} from './account-claims';
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';

export class PostgresAccountClaimStore implements AccountClaimStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, `${ACCOUNT_CLAIMS_SCHEMA};`);
  }

  async claim(subject: string, by: string, until: Date, now: Date): Promise<Claim> {
    await this.schema.get();
    await this.db.pool.query(
      CLAIM_SQL((n) => `$${n}`),
      [subject, by, until.toISOString(), now.toISOString()],
    );
    const { rows } = await this.db.pool.query<{ claimed_by: string; claimed_until: string }>(
      'SELECT claimed_by, claimed_until FROM account_claims WHERE subject = $1',
      [subject],
    );
    return { claimedBy: rows[0]!.claimed_by, until: rows[0]!.claimed_until };
  }

  async release(subject: string, by: string, anyone: boolean, now: Date): Promise<ReleaseOutcome> {
    await this.schema.get();
    const { rows } = await this.db.pool.query<{ claimed_by: string }>(
      'SELECT claimed_by FROM account_claims WHERE subject = $1 AND claimed_until > $2',
      [subject, now.toISOString()],
    );
    const holder = rows[0]?.claimed_by;
    if (holder === undefined) return 'NONE';
    if (holder !== by && !anyone) return 'NOT_HOLDER';
    await this.db.pool.query('DELETE FROM account_claims WHERE subject = $1 AND claimed_by = $2', [
      subject,
      holder,
    ]);
    return 'RELEASED';
  }

  async live(subjects: readonly string[], now: Date): Promise<Map<string, Claim>> {
    await this.schema.get();
    const found = new Map<string, Claim>();
    if (subjects.length === 0) return found;
    const { rows } = await this.db.pool.query<{ subject: string; claimed_by: string; claimed_until: string }>(
      'SELECT subject, claimed_by, claimed_until FROM account_claims WHERE claimed_until > $1 AND subject = ANY($2)',
      [now.toISOString(), [...subjects]],
    );
    for (const r of rows) found.set(r.subject, { claimedBy: r.claimed_by, until: r.claimed_until });
    return found;
  }

  close(): Promise<void> {
    return this.db.release();
  }
}

export function accountClaimStoreFromConfig(config: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): AccountClaimStore {
  if (config.databaseUrl) return new PostgresAccountClaimStore(config.databaseUrl);
  return new SqliteAccountClaimStore(path.join(config.dataDir, 'account-claims.db'));
}
