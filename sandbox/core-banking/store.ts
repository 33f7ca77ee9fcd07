/**
 * The core banking sandbox's ledger of accounts, bindings and holds in one SQLite file. Account
 * status is never stored: it is derived from the active holds, so lifting one hold can never
 * leave a stale status behind while another hold still applies.
 */
import type Database from 'better-sqlite3';
import type { CoreAccount } from '../../contracts/core-banking';
import { maskCardNumber } from '../../domain/masking';
import { IdempotencyStore, idempotencySchemaSql } from '../idempotency';
import { openDatabase, type Sql, statementCache } from '../sqlite';
import { PaymentsStore } from './payments-store';

const SCHEMA = `
${idempotencySchemaSql}
CREATE TABLE IF NOT EXISTS accounts (
  account_number TEXT PRIMARY KEY,
  account_class TEXT NOT NULL,
  channel TEXT NOT NULL,
  reference TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  customer_id_number TEXT NOT NULL,
  customer_mobile TEXT NOT NULL, -- '' when the flow asked for none (v2)
  daily_cny REAL NOT NULL,
  yearly_cny REAL NOT NULL,
  balance_cap_cny REAL,
  opened_at TEXT NOT NULL,
  partner_id TEXT,
  closed_at TEXT,
  close_reason TEXT,
  id_valid_until TEXT -- YYYY-MM-DD or LONG; NULL when never recorded
);
CREATE INDEX IF NOT EXISTS accounts_by_person ON accounts (customer_id_number, account_class);
CREATE INDEX IF NOT EXISTS accounts_by_opening ON accounts (opened_at);
CREATE TABLE IF NOT EXISTS bindings (
  account_number TEXT PRIMARY KEY REFERENCES accounts (account_number),
  number TEXT NOT NULL,
  kind TEXT NOT NULL,
  bound_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS holds (
  account_number TEXT NOT NULL REFERENCES accounts (account_number),
  hold_id TEXT NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  placed_at TEXT NOT NULL,
  lifted_at TEXT,
  PRIMARY KEY (account_number, hold_id)
);
`;

/**
 * A page of the expiry sweep. Its first line of WHERE is accounts_by_id_expiry's, word for word:
 * SQLite uses a partial index only for a query whose WHERE repeats the index's. Exported so a
 * test can ask SQLite for this very statement's plan.
 */
export const ID_EXPIRING_SQL = `SELECT id_valid_until AS validUntil, account_number AS accountNumber FROM accounts
  WHERE closed_at IS NULL AND id_valid_until <> 'LONG'
    AND id_valid_until < @before
    AND (id_valid_until, account_number) > (@afterValid, @afterAccount)
  ORDER BY id_valid_until, account_number LIMIT @limit`;

/**
 * A page of the re-verification sweep: accounts due before @before, and accounts with no due date
 * kept opened before @unscheduledBefore, in (due date or else opening, account) order. Its first
 * line of WHERE and its ORDER BY are accounts_by_re_verification's, so SQLite walks that index
 * and stops at @until (the later of the two bounds) instead of sorting.
 */
export const RE_VERIFICATION_DUE_SQL = `SELECT COALESCE(re_verification_due_at, opened_at) AS at, account_number AS accountNumber
  FROM accounts
  WHERE closed_at IS NULL
    AND COALESCE(re_verification_due_at, opened_at) < @until
    AND (COALESCE(re_verification_due_at, opened_at), account_number) > (@afterAt, @afterAccount)
    AND ((re_verification_due_at IS NOT NULL AND re_verification_due_at < @before)
      OR (re_verification_due_at IS NULL AND opened_at < @unscheduledBefore))
  ORDER BY COALESCE(re_verification_due_at, opened_at), account_number LIMIT @limit`;

/**
 * A page of the dormancy sweep: open accounts whose last customer-initiated activity is in
 * [@from, @before), in (last activity, account) order. Its first line of WHERE and its ORDER BY
 * are accounts_by_customer_activity's, so SQLite walks that index from @from and stops at @before.
 */
export const IDLE_SQL = `SELECT last_customer_activity_at AS at, account_number AS accountNumber FROM accounts
  WHERE closed_at IS NULL
    AND last_customer_activity_at >= @from AND last_customer_activity_at < @before
    AND (last_customer_activity_at, account_number) > (@afterAt, @afterAccount)
  ORDER BY last_customer_activity_at, account_number LIMIT @limit`;

