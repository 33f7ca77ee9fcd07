/**
 * Core banking's money: agreements and an append-only ledger per account, in the accounts' SQLite
 * file. Amounts are integer fen. A balance is never stored on its own: each entry carries the
 * balance after it, so the balance and the ledger cannot disagree, and a trigger refuses any
 * change to an entry once written.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  Agreement,
  Institution,
  LedgerEntry,
  RegisterAgreementRequest,
} from '../../contracts/core-banking-payments';
import { cnyOf, fenOf } from '../../domain/cny';
import { type Sql, statementCache } from '../sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agreements (
  agreement_number TEXT PRIMARY KEY,
  account_number TEXT NOT NULL REFERENCES accounts (account_number),
  institution TEXT NOT NULL,
  scope TEXT NOT NULL,
  payee TEXT,
  period_from TEXT,
  period_to TEXT,
  per_debit_limit_fen INTEGER NOT NULL,
  daily_limit_fen INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  cancelled_at TEXT,
  cancel_reason TEXT
);
CREATE INDEX IF NOT EXISTS agreements_by_account ON agreements (account_number);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL UNIQUE,
  account_number TEXT NOT NULL REFERENCES accounts (account_number),
  at TEXT NOT NULL,
  china_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('IN', 'OUT')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  balance_after_fen INTEGER NOT NULL CHECK (balance_after_fen >= 0),
  counts_towards_caps INTEGER NOT NULL,
  agreement_number TEXT,
  institution TEXT,
  reference TEXT,
  payee TEXT
);
CREATE INDEX IF NOT EXISTS ledger_by_account ON ledger (account_number, seq);
CREATE INDEX IF NOT EXISTS ledger_by_agreement ON ledger (agreement_number, china_date);
CREATE TRIGGER IF NOT EXISTS ledger_append_only BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
`;

export type CancelReason = NonNullable<Agreement['cancelReason']>;

interface AgreementRow {
  agreementNumber: string;
  accountNumber: string;
  institution: Agreement['institution'];
  scope: Agreement['scope'];
  payee: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  perDebitLimitFen: number;
  dailyLimitFen: number;
  fingerprint: string;
  registeredAt: string;
  cancelledAt: string | null;
  cancelReason: CancelReason | null;
}

/** An agreement with its limits in fen (what the debit rules compare) and its request's fingerprint. */
export interface StoredAgreement {
  agreement: Agreement;
  perDebitLimitFen: number;
  dailyLimitFen: number;
  fingerprint: string;
}

interface EntryRow {
  seq: number;
  entryId: string;
  at: string;
  kind: LedgerEntry['kind'];
  direction: LedgerEntry['direction'];
  amountFen: number;
  balanceAfterFen: number;
  countsTowardsCaps: number;
  agreementNumber: string | null;
  institution: Institution | null;
  reference: string | null;
  payee: string | null;
}

export interface NewEntry {
  accountNumber: string;
  at: Date;
  chinaDate: string;
  kind: LedgerEntry['kind'];
  amountFen: number;
  countsTowardsCaps: boolean;
  agreementNumber?: string;
  institution?: Institution;
  reference?: string;
  payee?: string;
}

const DIRECTION: Record<LedgerEntry['kind'], LedgerEntry['direction']> = {
  CREDIT_FROM_BOUND: 'IN',
  CREDIT_FROM_OTHER: 'IN',
  AGREEMENT_DEBIT: 'OUT',
  CLOSING_TRANSFER_TO_BOUND: 'OUT',
};

const AGREEMENT_COLUMNS = `agreement_number AS agreementNumber, account_number AS accountNumber, institution,
  scope, payee, period_from AS periodFrom, period_to AS periodTo, per_debit_limit_fen AS perDebitLimitFen,
  daily_limit_fen AS dailyLimitFen, fingerprint, registered_at AS registeredAt, cancelled_at AS cancelledAt,
  cancel_reason AS cancelReason`;

