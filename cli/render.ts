/** Plain-text views of the queue and of one case, for a terminal. */
import type { FunnelRow, ReviewCase, ReviewSummary } from '../sdk/client';

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
    ],
  );
  // The note is free text, so it goes last where its length cannot break the columns.
  const decisions = c.decisions.length
    ? table(
        ['ROUND', 'DECISION', 'REASON', 'OPERATOR', 'WHEN', 'RULES', 'NOTE'],
        c.decisions.map((d) => [
          String(d.round),
          d.decision,
          d.reasonCode,
          d.operator,
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
  return `${head}\nDecisions\n${decisions}\nRe-submissions\n${resubmissions}`;
}

/** One line on what a decision did, for the operator who just made it. */
export function renderDecided(c: ReviewCase): string {
  const d = c.decisions.at(-1);
  const what = d ? `round ${d.round} ${d.decision} by ${d.operator} (${d.reasonCode})` : 'decided';
  return `${c.reviewId}: ${what} -> ${c.status}, hold ${c.hold}\n`;
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