type AccountClass = CoreAccount['accountClass'];
type Hold = CoreAccount['holds'][number];
type BindingKind = NonNullable<CoreAccount['binding']>['kind'];

export interface NewAccount {
  accountNumber: string;
  accountClass: AccountClass;
  channel: string;
  partnerId?: string;
  reference: string;
  customer: { name: string; idNumber: string; mobile?: string };
  limits: CoreAccount['limits'];
  openedAt: string;
  idValidUntil?: string;
  riskRating?: string;
  reVerificationDueAt?: string;
}

/** Where a page of the re-verification listing ended: the last (due date or opening, account) it answered. */
export interface DuePosition {
  at: string;
  accountNumber: string;
}

/** Where a page of the id-expiring listing ended: the last (validity, account) it answered. */
export interface ExpiryPosition {
  validUntil: string;
  accountNumber: string;
}

export interface Holder {
  name: string;
  idNumber: string;
  /** '' when the flow asked for none (v2). */
  mobile: string;
}

interface AccountRow {
  accountNumber: string;
  accountClass: AccountClass;
  channel: string;
  partnerId: string | null;
  reference: string;
  dailyCny: number;
  yearlyCny: number;
  balanceCapCny: number | null;
  openedAt: string;
  closedAt: string | null;
  idValidUntil: string | null;
  riskRating: CoreAccount['riskRating'] | null;
  riskRatedAt: string | null;
  reVerificationDueAt: string | null;
  lastCustomerActivityAt: string | null;
}

interface BindingRow {
  number: string;
  kind: BindingKind;
  boundAt: string;
}

/** Closing is final and wins; otherwise the strictest active hold: frozen (不收不付) over receive-only (只收不付). */
export function deriveStatus(
  holds: ReadonlyArray<Pick<Hold, 'type'>>,
  closedAt: string | null = null,
): CoreAccount['status'] {
  if (closedAt !== null) return 'CLOSED';
  if (holds.some((hold) => hold.type === 'FROZEN')) return 'FROZEN';
  if (holds.some((hold) => hold.type === 'RECEIVE_ONLY')) return 'RECEIVE_ONLY';
  return 'ACTIVE';
}

/** ID numbers compare upper-cased: a trailing x and X are the same person. */
const personKey = (idNumber: string): string => idNumber.trim().toUpperCase();

export class CoreBankingStore {
  readonly idempotency: IdempotencyStore;
  /** Balances, the ledger, agreements and debits (payments-store.ts), in the same file and transactions. */
  readonly payments: PaymentsStore;
  private readonly db: Database.Database;
  private readonly sql: Sql;