const ENTRY_COLUMNS = `seq, entry_id AS entryId, at, kind, direction, amount_fen AS amountFen,
  balance_after_fen AS balanceAfterFen, counts_towards_caps AS countsTowardsCaps,
  agreement_number AS agreementNumber, institution, reference, payee`;

function toStoredAgreement(row: AgreementRow): StoredAgreement {
  return {
    agreement: {
      agreementNumber: row.agreementNumber,
      accountNumber: row.accountNumber,
      institution: row.institution,
      scope: row.scope,
      ...(row.payee !== null && { payee: row.payee }),
      ...(row.periodFrom !== null && {
        period: { from: row.periodFrom, ...(row.periodTo !== null && { to: row.periodTo }) },
      }),
      perDebitLimitCny: cnyOf(row.perDebitLimitFen),
      dailyLimitCny: cnyOf(row.dailyLimitFen),
      status: row.cancelledAt === null ? 'ACTIVE' : 'CANCELLED',
      registeredAt: row.registeredAt,
      ...(row.cancelledAt !== null && { cancelledAt: row.cancelledAt }),
      ...(row.cancelReason !== null && { cancelReason: row.cancelReason }),
    },
    perDebitLimitFen: row.perDebitLimitFen,
    dailyLimitFen: row.dailyLimitFen,
    fingerprint: row.fingerprint,
  };
}

function toEntry(row: EntryRow): LedgerEntry {
  return {
    seq: row.seq,
    entryId: row.entryId,
    at: row.at,
    kind: row.kind,
    direction: row.direction,
    amountCny: cnyOf(row.amountFen),
    balanceAfterCny: cnyOf(row.balanceAfterFen),
    countsTowardsCaps: row.countsTowardsCaps === 1,
    ...(row.agreementNumber !== null && { agreementNumber: row.agreementNumber }),
    ...(row.institution !== null && { institution: row.institution }),
    ...(row.reference !== null && { reference: row.reference }),
    ...(row.payee !== null && { payee: row.payee }),
  };
}

/** What counts towards an account's class caps, in fen, for one direction. */
export interface CapTotals {
  todayFen: number;
  thisYearFen: number;
}

