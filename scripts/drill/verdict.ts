/**
 * The drill's verdict: what the real stores hold after the faults (the API's applications and
 * reviews, core banking's accounts, agreements and ledgers, Temporal's visibility) against what
 * the drill asked for and what the institutions were told. Pure, so that each check can be shown
 * to fail (test/scripts/drill-verdict.test.ts); scripts/drill/observe.ts gathers the input.
 */
import type { LedgerEntry } from '../../contracts/core-banking-payments';
import { todayInChina } from '../../domain/china-time';
import { fenOf } from '../../domain/cny';

export interface DrillPlan {
  applications: number;
  /** Applications whose photo sends them to a review, each cleared by operators. */
  reviews: number;
  debits: number;
}

/** What a debit's institution was last told by the bank; UNANSWERED when it never got a final answer. */
export interface ToldDebit {
  institution: string;
  reference: string;
  accountNumber: string;
  amountCny: string;
  outcome: 'SETTLED' | 'REFUSED' | 'UNANSWERED';
  /** A refusal's reason (a 422's), or why the answer was not final (a 409 under its own reference, say). */
  reason?: string;
}

export interface VerdictInput {
  plan: DrillPlan;
  /** Each application as the API answers it (GET /v1/applications/{id}). */
  applications: { status: string }[];
  /** Each person as core banking counts them (GET /sandbox/stats?idNumber=). */
  people: { accounts: number; bindings: number; activeHolds: number }[];
  /** Each review as the API answers it (GET /v1/reviews/{id}); `missing` when it could not be read. */
  reviews: { status: string }[];
  told: ToldDebit[];
  /** Every drill account's ledger as core banking keeps it, with the class's daily cap. */
  ledgers: { accountNumber: string; classDailyCapCny: number; entries: LedgerEntry[] }[];
  /** The agreements as core banking registered them. */
  agreements: { agreementNumber: string; perDebitLimitCny: string; dailyLimitCny: string }[];
  /**
   * Personal data the drill used (names, ID numbers, mobiles, cards, account numbers) found in
   * clear in the pieces' logs: where, never the value (`mobile in api.log`).
   */
  logLeaks: string[];
  /** Temporal visibility once the drill is over. */
  workflows: {
    /** Still running: applications, reviews, signings (schedules' own runs are not the drill's). */
    running: number;
    /** Ended FAILED, TERMINATED or TIMED_OUT: none of the project's workflows should. */
    endedBadly: number;
  };
}

export interface VerdictRow {
  check: string;
  expected: string;
  found: string;
  ok: boolean;
}

const tally = (values: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'none';
};

const debitKey = (institution: string | undefined, reference: string | undefined) =>
  `${institution ?? '?'}/${reference ?? '?'}`;

function applicationsRow({ plan, applications }: VerdictInput): VerdictRow {
  const opened = applications.filter((a) => a.status === 'OPENED').length;
  return {
    check: 'applications opened',
    expected: `${plan.applications} OPENED`,
    found: tally(applications.map((a) => a.status)),
    ok: opened === plan.applications && applications.length === plan.applications,
  };
}

function peopleRow({ plan, people }: VerdictInput): VerdictRow {
  const wrong = people.filter((p) => p.accounts !== 1 || p.bindings !== 1);
  return {
    check: 'accounts and bindings per person',
    expected: `${plan.applications} people with 1 account and 1 binding each`,
    found:
      wrong.length === 0
        ? `${people.length} people with 1 and 1`
        : `${wrong.length} of ${people.length} off: ${tally(wrong.map((p) => `${p.accounts} accounts/${p.bindings} bindings`))}`,
    ok: people.length === plan.applications && wrong.length === 0,
  };
}

function reviewsRow({ plan, reviews, people }: VerdictInput): VerdictRow {
  const cleared = reviews.filter((r) => r.status === 'CLEARED').length;
  const holds = people.reduce((sum, p) => sum + p.activeHolds, 0);
  return {
    check: 'reviews cleared',
    expected: `${plan.reviews} CLEARED, 0 holds left`,
    found: `${tally(reviews.map((r) => r.status))}; ${holds} holds left`,
    ok: cleared === plan.reviews && reviews.length === plan.reviews && holds === 0,
  };
}

