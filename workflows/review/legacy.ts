/**
 * How reviews started before the `bounded-reviews` patch go on: the loop as it was, so their
 * histories replay (docs/changing-workflows.md). A hold or lift core banking refuses fails such a
 * review; the queue does not list failed reviews as open.
 */
import { condition } from '@temporalio/workflow';
import type { Decision } from '../../domain/review';
import { bank } from '../activity-options';
import type { Review } from './review-case';

/** Approve, reject, re-submission, until cleared. */
export async function legacyRounds(r: Review): Promise<void> {
  const { policy } = r.input;
  const decided = () => r.decision !== undefined;
  const resubmitted = () => r.status === 'PENDING';

  while (r.status !== 'CLEARED') {
    // Pending: an operator decides; past the SLA the case is escalated but stays open.
    if (!(await condition(decided, policy.operatorSlaSeconds * 1000))) {
      r.escalate();
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
