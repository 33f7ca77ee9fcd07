/**
 * The linked-applicants store in one SQLite file that the API and worker processes of one
 * machine share (WAL, as stores/daily-limits.ts). A record runs in one BEGIN IMMEDIATE
 * transaction: it takes the file's write lock before reading, so two processes recording on the
 * same device at once are ordered, and the second counts the first (ranks 1 and 2).
 */
import Database from 'better-sqlite3';
import { checkLinkInput, type LinkedApplicantsStore, type LinkInput, linksOf, PRUNE_GRACE_MS } from './store';

/**
 * `seq` orders the identities on a key by when they were first recorded, which is what a rank
 * is: the caller's `at` can disagree between hosts (clocks) and between attempts, the order of
 * the file's writes cannot. `expires` is first-seen plus the window, for pruning.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS linked_applicants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('device', 'mobile')),
    key TEXT NOT NULL,
    id_key TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    UNIQUE (kind, key, id_key));
  CREATE INDEX IF NOT EXISTS linked_applicants_expires ON linked_applicants (expires);
`;

type Ranks = { rankOnDevice: number; rankOnMobile: number };

export class SqliteLinkedApplicants implements LinkedApplicantsStore {
  private readonly db: Database.Database;
  private readonly record_: (input: LinkInput) => Ranks;

  private constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    const find = this.db.prepare<[string, string, string], { seq: number; first_seen: number }>(
      'SELECT seq, first_seen FROM linked_applicants WHERE kind = ? AND key = ? AND id_key = ?',
    );
    const forget = this.db.prepare<[number]>('DELETE FROM linked_applicants WHERE seq = ?');
    const insert = this.db.prepare<[string, string, string, number, number]>(
      'INSERT INTO linked_applicants (kind, key, id_key, first_seen, expires) VALUES (?, ?, ?, ?, ?)',
    );
    const rank = this.db.prepare<[string, string, number, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM linked_applicants WHERE kind = ? AND key = ? AND seq <= ? AND first_seen > ?',
    );
    const prune = this.db.prepare<[number]>('DELETE FROM linked_applicants WHERE expires < ?');
    const record = this.db.transaction((input: LinkInput): Ranks => {
      const at = input.at.getTime();
      const windowMs = input.windowSeconds * 1000;
      const since = at - windowMs;
      prune.run(at - PRUNE_GRACE_MS);
      const ranks = linksOf(input).map(({ kind, key }) => {
        const seen = find.get(kind, key, input.idKey);
        let seq: number;
        if (seen && seen.first_seen > since) {
          seq = seen.seq;
        } else {
          // First seen here, or last seen before the window: a new link, ranked after those in it.
          if (seen) forget.run(seen.seq);
          seq = Number(insert.run(kind, key, input.idKey, at, at + windowMs).lastInsertRowid);
        }
        return rank.get(kind, key, seq, since)!.n;
      });
      return { rankOnDevice: ranks[0]!, rankOnMobile: ranks[1] ?? 0 };
    });
    // IMMEDIATE: the write lock before the first read. Deferred, a process that read before
    // another wrote cannot upgrade to writing (its snapshot is stale) and fails with SQLITE_BUSY.
    this.record_ = (input) => record.immediate(input);
  }

  /** Opens (and creates) the file, pruning what expired before now. */
  static async open(file: string): Promise<SqliteLinkedApplicants> {
    const store = new SqliteLinkedApplicants(file);
    store.db.prepare('DELETE FROM linked_applicants WHERE expires < ?').run(Date.now() - PRUNE_GRACE_MS);
    return store;
  }

  async record(input: LinkInput): Promise<Ranks> {
    checkLinkInput(input);
    return this.record_(input);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
