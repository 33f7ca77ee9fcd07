/**
 * One account opened with a doubt, until the doubt is settled. An operator approves (cleared)
 * or rejects (payment hold, the customer is asked for new ID photos); re-submitted photos that
 * pass the check start the next round; an approval lifts the hold. Outlives the onboarding
 * workflow that started it. What operators and apps send a running review (queries, updates,
 * validators) is review-case.ts.
 */
import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import type { Decision, ReviewCase, ReviewInput } from '../../domain/review';
import { bank } from '../activity-options';
import { Outbox } from '../outbox';
import { CLAIM_PATCH, Review } from './review-case';

export async function review(input: ReviewInput): Promise<ReviewCase> {
  const r = new Review(input, new Outbox(input.policy.webhookGiveUpSeconds, input.partnerId));
  r.handleMessages();
  // The queue shows the first round's due time from the start (docs/console.md).
  if (patched(CLAIM_PATCH)) r.publish();
  const { policy } = input;
  const decided = () => r.decision !== undefined;
  const resubmitted = () => r.status === 'PENDING';

  while (r.status !== 'CLEARED') {
    // Pending: an operator decides; past the SLA the case is escalated but stays open.
    if (!(await condition(decided, policy.operatorSlaSeconds * 1000))) {
      escalate(r);
      await condition(decided);
    }
    const d = r.decision!;
    r.decisions.push(d);
    r.record(`${r.reviewId}:round-${d.round}:DECISION`, {
      actor: d.operator,
      action: d.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED',
      at: d.decidedAt,
      reason: d.reasonCode,
      ruleVersion: d.ruleVersion,
      ...(d.note && { note: d.note }),
    });

    if (d.decision === 'APPROVE') {
      await clear(r, d);
      continue;
    }

    // Rejected: receive-only (只收不付) until new photos pass and another operator approves.
    await restrict(r, d);
    // Past the re-submission deadline the account may be frozen (不收不付); the case still waits.
    if (!(await condition(resubmitted, policy.resubmissionDeadlineSeconds * 1000))) {
      if (policy.restrictionAfterDeadline === 'FROZEN' && r.hold !== 'FROZEN') await freeze(r);
      await condition(resubmitted);
    }
  }

  await r.outbox.settled();
  await condition(allHandlersFinished);
  await r.trail.settled();
  return r.view();
}

/** Past the operator SLA: flagged for the queue and the bank's operations team told. */
function escalate(r: Review): void {
  r.escalated = true;
  r.publish();
  r.outbox.send(
    {
      eventId: `${r.reviewId}:round-${r.round}:REVIEW_ESCALATED`,
      type: 'REVIEW_ESCALATED',
      applicationId: r.input.applicationId,
      data: { reviewId: r.reviewId, round: r.round },
    },
    'ops',
  );
}

/** Approved: every hold this review placed is lifted and the case is cleared. */
async function clear(r: Review, d: Decision): Promise<void> {
  const lifted = r.holdIds.length > 0;
  for (const holdId of r.holdIds.splice(0)) {
    await bank.liftHold({ accountNumber: r.input.accountNumber, holdId });
    r.record(`${holdId}:LIFTED`, {
      actor: 'system',
      action: 'HOLD_LIFTED',
      reason: d.reasonCode,
      refs: { holdId },
    });
  }
  r.hold = 'NONE';
  r.status = 'CLEARED';
  r.decision = undefined;
  r.publish();
  if (lifted) r.notify('HOLD_LIFTED');
}

/**
 * Rejected: a receive-only hold, unless a hold is already on (holds never stack), and the
 * customer is asked for new photos.
 */
async function restrict(r: Review, d: Decision): Promise<void> {
  const newHold = r.hold === 'NONE';
  if (newHold) {
    const holdId = `${r.reviewId}:round-${r.round}:RECEIVE_ONLY`;
    await bank.placeHold({
      accountNumber: r.input.accountNumber,
      holdId,
      type: 'RECEIVE_ONLY',
      reason: d.reasonCode,
    });
    r.holdIds.push(holdId);
    r.hold = 'RECEIVE_ONLY';
    r.record(`${holdId}:PLACED`, {
      actor: 'system',
      action: 'HOLD_PLACED',
      reason: d.reasonCode,
      refs: { holdId, type: 'RECEIVE_ONLY' },
    });
  }
  r.status = 'AWAITING_RESUBMISSION';
  r.decision = undefined;
  r.publish();
  if (newHold) r.notify('HOLD_APPLIED');
  r.notify('RESUBMISSION_REQUESTED');
}

/** The re-submission deadline passed: the account is frozen until the case is settled. */
async function freeze(r: Review): Promise<void> {
  const holdId = `${r.reviewId}:FROZEN`;
  await bank.placeHold({
    accountNumber: r.input.accountNumber,
    holdId,
    type: 'FROZEN',
    reason: 'RESUBMISSION_DEADLINE_PASSED',
  });
  r.holdIds.push(holdId);
  r.hold = 'FROZEN';
  r.record(`${holdId}:PLACED`, {
    actor: 'system',
    action: 'ACCOUNT_FROZEN',
    reason: 'RESUBMISSION_DEADLINE_PASSED',
    refs: { holdId, type: 'FROZEN' },
  });
  r.publish();
  r.notify('ACCOUNT_FROZEN');
}
