/**
 * Per-day abuse limits that must survive a restart and hold across API instances sharing the
 * file: how many applications a card, a phone, an ID number or a caller's token may start each
 * day. Keys are HMACs under a secret key, not bare hashes: an 18-character ID number or an
 * 11-digit mobile is found again from its plain SHA-256 in minutes. Re-sending the same
 * application counts once.
 *
 * The port is `DailyLimitStore`; this file is its SQLite adapter (one machine: `npm start`), and
 * stores/daily-limits-postgres.ts the one several API hosts share (DATABASE_URL).
 */
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * `agreementMismatch`: signings refused because the elements did not match the account's holder,
 * and those still being checked (per account). `agreementSms`: signing codes sent to the account's
 * holder, and those that may still be (per account). `uploads`: documents uploaded by a session or
 * a tenant (api/upload-quota.ts).
 */
export type LimitKind =
  | 'card'
  | 'mobile'
  | 'idNumber'
  | 'caller'
  | 'agreementMismatch'
  | 'agreementSms'
  | 'uploads';

export interface Use {
  kind: LimitKind;
  value: string;
  limit: number;
}

export interface DailyLimitStore {
  /**
   * Records `ref` (an application id) against every value for `day`, all or nothing, or answers
   * the first limit already reached (and records nothing). A ref seen before counts once.
   */
  take(uses: Use[], ref: string, day: string): LimitKind | undefined | Promise<LimitKind | undefined>;
  /** How many refs are recorded against the value for `day`. */
  count(kind: LimitKind, value: string, day: string): number | Promise<number>;
  /**
   * Forgets `ref` against the value for `day`: a use taken before its outcome was known, which
   * turned out not to be one (a signing whose elements matched is no mismatch).
   */
  release(kind: LimitKind, value: string, ref: string, day: string): void | Promise<void>;
  close(): void | Promise<void>;
}

/** The keyed HMAC that stands for a value in the counters (both adapters use it). */
export const limitKey = (hmacKey: string, kind: LimitKind, value: string): string =>
  createHmac('sha256', hmacKey).update(`${kind}:${value}`).digest('hex');

export class DailyLimits implements DailyLimitStore {
  private readonly db: Database.Database;
  private readonly take_: (uses: Use[], ref: string, day: string) => LimitKind | undefined;
  private readonly count_: (kind: LimitKind, value: string, day: string) => number;
  private readonly release_: (kind: LimitKind, value: string, ref: string, day: string) => void;

  constructor(file: string, hmacKey: string) {
    const keyOf = (kind: LimitKind, value: string) => limitKey(hmacKey, kind, value);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS uses (
      kind TEXT NOT NULL, key TEXT NOT NULL, day TEXT NOT NULL, ref TEXT NOT NULL,
      PRIMARY KEY (kind, key, day, ref))`);
    const seen = this.db.prepare('SELECT 1 FROM uses WHERE kind = ? AND key = ? AND day = ? AND ref = ?');
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM uses WHERE kind = ? AND key = ? AND day = ?');
    const insert = this.db.prepare('INSERT INTO uses (kind, key, day, ref) VALUES (?, ?, ?, ?)');
    const remove = this.db.prepare('DELETE FROM uses WHERE kind = ? AND key = ? AND day = ? AND ref = ?');
    this.count_ = (kind, value, day) => (count.get(kind, keyOf(kind, value), day) as { n: number }).n;
    this.release_ = (kind, value, ref, day) => {
      remove.run(kind, keyOf(kind, value), day, ref);
    };
    // One transaction, all or nothing: two API processes cannot both take the last use, and a
    // refusal on one limit records nothing on the others.
    this.take_ = this.db.transaction((uses: Use[], ref: string, day: string) => {
      const fresh = uses
        .map((u) => ({ ...u, key: keyOf(u.kind, u.value) }))
        .filter((u) => !seen.get(u.kind, u.key, day, ref));
      const over = fresh.find((u) => (count.get(u.kind, u.key, day) as { n: number }).n >= u.limit);
      if (over) return over.kind;
      for (const u of fresh) insert.run(u.kind, u.key, day, ref);
      return undefined;
    });
  }

  /** Records `ref` (an application id) against every value today, or answers the first limit reached. */
  take(uses: Use[], ref: string, day: string): LimitKind | undefined {
    return this.take_(uses, ref, day);
  }

  count(kind: LimitKind, value: string, day: string): number {
    return this.count_(kind, value, day);
  }

  release(kind: LimitKind, value: string, ref: string, day: string): void {
    this.release_(kind, value, ref, day);
  }

  close(): void {
    this.db.close();
  }
}