export class PaymentsStore {
  private readonly sql: Sql;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.sql = statementCache(db);
  }

  getAgreement(agreementNumber: string): StoredAgreement | undefined {
    const row = this.sql<[string], AgreementRow>(
      `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE agreement_number = ?`,
    ).get(agreementNumber);
    return row && toStoredAgreement(row);
  }

  agreementsOf(accountNumber: string): Agreement[] {
    return this.sql<[string], AgreementRow>(
      `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE account_number = ? ORDER BY rowid`,
    )
      .all(accountNumber)
      .map((row) => toStoredAgreement(row).agreement);
  }

  insertAgreement(
    agreementNumber: string,
    body: RegisterAgreementRequest,
    fingerprint: string,
    now: Date,
  ): void {
    this.sql(
      `INSERT INTO agreements (agreement_number, account_number, institution, scope, payee, period_from,
         period_to, per_debit_limit_fen, daily_limit_fen, fingerprint, registered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      agreementNumber,
      body.accountNumber,
      body.institution,
      body.scope,
      body.payee ?? null,
      body.period?.from ?? null,
      body.period?.to ?? null,
      fenOf(body.perDebitLimitCny),
      fenOf(body.dailyLimitCny),
      fingerprint,
      now.toISOString(),
    );
  }

  /** Cancelling is final and happens once: a second cancel keeps the first time and reason. */
  cancelAgreement(agreementNumber: string, reason: CancelReason, now: Date): void {
    this.sql(
      `UPDATE agreements SET cancelled_at = ?, cancel_reason = ?
       WHERE agreement_number = ? AND cancelled_at IS NULL`,
    ).run(now.toISOString(), reason, agreementNumber);
  }

  cancelAgreementsOf(accountNumber: string, reason: CancelReason, now: Date): void {
    this.sql(
      `UPDATE agreements SET cancelled_at = ?, cancel_reason = ?
       WHERE account_number = ? AND cancelled_at IS NULL`,
    ).run(now.toISOString(), reason, accountNumber);
  }

  balanceFen(accountNumber: string): number {
    const row = this.sql<[string], { balance: number }>(
      'SELECT balance_after_fen AS balance FROM ledger WHERE account_number = ? ORDER BY seq DESC LIMIT 1',
    ).get(accountNumber);
    return row?.balance ?? 0;
  }

  /** Appends one entry after the current balance; the schema refuses a balance below zero. */
  append(entry: NewEntry): LedgerEntry {
    const direction = DIRECTION[entry.kind];
    const balanceAfter =
      this.balanceFen(entry.accountNumber) + (direction === 'IN' ? 1 : -1) * entry.amountFen;
    const entryId = randomUUID();
    this.sql(
      `INSERT INTO ledger (entry_id, account_number, at, china_date, kind, direction, amount_fen,
         balance_after_fen, counts_towards_caps, agreement_number, institution, reference, payee)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entryId,
      entry.accountNumber,
      entry.at.toISOString(),
      entry.chinaDate,
      entry.kind,
      direction,
      entry.amountFen,
      balanceAfter,
      entry.countsTowardsCaps ? 1 : 0,
      entry.agreementNumber ?? null,
      entry.institution ?? null,
      entry.reference ?? null,
      entry.payee ?? null,
    );
    return this.entry(entryId)!;
  }

  entry(entryId: string): LedgerEntry | undefined {
    const row = this.sql<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger WHERE entry_id = ?`).get(
      entryId,
    );
    return row && toEntry(row);
  }

  /** Entries after `afterSeq`, oldest first; one more than `limit` is read to know whether more follow. */
  entries(accountNumber: string, afterSeq: number, limit: number): { entries: LedgerEntry[]; more: boolean } {
    const rows = this.sql<[string, number, number], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger WHERE account_number = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ).all(accountNumber, afterSeq, limit + 1);
    return { entries: rows.slice(0, limit).map(toEntry), more: rows.length > limit };
  }

  /** What one agreement has debited on a China date (its daily limit). */
  debitedUnder(agreementNumber: string, chinaDate: string): number {
    const row = this.sql<[string, string], { total: number | null }>(
      `SELECT SUM(amount_fen) AS total FROM ledger
       WHERE agreement_number = ? AND china_date = ? AND kind = 'AGREEMENT_DEBIT'`,
    ).get(agreementNumber, chinaDate);
    return row?.total ?? 0;
  }

  /** The capped movements of one direction on a China date and in its calendar year. */
  capTotals(accountNumber: string, direction: LedgerEntry['direction'], chinaDate: string): CapTotals {
    const year = chinaDate.slice(0, 4);
    const row = this.sql<
      [{ account: string; direction: string; today: string; from: string; to: string }],
      {
        today: number | null;
        year: number | null;
      }
    >(
      `SELECT SUM(CASE WHEN china_date = @today THEN amount_fen END) AS today, SUM(amount_fen) AS year
       FROM ledger WHERE account_number = @account AND direction = @direction AND counts_towards_caps = 1
         AND china_date BETWEEN @from AND @to`,
    ).get({
      account: accountNumber,
      direction,
      today: chinaDate,
      from: `${year}-01-01`,
      to: `${year}-12-31`,
    });
    return { todayFen: row?.today ?? 0, thisYearFen: row?.year ?? 0 };
  }

  /** The sandbox's "lost account" route: everything of the account goes, its entries included. */
  forget(accountNumber: string): void {
    this.sql('DELETE FROM ledger WHERE account_number = ?').run(accountNumber);
    this.sql('DELETE FROM agreements WHERE account_number = ?').run(accountNumber);
  }
}
