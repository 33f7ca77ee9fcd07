/**
 * One account opened with a doubt, until the doubt is settled. An operator approves (cleared),
 * rejects (payment hold, the customer is asked for new ID photos), or proposes to close the
 * account or confirm fraud, which a supervisor confirms; re-submitted photos that pass the check
 * start the next round; an approval lifts the hold. Outlives the onboarding workflow that started
 * it. What operators and apps send a running review (queries, updates, validators) is
 * review-case.ts; how its calls to core banking are made to happen is bank-actions.ts.
 *
 * A review is bounded: every call to core banking is retried until done (the case says
 * ACTION_PENDING meanwhile, ops are alerted), doubts that restrict open the account receive-only,
 * some approvals need a second operator, failed re-submissions are capped per round, a frozen
 * account does not wait for ever, and the review continues as new before Temporal's limits,
 * carrying its state.
 */
import { allHandlersFinished, condition, continueAsNew, sleep } from '@temporalio/workflow';
import type { Decision, ReviewCase, ReviewInput } from '../../domain/review';
import { ENDED, isDeciding } from '../../domain/review-status';
import { Outbox } from '../outbox';
import { act } from './bank-actions';
import { Review } from './review-case';

export async function review(input: ReviewInput): Promise<ReviewCase> {
  const r = new Review(input, new Outbox(input.policy.webhookGiveUpSeconds, input.partnerId));
  r.handleMessages();
  // The queue shows the first round's due time from the start (docs/console.md).
  r.publish();

  if (!input.carried) await restrictForDoubts(r);
  while (!ENDED.includes(r.status)) {
    if (isDeciding(r.status)) await decideRound(r, await nextDecision(r));
    else await awaitPhotos(r);
  }

  await r.outbox.settled();
  await condition(allHandlersFinished);
  await r.trail.settled();
  return r.view();
}

/** Doubts the policy restricts for: receive-only (只收不付) from the start, until the case is cleared. */
async function restrictForDoubts(r: Review): Promise<void> {
  const doubts = r.reasons.filter((reason) => r.policy.restrictingReasons.includes(reason));
  if (doubts.length === 0 || r.hold !== 'NONE') return;
  const holdId = `${r.reviewId}:doubt:RECEIVE_ONLY`;
  const reason = doubts.join(',');
  await act(r, { action: 'PLACE_HOLD', holdId }, (bank) =>
    bank.placeHold({ accountNumber: r.input.accountNumber, holdId, type: 'RECEIVE_ONLY', reason }),
  );
  r.holdIds.push(holdId);
  r.hold = 'RECEIVE_ONLY';
  r.record(`${holdId}:PLACED`, {
    actor: 'system',
    action: 'HOLD_PLACED',
    reason,
    refs: { holdId, type: 'RECEIVE_ONLY' },
  });
  r.publish();
  r.notify('HOLD_APPLIED');
}

/** Waits for the round's next decision; escalates past the SLA; continues as new when due. */
async function nextDecision(r: Review): Promise<Decision> {
  const ready = () => r.decision !== undefined || r.shouldContinueAsNew();
  for (;;) {
    if (r.escalated) await condition(ready);
    else if (!(await condition(ready, Math.max(1, r.slaDueAt - Date.now())))) {
      r.escalate();
      continue;
    }
    if (r.decision) return r.decision;
    await continueAsNewFrom(r);
  }
}

