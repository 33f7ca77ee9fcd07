/** The drill's verdict (scripts/drill/verdict.ts): a clean run passes, and each check fails on its own breach. */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../contracts/core-banking-payments';
import { type ToldDebit, type VerdictInput, verdict, verdictTable } from '../../scripts/drill/verdict';

const AT = '2025-03-01T04:00:00.000Z';

function debitEntry(seq: number, reference: string, amountCny: string, balanceAfterCny: string): LedgerEntry {
  return {
    seq,
    entryId: `e${seq}`,
    at: AT,
    kind: 'AGREEMENT_DEBIT',
    direction: 'OUT',
    amountCny,
    balanceAfterCny,
    countsTowardsCaps: true,
    agreementNumber: 'AG1',
    institution: 'WECHAT_PAY',
    reference,
  };
}

const told = (
  reference: string,
  amountCny: string,
  outcome: ToldDebit['outcome'] = 'SETTLED',
): ToldDebit => ({
  institution: 'WECHAT_PAY',
  reference,
  accountNumber: 'A1',
  amountCny,
  outcome,
});

/** Two people, one through a review; three debits, two settled and one refused. */
function clean(): VerdictInput {
  return {
    plan: { applications: 2, reviews: 1, debits: 3 },
    applications: [{ status: 'OPENED' }, { status: 'OPENED' }],
    people: [
      { accounts: 1, bindings: 1, activeHolds: 0 },
      { accounts: 1, bindings: 1, activeHolds: 0 },
    ],
    reviews: [{ status: 'CLEARED' }],
    told: [
      told('r1', '300.00'),
      told('r2', '200.00'),
      { ...told('r3', '600.00', 'REFUSED'), reason: 'DAILY_LIMIT' },
    ],
    ledgers: [
      {
        accountNumber: 'A1',
        classDailyCapCny: 10_000,
        entries: [
          {
            seq: 1,
            entryId: 'e0',
            at: AT,
            kind: 'CREDIT_FROM_BOUND',
            direction: 'IN',
            amountCny: '1000.00',
            balanceAfterCny: '1000.00',
            countsTowardsCaps: false,
          },
          debitEntry(2, 'r1', '300.00', '700.00'),
          debitEntry(3, 'r2', '200.00', '500.00'),
        ],
      },
      { accountNumber: 'A2', classDailyCapCny: 10_000, entries: [] },
    ],
    agreements: [{ agreementNumber: 'AG1', perDebitLimitCny: '500.00', dailyLimitCny: '1000.00' }],
    logLeaks: [],
    workflows: { running: 0, endedBadly: 0 },
  };
}

const failing = (input: VerdictInput) =>
  verdict(input)
    .rows.filter((r) => !r.ok)
    .map((r) => r.check);

const ledgerOf = (input: VerdictInput) => input.ledgers[0]!.entries;

describe('drill verdict', () => {
  it('passes every check on a clean run', () => {
    const { rows, ok } = verdict(clean());
    expect(ok).toBe(true);
    expect(rows.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true, true]);
    expect(verdictTable(rows)).toContain('PASS | applications opened');
  });

  it('fails "applications opened" when one is not OPENED', () => {
    const input = clean();
    input.applications[1] = { status: 'FAILED' };
    expect(failing(input)).toEqual(['applications opened']);
  });

  it('fails "accounts and bindings per person" on a second account or a missing binding', () => {
    const twice = clean();
    twice.people[0] = { accounts: 2, bindings: 1, activeHolds: 0 };
    expect(failing(twice)).toEqual(['accounts and bindings per person']);
    const unbound = clean();
    unbound.people[1] = { accounts: 1, bindings: 0, activeHolds: 0 };
    expect(failing(unbound)).toEqual(['accounts and bindings per person']);
  });

  it('fails "reviews cleared" on a review still open or a hold left', () => {
    const open = clean();
    open.reviews[0] = { status: 'PENDING' };
    expect(failing(open)).toEqual(['reviews cleared']);
    const held = clean();
    held.people[0] = { accounts: 1, bindings: 1, activeHolds: 1 };
    expect(failing(held)).toEqual(['reviews cleared']);
  });

  it('fails the ledger check on a debit booked twice, one missing, one never told settled, or another amount', () => {
    const twice = clean();
    ledgerOf(twice).push(debitEntry(4, 'r1', '300.00', '200.00'));
    expect(failing(twice)).toEqual(['ledgers hold exactly the settled debits, once each']);

    const missing = clean();
    ledgerOf(missing).pop();
    expect(failing(missing)).toEqual(['ledgers hold exactly the settled debits, once each']);

    const untold = clean();
    untold.told[1] = { ...told('r2', '200.00', 'UNANSWERED') };
    expect(failing(untold)).toContain('ledgers hold exactly the settled debits, once each');

    const otherAmount = clean();
    otherAmount.told[0] = told('r1', '301.00');
    expect(failing(otherAmount)).toEqual(['ledgers hold exactly the settled debits, once each']);
  });

  it('fails "every debit answered" when an institution got no final answer', () => {
    const input = clean();
    input.told[2] = { ...told('r3', '600.00', 'UNANSWERED'), reason: 'REFERENCE_REUSED' };
    expect(failing(input)).toEqual(['every debit answered (settled or refused)']);
  });

  it('fails "no limit passed" on each limit (per debit, agreement day, class day, balance) and on an unknown agreement', () => {
    const perDebit = clean();
    perDebit.agreements[0]!.perDebitLimitCny = '250.00';
    expect(failing(perDebit)).toEqual(['no limit passed']);

    const agreementDay = clean();
    agreementDay.agreements[0]!.dailyLimitCny = '499.99';
    expect(failing(agreementDay)).toEqual(['no limit passed']);

    const classDay = clean();
    classDay.ledgers[0]!.classDailyCapCny = 400;
    expect(failing(classDay)).toEqual(['no limit passed']);

    const overdrawn = clean();
    ledgerOf(overdrawn)[2] = debitEntry(3, 'r2', '200.00', '-500.00');
    expect(failing(overdrawn)).toEqual(['no limit passed']);

    const unknownAgreement = clean();
    unknownAgreement.agreements = [];
    expect(failing(unknownAgreement)).toEqual(['no limit passed']);
  });

  it('fails "nothing stuck" on a running or a failed workflow', () => {
    const running = clean();
    running.workflows.running = 1;
    expect(failing(running)).toEqual(['nothing stuck']);
    const failed = clean();
    failed.workflows.endedBadly = 1;
    expect(failing(failed)).toEqual(['nothing stuck']);
  });

  it('fails "no personal data in logs" when a log holds one', () => {
    const input = clean();
    input.logLeaks = ['mobile in api.log'];
    expect(failing(input)).toEqual(['no personal data in logs']);
  });
});
