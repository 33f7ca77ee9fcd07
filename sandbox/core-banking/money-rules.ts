/**
 * What core banking refuses, as pure functions of the facts (PBoC 2016-11 and 2018-01 on Class II
 * and III accounts; PBoC announcement 2015 No. 43 on agreement limits). The routes gather the
 * facts in one transaction; keeping the order of the checks here makes it one readable list.
 */

import type { CoreAccount } from '../../contracts/core-banking';
import type {
  CreditRefusalReason,
  DebitRefusalReason,
  LedgerEntry,
} from '../../contracts/core-banking-payments';
import { periodCovers } from '../../domain/agreements';
import { fenOfYuan } from '../../domain/cny';
import type { CapTotals, StoredAgreement } from './payments-store';

/** An account's class caps and balance cap in fen (null: no balance cap). */
export interface CapsFen {
  dailyFen: number;
  yearlyFen: number;
  balanceCapFen: number | null;
}

export const capsOf = (limits: CoreAccount['limits']): CapsFen => ({
  dailyFen: fenOfYuan(limits.dailyCny),
  yearlyFen: fenOfYuan(limits.yearlyCny),
  balanceCapFen: limits.balanceCapCny === null ? null : fenOfYuan(limits.balanceCapCny),
});

export const NOT_ACTIVE_MESSAGE = 'no active agreement of this institution has this number';

export interface DebitFacts {
  agreement: StoredAgreement;
  institution: string;
  payee: string | undefined;
  amountFen: number;
  chinaDate: string;
  status: CoreAccount['status'];
  /** Debited under this agreement on chinaDate so far. */
  agreementTodayFen: number;
  /** Capped outflows of the account so far. */
  out: CapTotals;
  caps: CapsFen;
  balanceFen: number;
}

export type Refusal<R> = { reason: R; message: string } | undefined;

/** The first rule a debit breaks, in the order core banking checks them; undefined when it may settle. */
export function debitRefusal(f: DebitFacts): Refusal<DebitRefusalReason> {
  const a = f.agreement.agreement;
  // Another institution's, cancelled or out of its term answer like an unknown number: an
  // institution must not learn from the answer which agreement numbers exist.
  if (
    a.institution !== f.institution ||
    a.status !== 'ACTIVE' ||
    (a.period && !periodCovers(a.period, f.chinaDate))
  ) {
    return { reason: 'AGREEMENT_NOT_ACTIVE', message: NOT_ACTIVE_MESSAGE };
  }
  if (f.status !== 'ACTIVE') {
    return { reason: 'ACCOUNT_RESTRICTED', message: `the account is ${f.status}: no debit is made` };
  }
  if (a.scope === 'ENTRUSTED' && f.payee !== a.payee) {
    return {
      reason: 'PAYEE_NOT_IN_MANDATE',
      message: 'an entrusted debit must name the payee of its mandate',
    };
  }
  const { perDebitLimitFen, dailyLimitFen } = f.agreement;
  if (f.amountFen > perDebitLimitFen) {
    return {
      reason: 'PER_DEBIT_LIMIT',
      message: `more than the agreement's ${a.perDebitLimitCny} per debit`,
    };
  }
  if (f.agreementTodayFen + f.amountFen > dailyLimitFen) {
    return { reason: 'DAILY_LIMIT', message: `more than the agreement's ${a.dailyLimitCny} a day` };
  }
  if (f.out.todayFen + f.amountFen > f.caps.dailyFen) {
    return { reason: 'CLASS_DAILY_CAP', message: "more than the account class's daily cap on payments out" };
  }
  if (f.out.thisYearFen + f.amountFen > f.caps.yearlyFen) {
    return {
      reason: 'CLASS_YEARLY_CAP',
      message: "more than the account class's yearly cap on payments out",
    };
  }
  if (f.amountFen > f.balanceFen) return { reason: 'INSUFFICIENT_FUNDS', message: 'the balance is too low' };
  return undefined;
}

export interface CreditFacts {
  from: 'BOUND' | 'OTHER';
  amountFen: number;
  status: CoreAccount['status'];
  bound: boolean;
  /** Capped inflows of the account so far. */
  in: CapTotals;
  caps: CapsFen;
  balanceFen: number;
}

/** The first rule a credit breaks; undefined when it may be credited. */
export function creditRefusal(f: CreditFacts): Refusal<CreditRefusalReason> {
  if (f.status === 'CLOSED') return { reason: 'ACCOUNT_CLOSED', message: 'the account is closed' };
  // Receive-only (只收不付) still takes money in; frozen (不收不付) does not.
  if (f.status === 'FROZEN') return { reason: 'ACCOUNT_RESTRICTED', message: 'the account is FROZEN' };
  if (f.from === 'BOUND' && !f.bound) {
    return { reason: 'NO_BOUND_ACCOUNT', message: 'the account has no bound account to transfer from' };
  }
  if (f.from === 'OTHER') {
    if (f.in.todayFen + f.amountFen > f.caps.dailyFen) {
      return { reason: 'CLASS_DAILY_CAP', message: "more than the account class's daily cap on inflows" };
    }
    if (f.in.thisYearFen + f.amountFen > f.caps.yearlyFen) {
      return { reason: 'CLASS_YEARLY_CAP', message: "more than the account class's yearly cap on inflows" };
    }
  }
  if (f.caps.balanceCapFen !== null && f.balanceFen + f.amountFen > f.caps.balanceCapFen) {
    return { reason: 'BALANCE_CAP', message: "the balance would pass the account class's cap" };
  }
  return undefined;
}

/** Which ledger kind a credit is, and whether it counts towards the caps. */
export const creditEntryOf = (
  from: 'BOUND' | 'OTHER',
): { kind: LedgerEntry['kind']; countsTowardsCaps: boolean } =>
  from === 'BOUND'
    ? { kind: 'CREDIT_FROM_BOUND', countsTowardsCaps: false }
    : { kind: 'CREDIT_FROM_OTHER', countsTowardsCaps: true };