  constructor(dbFile: string) {
    this.db = openDatabase(dbFile, SCHEMA);
    // Files made before partner accounts existed lack the column.
    const columns = this.db.prepare('PRAGMA table_info(accounts)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'partner_id'))
      this.db.exec('ALTER TABLE accounts ADD COLUMN partner_id TEXT');
    // ... and files made before closing existed lack these.
    if (!columns.some((c) => c.name === 'closed_at'))
      this.db.exec(
        'ALTER TABLE accounts ADD COLUMN closed_at TEXT; ALTER TABLE accounts ADD COLUMN close_reason TEXT',
      );
    // ... and files made before the ID card's validity was kept lack this.
    if (!columns.some((c) => c.name === 'id_valid_until'))
      this.db.exec('ALTER TABLE accounts ADD COLUMN id_valid_until TEXT');
    // ... and files made before ratings and re-verification lack these.
    if (!columns.some((c) => c.name === 'risk_rating'))
      this.db.exec(
        'ALTER TABLE accounts ADD COLUMN risk_rating TEXT; ALTER TABLE accounts ADD COLUMN risk_rated_at TEXT',
      );
    if (!columns.some((c) => c.name === 're_verification_due_at'))
      this.db.exec('ALTER TABLE accounts ADD COLUMN re_verification_due_at TEXT');
    // ... and files made before dormancy lack the last customer-initiated activity.
    const activityAdded = !columns.some((c) => c.name === 'last_customer_activity_at');
    if (activityAdded) this.db.exec('ALTER TABLE accounts ADD COLUMN last_customer_activity_at TEXT');
    // The dormancy sweep's pages, in the order IDLE_SQL asks for.
    this.db.exec(
      `CREATE INDEX IF NOT EXISTS accounts_by_customer_activity
       ON accounts (last_customer_activity_at, account_number) WHERE closed_at IS NULL`,
    );
    // The re-verification sweep's pages, in the order RE_VERIFICATION_DUE_SQL asks for.
    this.db.exec(
      `CREATE INDEX IF NOT EXISTS accounts_by_re_verification
       ON accounts (COALESCE(re_verification_due_at, opened_at), account_number) WHERE closed_at IS NULL`,
    );
    // The expiry sweep pages through dated validities of open accounts in (validity, account)
    // order: this index answers each page without reading the rest or sorting (made here, after
    // the column exists, not in SCHEMA). ID_EXPIRING_SQL repeats its WHERE, or SQLite ignores it.
    this.db.exec(
      `CREATE INDEX IF NOT EXISTS accounts_by_id_expiry ON accounts (id_valid_until, account_number)
       WHERE closed_at IS NULL AND id_valid_until <> 'LONG'`,
    );
    this.sql = statementCache(this.db);
    this.idempotency = new IdempotencyStore(this.db);
    this.payments = new PaymentsStore(this.db);
    // Accounts opened before the column existed: their last act as far as the ledger and the
    // agreements tell (the opening, an agreement signed, a QUICK_PAY debit), once.
    if (activityAdded)
      this.db.exec(
        `UPDATE accounts SET last_customer_activity_at = MAX(opened_at,
           COALESCE((SELECT MAX(registered_at) FROM agreements a
             WHERE a.account_number = accounts.account_number), ''),
           COALESCE((SELECT MAX(l.at) FROM ledger l JOIN agreements a ON a.agreement_number = l.agreement_number
             WHERE l.account_number = accounts.account_number AND l.kind = 'AGREEMENT_DEBIT'
               AND a.scope = 'QUICK_PAY'), ''))
         WHERE last_customer_activity_at IS NULL`,
      );
  }

  /** Runs fn atomically; handlers never await inside, so this also serialises concurrent calls. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  countAccountsOf(idNumber: string, accountClass: AccountClass): number {
    const row = this.sql<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM accounts WHERE customer_id_number = ? AND account_class = ?',
    ).get(personKey(idNumber), accountClass);
    return row?.n ?? 0;
  }

  /** Account numbers opened in [from, to) (ISO instants as stored), oldest first; of one reference if given. */
  accountsOpened(from: string, to: string, reference?: string): string[] {
    return this.sql<[{ from: string; to: string; reference: string | null }], { n: string }>(
      `SELECT account_number AS n FROM accounts
       WHERE opened_at >= @from AND opened_at < @to AND (@reference IS NULL OR reference = @reference)
       ORDER BY opened_at, rowid`,
    )
      .all({ from, to, reference: reference ?? null })
      .map((row) => row.n);
  }

  /** Forgets the account, its binding, holds, agreements and ledger (a sandbox route simulates a lost account). */
  deleteAccount(accountNumber: string): void {
    this.payments.forget(accountNumber);
    this.sql('DELETE FROM holds WHERE account_number = ?').run(accountNumber);
    this.sql('DELETE FROM bindings WHERE account_number = ?').run(accountNumber);
    this.sql('DELETE FROM accounts WHERE account_number = ?').run(accountNumber);
  }

  accountExists(accountNumber: string): boolean {
    return (
      this.sql<[string], { one: number }>('SELECT 1 AS one FROM accounts WHERE account_number = ?').get(
        accountNumber,
      ) !== undefined
    );
  }

  insertAccount(account: NewAccount): void {
    this.sql(
      `INSERT INTO accounts (account_number, account_class, channel, reference, customer_name, customer_id_number,
         customer_mobile, daily_cny, yearly_cny, balance_cap_cny, opened_at, partner_id, id_valid_until,
         risk_rating, risk_rated_at, re_verification_due_at, last_customer_activity_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      account.accountNumber,
      account.accountClass,
      account.channel,
      account.reference,
      account.customer.name,
      personKey(account.customer.idNumber),
      account.customer.mobile ?? '',
      account.limits.dailyCny,
      account.limits.yearlyCny,
      account.limits.balanceCapCny,
      account.openedAt,
      account.partnerId ?? null,
      account.idValidUntil ?? null,
      account.riskRating ?? null,
      account.riskRating ? account.openedAt : null,
      account.reVerificationDueAt ?? null,
      // Opening is the holder's own act: the idle period counts from it until another.
      account.openedAt,
    );
  }

  /**
   * The holder acted at `at` (ISO, as stored): kept when later than the last activity kept, so a
   * late or repeated report never moves it back.
   */
  recordCustomerActivity(accountNumber: string, at: string): void {
    this.sql(
      `UPDATE accounts SET last_customer_activity_at = @at WHERE account_number = @accountNumber
       AND (last_customer_activity_at IS NULL OR last_customer_activity_at < @at)`,
    ).run({ at, accountNumber });
  }

  /** A page of IDLE_SQL (instants as stored: toISOString). */
  idle(
    before: string,
    from: string | undefined,
    after: DuePosition | undefined,
    limit: number,
  ): DuePosition[] {
    return this.sql<
      [{ before: string; from: string; afterAt: string; afterAccount: string; limit: number }],
      DuePosition
    >(IDLE_SQL).all({
      before,
      // '' is before every instant: no lower bound.
      from: from ?? '',
      afterAt: after?.at ?? '',
      afterAccount: after?.accountNumber ?? '',
      limit,
    });
  }

  /** The holder as opened: what a signing request's elements are compared with. */
  holderOf(accountNumber: string): Holder | undefined {
    return this.sql<[string], Holder>(
      `SELECT customer_name AS name, customer_id_number AS idNumber, customer_mobile AS mobile
       FROM accounts WHERE account_number = ?`,
    ).get(accountNumber);
  }

  recordIdValidity(accountNumber: string, validUntil: string): void {
    this.sql('UPDATE accounts SET id_valid_until = ? WHERE account_number = ?').run(
      validUntil,
      accountNumber,
    );
  }

  /** The holder's new rating, given now. */
  recordRiskRating(accountNumber: string, riskRating: string, now: Date): void {
    this.sql('UPDATE accounts SET risk_rating = ?, risk_rated_at = ? WHERE account_number = ?').run(
      riskRating,
      now.toISOString(),
      accountNumber,
    );
  }

  recordReVerificationDue(accountNumber: string, dueAt: string): void {
    this.sql('UPDATE accounts SET re_verification_due_at = ? WHERE account_number = ?').run(
      dueAt,
      accountNumber,
    );
  }

  /** A page of RE_VERIFICATION_DUE_SQL (instants as stored: toISOString). */
  reVerificationDue(
    before: string,
    unscheduledBefore: string | undefined,
    after: DuePosition | undefined,
    limit: number,
  ): DuePosition[] {
    // '' is before every instant: no unscheduled account is listed without the bound.
    const unscheduled = unscheduledBefore ?? '';
    return this.sql<
      [
        {
          before: string;
          unscheduledBefore: string;
          until: string;
          afterAt: string;
          afterAccount: string;
          limit: number;
        },
      ],
      DuePosition
    >(RE_VERIFICATION_DUE_SQL).all({
      before,
      unscheduledBefore: unscheduled,
      until: before > unscheduled ? before : unscheduled,
      afterAt: after?.at ?? '',
      afterAccount: after?.accountNumber ?? '',
      limit,
    });
  }

  /** Open accounts whose dated validity is before `before`, after `after` in (validity, account) order, at most `limit`. */
  idExpiring(before: string, after: ExpiryPosition | undefined, limit: number): ExpiryPosition[] {
    return this.sql<
      [{ before: string; afterValid: string; afterAccount: string; limit: number }],
      ExpiryPosition
    >(ID_EXPIRING_SQL).all({
      before,
      // '' sorts before every date: no cursor starts at the first.
      afterValid: after?.validUntil ?? '',
      afterAccount: after?.accountNumber ?? '',
      limit,
    });
  }

  getAccount(accountNumber: string): CoreAccount | undefined {
    const row = this.sql<[string], AccountRow>(
      `SELECT account_number AS accountNumber, account_class AS accountClass, channel, partner_id AS partnerId,
         reference, daily_cny AS dailyCny,
         yearly_cny AS yearlyCny, balance_cap_cny AS balanceCapCny, opened_at AS openedAt,
         closed_at AS closedAt, id_valid_until AS idValidUntil, risk_rating AS riskRating,
         risk_rated_at AS riskRatedAt, re_verification_due_at AS reVerificationDueAt,
         last_customer_activity_at AS lastCustomerActivityAt
       FROM accounts WHERE account_number = ?`,
    ).get(accountNumber);
    if (!row) return undefined;
    const binding = this.sql<[string], BindingRow>(
      'SELECT number, kind, bound_at AS boundAt FROM bindings WHERE account_number = ?',
    ).get(accountNumber);
    const holds = this.sql<[string], Hold>(
      `SELECT hold_id AS holdId, type, reason, placed_at AS placedAt
       FROM holds WHERE account_number = ? AND lifted_at IS NULL ORDER BY rowid`,
    ).all(accountNumber);
    return {
      accountNumber: row.accountNumber,
      accountClass: row.accountClass,
      status: deriveStatus(holds, row.closedAt),
      channel: row.channel,
      ...(row.partnerId !== null && { partnerId: row.partnerId }),
      reference: row.reference,
      limits: { dailyCny: row.dailyCny, yearlyCny: row.yearlyCny, balanceCapCny: row.balanceCapCny },
      openedAt: row.openedAt,
      // The full number stays in the ledger; answers only ever carry the masked form.
      binding: binding
        ? { maskedNumber: maskCardNumber(binding.number), kind: binding.kind, boundAt: binding.boundAt }
        : null,
      holds,
      ...(row.closedAt !== null && { closedAt: row.closedAt }),
      ...(row.idValidUntil !== null && { idValidUntil: row.idValidUntil }),
      ...(row.riskRating !== null && { riskRating: row.riskRating }),
      ...(row.riskRatedAt !== null && { riskRatedAt: row.riskRatedAt }),
      ...(row.reVerificationDueAt !== null && { reVerificationDueAt: row.reVerificationDueAt }),
      ...(row.lastCustomerActivityAt !== null && { lastCustomerActivityAt: row.lastCustomerActivityAt }),
    };
  }

  /** Marks the account closed, once: closing it again keeps the first closedAt and reason. */
  closeAccount(accountNumber: string, reason: string, now: Date): boolean {
    const result = this.sql(
      'UPDATE accounts SET closed_at = ?, close_reason = ? WHERE account_number = ? AND closed_at IS NULL',
    ).run(now.toISOString(), reason, accountNumber);
    return result.changes > 0;
  }

  /** The full bound number stays inside core banking: ledger entries name the binding, not the card. */
  isBound(accountNumber: string): boolean {
    return (
      this.sql<[string], { one: number }>('SELECT 1 AS one FROM bindings WHERE account_number = ?').get(
        accountNumber,
      ) !== undefined
    );
  }

  /** Binds, or rebinds to another card; binding the same card again keeps the original boundAt. */
  bind(accountNumber: string, number: string, kind: BindingKind, now: Date): void {
    this.sql(
      `INSERT INTO bindings (account_number, number, kind, bound_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_number) DO UPDATE SET number = excluded.number, kind = excluded.kind,
         bound_at = excluded.bound_at
       WHERE bindings.number <> excluded.number OR bindings.kind <> excluded.kind`,
    ).run(accountNumber, number, kind, now.toISOString());
  }

  /**
   * Places the hold unless this holdId was ever placed on the account. A lifted holdId stays
   * lifted: a late retry of the original "place" must not bring back a hold that was cleared.
   */
  placeHold(accountNumber: string, hold: Omit<Hold, 'placedAt'>, now: Date): boolean {
    const result = this.sql(
      `INSERT OR IGNORE INTO holds (account_number, hold_id, type, reason, placed_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(accountNumber, hold.holdId, hold.type, hold.reason, now.toISOString());
    return result.changes > 0;
  }

  liftHold(accountNumber: string, holdId: string, now: Date): boolean {
    const result = this.sql(
      'UPDATE holds SET lifted_at = ? WHERE account_number = ? AND hold_id = ? AND lifted_at IS NULL',
    ).run(now.toISOString(), accountNumber, holdId);
    return result.changes > 0;
  }

  /** Totals, or one person's (tests sharing one sandbox prove "no account touched" per person). */
  stats(idNumber?: string): { accounts: number; bindings: number; activeHolds: number } {
    const mine = 'SELECT account_number FROM accounts WHERE @person IS NULL OR customer_id_number = @person';
    const row = this.sql<
      [{ person: string | null }],
      { accounts: number; bindings: number; activeHolds: number }
    >(
      `SELECT (SELECT COUNT(*) FROM accounts WHERE account_number IN (${mine})) AS accounts,
         (SELECT COUNT(*) FROM bindings WHERE account_number IN (${mine})) AS bindings,
         (SELECT COUNT(*) FROM holds WHERE lifted_at IS NULL AND account_number IN (${mine})) AS activeHolds`,
    ).get({ person: idNumber === undefined ? null : personKey(idNumber) });
    return row ?? { accounts: 0, bindings: 0, activeHolds: 0 };
  }

  close(): void {
    this.db.close();
  }
}
