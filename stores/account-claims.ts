/**
 * Claims on accounts the console's risk-life lists show (re-verification due or overdue; appealed
 * once restrictions land): a lease an operator takes by opening the account, so two do not work
 * on one, as the review console claims a case. A review's claim lives in its workflow; an account
 * on these lists has no workflow of its own, so its claim lives here, server-side, shared by every
 * API instance (PostgreSQL with DATABASE_URL: stores/account-claims-postgres.ts).
 *
 * The row is keyed by the list and the account (`subject`): account numbers are kept here as the
 * sessions table keeps them, never in logs or visibility.
 */
import Database from 'better-sqlite3';
import type { Claim } from '../domain/review';

export type ReleaseOutcome = 'RELEASED' | 'NONE' | 'NOT_HOLDER';

export interface AccountClaimStore {
  /**
   * Takes the claim for `by` until `until`, or renews theirs; someone else's live claim stays.
   * Answers the claim as it stands afterwards: `by`'s, or the other holder's.
   */
  claim(subject: string, by: string, until: Date, now: Date): Promise<Claim>;
  /** Ends a live claim: its holder's, or anyone's when `anyone` (a supervisor). */
  release(subject: string, by: string, anyone: boolean, now: Date): Promise<ReleaseOutcome>;
  /** The live claims among `subjects`. */
  live(subjects: readonly string[], now: Date): Promise<Map<string, Claim>>;
  close(): void | Promise<void>;
}

export const ACCOUNT_CLAIMS_SCHEMA = `CREATE TABLE IF NOT EXISTS account_claims (
  subject TEXT PRIMARY KEY,
  claimed_by TEXT NOT NULL,
  claimed_until TEXT NOT NULL
)`;

/**
 * One statement takes, renews or leaves the claim, so two operators racing for one account cannot
 * both win: the row changes only when it is free (lapsed) or already the caller's. Instants are
 * ISO strings of one format, so they compare as text.
 */
export const CLAIM_SQL = (p: (n: number) => string) =>
  `INSERT INTO account_claims (subject, claimed_by, claimed_until) VALUES (${p(1)}, ${p(2)}, ${p(3)})
   ON CONFLICT (subject) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
   WHERE account_claims.claimed_until <= ${p(4)} OR account_claims.claimed_by = excluded.claimed_by`;

export class SqliteAccountClaimStore implements AccountClaimStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(ACCOUNT_CLAIMS_SCHEMA);
  }

  async claim(subject: string, by: string, until: Date, now: Date): Promise<Claim> {
    this.db.prepare(CLAIM_SQL(() => '?')).run(subject, by, until.toISOString(), now.toISOString());
    const row = this.db
      .prepare<[string], { claimed_by: string; claimed_until: string }>(
        'SELECT claimed_by, claimed_until FROM account_claims WHERE subject = ?',
      )
      .get(subject)!;
    return { claimedBy: row.claimed_by, until: row.claimed_until };
  }

  async release(subject: string, by: string, anyone: boolean, now: Date): Promise<ReleaseOutcome> {
    const row = this.db
      .prepare<[string, string], { claimed_by: string }>(
        'SELECT claimed_by FROM account_claims WHERE subject = ? AND claimed_until > ?',
      )
      .get(subject, now.toISOString());
    if (!row) return 'NONE';
    if (row.claimed_by !== by && !anyone) return 'NOT_HOLDER';
    this.db
      .prepare('DELETE FROM account_claims WHERE subject = ? AND claimed_by = ?')
      .run(subject, row.claimed_by);
    return 'RELEASED';
  }

  async live(subjects: readonly string[], now: Date): Promise<Map<string, Claim>> {
    const found = new Map<string, Claim>();
    if (subjects.length === 0) return found;
    const rows = this.db
      .prepare<string[], { subject: string; claimed_by: string; claimed_until: string }>(
        `SELECT subject, claimed_by, claimed_until FROM account_claims
         WHERE claimed_until > ? AND subject IN (${subjects.map(() => '?').join(', ')})`,
      )
      .all(now.toISOString(), ...subjects);
    for (const r of rows) found.set(r.subject, { claimedBy: r.claimed_by, until: r.claimed_until });
    return found;
  }

  close(): void {
    this.db.close();
  }
}