/** The decision takes effect, or waits for its second; the decide update answers once either is so. */
async function decideRound(r: Review, d: Decision): Promise<void> {
  const second = r.seconds(d);
  const first = !second && r.needsSecondDecision(d);
  const decision: Decision = { ...d, ...(second && { stage: 'SECOND' }), ...(first && { stage: 'FIRST' }) };
  r.decisions.push(decision);
  // One effective decision per round keeps the id it always had; the first of two is numbered.
  const suffix = decision.stage ? `-${r.decisions.length}` : '';
  r.record(`${r.reviewId}:round-${d.round}:DECISION${suffix}`, {
    actor: d.operator,
    action: AUDIT_ACTION[d.decision],
    at: d.decidedAt,
    reason: d.reasonCode,
    ruleVersion: d.ruleVersion,
    ...(d.note && { note: d.note }),
    ...(decision.stage && { refs: { stage: decision.stage } }),
  });
  if (first) {
    r.proposal = decision;
    r.status = 'AWAITING_SECOND_DECISION';
    r.decision = undefined;
    r.publish();
    return;
  }
  r.proposal = undefined;
  switch (d.decision) {
    case 'APPROVE':
      return clear(r, d);
    case 'REJECT':
      return askForPhotos(r, d);
    case 'CLOSE_ACCOUNT':
      return close(r, d.reasonCode, d.operator);
    case 'CONFIRM_FRAUD':
      return confirmFraud(r, d);
  }
}

const AUDIT_ACTION = {
  APPROVE: 'APPROVED',
  REJECT: 'REJECTED',
  CLOSE_ACCOUNT: 'CLOSE_DECIDED',
  CONFIRM_FRAUD: 'FRAUD_CONFIRMED',
} as const;

/** Approved: every hold this review placed is lifted and the case is cleared. */
async function clear(r: Review, d: Decision): Promise<void> {
  const lifted = r.holdIds.length > 0;
  while (r.holdIds.length > 0) {
    const holdId = r.holdIds[0]!;
    await act(r, { action: 'LIFT_HOLD', holdId }, (bank) =>
      bank.liftHold({ accountNumber: r.input.accountNumber, holdId }),
    );
    r.holdIds.shift();
    r.record(`${holdId}:LIFTED`, {
      actor: 'system',
      action: 'HOLD_LIFTED',
      reason: d.reasonCode,
      refs: { holdId },
    });
  }
  r.hold = 'NONE';
  r.frozenAt = undefined;
  r.status = 'CLEARED';
  r.decision = undefined;
  r.publish();
  if (lifted) r.notify('HOLD_LIFTED');
}

/** Rejected: receive-only unless a hold is already on (holds never stack), and new photos asked for. */
async function askForPhotos(r: Review, d: Decision): Promise<void> {
  const newHold = r.hold === 'NONE';
  if (newHold)
    await placeHold(r, `${r.reviewId}:round-${r.round}:RECEIVE_ONLY`, 'RECEIVE_ONLY', d.reasonCode);
  r.status = 'AWAITING_RESUBMISSION';
  r.awaitingSince = Date.now();
  r.decision = undefined;
  r.publish();
  if (newHold) r.notify('HOLD_APPLIED');
  r.notify('RESUBMISSION_REQUESTED');
}

async function placeHold(r: Review, holdId: string, type: 'RECEIVE_ONLY' | 'FROZEN', reason: string) {
  await act(r, { action: 'PLACE_HOLD', holdId }, (bank) =>
    bank.placeHold({ accountNumber: r.input.accountNumber, holdId, type, reason }),
  );
  r.holdIds.push(holdId);
  r.hold = type;
  r.record(`${holdId}:PLACED`, {
    actor: 'system',
    action: type === 'FROZEN' ? 'ACCOUNT_FROZEN' : 'HOLD_PLACED',
    reason,
    refs: { holdId, type },
  });
}

/** Closed (a supervisor confirmed it, or frozen past the deadline): core banking closes the account. */
async function close(r: Review, reason: string, closedBy: string): Promise<void> {
  await act(r, { action: 'CLOSE_ACCOUNT' }, (bank) =>
    bank.closeAccount({ accountNumber: r.input.accountNumber, reason }),
  );
  r.record(`${r.reviewId}:CLOSED`, { actor: 'system', action: 'ACCOUNT_CLOSED', reason, refs: { closedBy } });
  // A closed account has no holds left to lift.
  r.holdIds.splice(0);
  r.status = 'CLOSED';
  r.decision = undefined;
  r.publish();
  r.notify('ACCOUNT_CLOSED');
}

