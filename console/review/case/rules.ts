/**
 * What the case page reads off a review to lay itself out: whether the round takes a decision,
 * the proposal on the table, who is offered its confirmation. The API decides; these only choose
 * what to show, and a refusal's code (useDecide) says why one was refused. Which statuses take a
 * decision is domain/review-status.ts's DECIDING.
 */
import { TERMINAL_DECISIONS } from '../../../domain/review';
import type { CallerView, ReviewCase } from '../../../sdk/index';
import { DECISION, type DecisionKind, label } from '../labels';

/** The first decision on the table, while it waits for its second. */
export const proposalOf = (r: ReviewCase) =>
  r.status === 'AWAITING_SECOND_DECISION' ? r.proposal : undefined;

/** Decisions a supervisor's same decision confirms: the API's own list (domain/review.ts). */
export const needsSupervisor = (d: DecisionKind): boolean => TERMINAL_DECISIONS.includes(d);

/**
 * Whether to offer the confirmation of a proposal: to someone else, and a supervisor for a
 * terminal one. Only what the page shows: the API refuses any other (SAME_OPERATOR,
 * SUPERVISOR_REQUIRED), and the page shows that refusal by its code.
 */
export function mayConfirm(me: CallerView, proposal: NonNullable<ReviewCase['proposal']>): boolean {
  if (proposal.operator === me.id) return false;
  return !needsSupervisor(proposal.decision) || me.role === 'supervisor';
}

export const needsNote = (d: DecisionKind) => d !== 'APPROVE';

export function decisionText(d: Pick<ReviewCase['decisions'][number], 'decision' | 'reasonCode'>) {
  const { name, reasons } = DECISION[d.decision];
  return { name, reason: `${label(reasons, d.reasonCode)}（${d.reasonCode}）` };
}
