/** Plain-text views of the queue, of one case and of an account's agreements, for a terminal. */
import { TERMINAL_DECISIONS } from '../domain/review';
import type { AgreementSummary, FunnelRow, ReviewCase, ReviewSummary } from '../sdk/client';

/** Left-aligned columns; the last column is not padded so free text can run on. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const list = (codes: readonly string[]) => (codes.length ? codes.join(',') : '-');

export function renderQueue(reviews: readonly ReviewSummary[]): string {
  if (!reviews.length) return 'no reviews match\n';
  return table(
    ['REVIEW', 'ACCOUNT', 'STATUS', 'ROUND', 'ESCALATED', 'HOLD', 'REASONS'],
    reviews.map((r) => [
      r.reviewId,
      r.accountNumber,
      r.status,
      String(r.round),
      yesNo(r.escalated),
      r.hold,
      list(r.reasons),
    ]),
  );
}

type Proposal = NonNullable<ReviewCase['proposal']>;
type PendingAction = NonNullable<ReviewCase['pendingAction']>;

/** Who may confirm a proposal: the API's rule (a supervisor for a terminal decision), in words. */
const confirmedBy = (p: Proposal) =>
  TERMINAL_DECISIONS.includes(p.decision)
    ? `a supervisor sending ${p.decision} on round ${p.round}`
    : `another operator sending ${p.decision} on round ${p.round}`;

const command: Record<Proposal['decision'], string> = {
  APPROVE: 'approve',
  REJECT: 'reject',
  CLOSE_ACCOUNT: 'close',
  CONFIRM_FRAUD: 'fraud',
};

function renderProposal(p: Proposal): string {
  return table(
    ['FIELD', 'VALUE'],
    [
      ['decision', p.decision],
      ['reason', p.reasonCode],
      ['proposed by', p.supervisor ? `${p.operator} (supervisor)` : p.operator],
      ['at', p.decidedAt],
      ['confirmed by', `${confirmedBy(p)} (\`operator ${command[p.decision]}\`); not ${p.operator}`],
      ['note', p.note ?? '-'],
    ],
  );
}

function renderPendingAction(a: PendingAction): string {
  return table(
    ['FIELD', 'VALUE'],
    [
      ['action', a.holdId ? `${a.action} ${a.holdId}` : a.action],
      ['attempts', String(a.attempts)],
      ['since', a.since],
      ['last error', a.lastError],
      ['next attempt', a.nextAttemptAt],
    ],
  );
}

const operatorOf = (d: ReviewCase['decisions'][number]) =>
  d.supervisor ? `${d.operator} (supervisor)` : d.operator;

export function renderCase(c: ReviewCase): string {
  const head = table(
    ['FIELD', 'VALUE'],
    [
      ['review', c.reviewId],
      ['status', c.status],
      ['round', String(c.round)],
      ['reasons', list(c.reasons)],
      ['escalated', yesNo(c.escalated)],
      ['hold', c.hold],
      ['account', c.accountNumber],
      ['application', c.applicationId],
      ['flow', `${c.flowVersion} ${c.channel}`],
      ...(c.reportable ? [['reportable', 'yes: for the report to the authorities']] : []),
    ],
  );
  // Only while they apply: a proposal waits for its second decision, core banking has yet to act.
  const proposal = c.status === 'AWAITING_SECOND_DECISION' && c.proposal;
  const waiting = [
    proposal ? `\nAwaiting second decision\n${renderProposal(proposal)}` : '',
    c.pendingAction
      ? `\nCore banking has not done yet (retried)\n${renderPendingAction(c.pendingAction)}`
      : '',
  ].join('');
  // The note is free text, so it goes last where its length cannot break the columns.
  const decisions = c.decisions.length
    ? table(
        ['ROUND', 'DECISION', 'STAGE', 'REASON', 'OPERATOR', 'WHEN', 'RULES', 'NOTE'],
        c.decisions.map((d) => [
          String(d.round),
          d.decision,
          // FIRST: a proposal (it took no effect alone); SECOND: the decision that confirmed it.
          d.stage?.toLowerCase() ?? '-',
          d.reasonCode,
          operatorOf(d),
          d.decidedAt,
          d.ruleVersion,
          d.note ?? '-',
        ]),
      )
    : 'none yet\n';
  const resubmissions = c.resubmissions.length
    ? table(
        ['ROUND', 'AT', 'ACCEPTED', 'REASONS'],
        c.resubmissions.map((r) => [String(r.round), r.at, yesNo(r.accepted), list(r.reasons)]),
      )
    : 'none\n';
  return `${head}${waiting}\nDecisions\n${decisions}\nRe-submissions\n${resubmissions}`;
}

/** One line on what a decision did, for the operator who just made it. */
export function renderDecided(c: ReviewCase): string {
  const d = c.decisions.at(-1);
  const what = d ? `round ${d.round} ${d.decision} by ${operatorOf(d)} (${d.reasonCode})` : 'decided';
  const next =
    c.status === 'AWAITING_SECOND_DECISION' && c.proposal
      ? `  takes effect once confirmed by ${confirmedBy(c.proposal)}\n`
      : c.pendingAction
        ? `  core banking has not done ${c.pendingAction.action} yet (${c.pendingAction.lastError}); ` +
          `retried, next at ${c.pendingAction.nextAttemptAt}\n`
        : '';
  return `${c.reviewId}: ${what} -> ${c.status}, hold ${c.hold}${c.reportable ? ', reportable' : ''}\n${next}`;
}

/** One block per flow version and channel: each step's reached / passed / rejected / abandoned / waiting / failed. */
export function renderFunnel(rows: readonly FunnelRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.flowVersion} ${r.channel}: ${r.started} started\n` +
        table(
          ['STEP', 'REACHED', 'PASSED', 'REJECTED', 'ABANDONED', 'WAITING', 'FAILED'],
          r.steps.map((s) => [
            s.step,
            ...[s.reached, s.passed, s.rejected, s.abandoned, s.waiting, s.failed].map(String),
          ]),
        ),
    )
    .join('\n');
}

/** An entrusted mandate's payee and term; a quick-pay agreement has neither (any merchant of the institution). */
function payeeOf(a: AgreementSummary): string {
  if (!a.payee) return '-';
  return a.period ? `${a.payee} (${a.period.from} to ${a.period.to ?? 'cancelled'})` : a.payee;
}

/** An account's agreements, oldest first; the payee goes last, where its length cannot break the columns. */
export function renderAgreements(accountNumber: string, agreements: readonly AgreementSummary[]): string {
  if (!agreements.length) return `account ${accountNumber} has no agreements\n`;
  return table(
    ['AGREEMENT', 'NUMBER', 'INSTITUTION', 'SCOPE', 'STATUS', 'PER DEBIT', 'DAILY', 'PAYEE'],
    agreements.map((a) => [
      // Agreements registered in core banking without a signing here have no agreementId.
      a.agreementId ?? '-',
      a.agreementNumber,
      a.institution,
      a.scope,
      a.status,
      a.limits.perDebitLimitCny,
      a.limits.dailyLimitCny,
      payeeOf(a),
    ]),
  );
}