function ledgersRow({ told, ledgers }: VerdictInput): VerdictRow {
  const settled = new Map(
    told.filter((d) => d.outcome === 'SETTLED').map((d) => [debitKey(d.institution, d.reference), d]),
  );
  const seen = new Map<string, number>();
  let extra = 0;
  let wrongPlace = 0;
  for (const ledger of ledgers) {
    for (const entry of ledger.entries) {
      if (entry.kind !== 'AGREEMENT_DEBIT') continue;
      const key = debitKey(entry.institution, entry.reference);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const debit = settled.get(key);
      if (!debit) extra++;
      else if (
        debit.accountNumber !== ledger.accountNumber ||
        fenOf(debit.amountCny) !== fenOf(entry.amountCny)
      )
        wrongPlace++;
    }
  }
  const twice = [...seen.values()].filter((n) => n > 1).length;
  const missing = [...settled.keys()].filter((key) => !seen.has(key)).length;
  const entries = [...seen.values()].reduce((a, b) => a + b, 0);
  const problems = [
    twice && `${twice} debited more than once`,
    missing && `${missing} told settled but not in the ledger`,
    extra && `${extra} in a ledger but never told settled`,
    wrongPlace && `${wrongPlace} on another account or for another amount`,
  ].filter(Boolean);
  return {
    check: 'ledgers hold exactly the settled debits, once each',
    expected: `${settled.size} debit entries`,
    found: problems.length ? problems.join('; ') : `${entries} debit entries, each told settled once`,
    ok: problems.length === 0,
  };
}

function answeredRow({ plan, told }: VerdictInput): VerdictRow {
  const unanswered = told.filter((d) => d.outcome === 'UNANSWERED');
  return {
    check: 'every debit answered (settled or refused)',
    expected: `${plan.debits} answered`,
    found:
      unanswered.length === 0 && told.length === plan.debits
        ? `${told.length} answered`
        : `${told.length - unanswered.length} of ${plan.debits} answered; unanswered: ${tally(unanswered.map((d) => d.reason ?? 'no answer'))}`,
    ok: unanswered.length === 0 && told.length === plan.debits,
  };
}

/** Each debit within its agreement's limits, each agreement's day and each account's day within theirs, no overdraft. */
function limitsRow({ ledgers, agreements }: VerdictInput): VerdictRow {
  const terms = new Map(agreements.map((a) => [a.agreementNumber, a]));
  const problems: string[] = [];
  let checked = 0;
  for (const ledger of ledgers) {
    const perAgreementDay = new Map<string, number>();
    const perAccountDay = new Map<string, number>();
    for (const entry of ledger.entries) {
      if (entry.balanceAfterCny.startsWith('-')) problems.push('a balance below zero');
      if (entry.direction !== 'OUT') continue;
      const fen = fenOf(entry.amountCny);
      const day = todayInChina(new Date(entry.at));
      if (entry.countsTowardsCaps) perAccountDay.set(day, (perAccountDay.get(day) ?? 0) + fen);
      if (entry.kind !== 'AGREEMENT_DEBIT') continue;
      checked++;
      const agreement = entry.agreementNumber ? terms.get(entry.agreementNumber) : undefined;
      if (!agreement) {
        problems.push('a debit under an agreement core banking does not have');
        continue;
      }
      if (fen > fenOf(agreement.perDebitLimitCny)) problems.push('a debit above its per-debit limit');
      const key = `${agreement.agreementNumber} ${day}`;
      perAgreementDay.set(key, (perAgreementDay.get(key) ?? 0) + fen);
      if (perAgreementDay.get(key)! > fenOf(agreement.dailyLimitCny))
        problems.push("an agreement's day above its daily limit");
    }
    for (const fen of perAccountDay.values()) {
      if (fen > ledger.classDailyCapCny * 100) problems.push("an account's day above the class's daily cap");
    }
  }
  const distinct = [...new Set(problems)];
  return {
    check: 'no limit passed',
    expected: 'per-debit, agreement daily and class daily limits kept; no balance below 0',
    found: distinct.length
      ? `${problems.length} breaches: ${tally(problems)}`
      : `${checked} debits across ${ledgers.length} ledgers within every limit`,
    ok: distinct.length === 0,
  };
}

function stuckRow({ workflows }: VerdictInput): VerdictRow {
  return {
    check: 'nothing stuck',
    expected: '0 running, 0 failed/terminated/timed out',
    found: `${workflows.running} running, ${workflows.endedBadly} failed/terminated/timed out`,
    ok: workflows.running === 0 && workflows.endedBadly === 0,
  };
}

function logsRow({ logLeaks }: VerdictInput): VerdictRow {
  return {
    check: 'no personal data in logs',
    expected: "none of the drill's names, ID numbers, mobiles, cards or account numbers",
    found: logLeaks.length ? tally(logLeaks) : 'none found',
    ok: logLeaks.length === 0,
  };
}

export function verdict(input: VerdictInput): { rows: VerdictRow[]; ok: boolean } {
  const rows = [
    applicationsRow(input),
    peopleRow(input),
    reviewsRow(input),
    ledgersRow(input),
    answeredRow(input),
    limitsRow(input),
    stuckRow(input),
    logsRow(input),
  ];
  return { rows, ok: rows.every((r) => r.ok) };
}

/** The rows as a plain-text table, PASS or FAIL first. */
export function verdictTable(rows: readonly VerdictRow[]): string {
  const cells = rows.map((r) => [r.ok ? 'PASS' : 'FAIL', r.check, r.expected, r.found]);
  const header = ['', 'check', 'expected', 'found'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}