/** Fraud confirmed: frozen (不收不付) for good, and the case marked for reporting. */
async function confirmFraud(r: Review, d: Decision): Promise<void> {
  const newFreeze = r.hold !== 'FROZEN';
  if (newFreeze) await placeHold(r, `${r.reviewId}:FRAUD`, 'FROZEN', d.reasonCode);
  r.reportable = true;
  r.status = 'FRAUD_CONFIRMED';
  r.decision = undefined;
  r.publish();
  if (newFreeze) r.notify('ACCOUNT_FROZEN');
  r.outbox.send(
    {
      eventId: `${r.reviewId}:OPS_FRAUD_CONFIRMED`,
      type: 'OPS_FRAUD_CONFIRMED',
      applicationId: r.input.applicationId,
      data: {
        reviewId: r.reviewId,
        accountNumber: r.input.accountNumber,
        reason: d.reasonCode,
        confirmedBy: d.operator,
        reportable: true,
      },
    },
    'ops',
  );
}

/**
 * Waits for new photos. Past the re-submission deadline the account may be frozen (不收不付);
 * frozen past the policy's next deadline, it is closed or escalated. Photos being checked when a
 * deadline comes are decided first: photos that pass open the next round instead. The wait is
 * bounded: each call of a re-submission has `resubmissionCallSeconds`, and one that gives up
 * leaves the deadline to act.
 */
async function awaitPhotos(r: Review): Promise<void> {
  const moved = () => r.status !== 'AWAITING_RESUBMISSION' || r.shouldContinueAsNew();
  while (r.status === 'AWAITING_RESUBMISSION') {
    const deadline = nextDeadline(r);
    let inTime = true;
    if (deadline) inTime = await condition(moved, Math.max(1, deadline.at - Date.now()));
    else await condition(moved);
    if (!inTime) {
      await condition(() => !r.checkingPhotos);
      if (r.status === 'AWAITING_RESUBMISSION') await deadline!.onPass();
    } else if (r.status === 'AWAITING_RESUBMISSION') await continueAsNewFrom(r);
  }
}

function nextDeadline(r: Review): { at: number; onPass: () => Promise<void> } | undefined {
  const { policy } = r;
  if (r.hold !== 'FROZEN' && policy.restrictionAfterDeadline === 'FROZEN' && r.awaitingSince !== undefined) {
    return { at: r.awaitingSince + policy.resubmissionDeadlineSeconds * 1000, onPass: () => freeze(r) };
  }
  if (r.hold === 'FROZEN' && r.frozenAt !== undefined) {
    return { at: r.frozenAt + policy.frozenDeadlineSeconds * 1000, onPass: () => frozenTooLong(r) };
  }
  return undefined;
}

async function freeze(r: Review): Promise<void> {
  await placeHold(r, `${r.reviewId}:FROZEN`, 'FROZEN', 'RESUBMISSION_DEADLINE_PASSED');
  r.frozenAt = Date.now();
  r.publish();
  r.notify('ACCOUNT_FROZEN');
}

async function frozenTooLong(r: Review): Promise<void> {
  r.frozenAt = undefined;
  if (r.policy.afterFrozenDeadline === 'CLOSE_ACCOUNT') return close(r, 'FROZEN_PAST_DEADLINE', 'system');
  r.escalate('FROZEN_PAST_DEADLINE');
}

/**
 * Hands the case to a new run with its state, unless a message came meanwhile (it is handled
 * first). Never in the workflow task that took the update which reached the bound: the server
 * refuses a run's last command when events arrived during the task (UnhandledCommand), and the
 * update taken in that task would fail for its caller.
 */
async function continueAsNewFrom(r: Review): Promise<void> {
  await sleep(1);
  if (!r.shouldContinueAsNew()) return;
  await continueAsNew<typeof review>({ ...r.input, carried: r.carry() });
}
