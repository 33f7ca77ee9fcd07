/**
 * One account opened with a doubt, until the doubt is settled. An operator approves (cleared)
 * or rejects (payment hold, the customer is asked for new ID photos); re-submitted photos that
 * pass the check start the next round; an approval lifts the hold. Outlives the onboarding
 * workflow that started it.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { type Decision, decisionRequestSchema, type ReviewCase, type ReviewInput } from '../../domain/review';
import { bank, checks } from '../activity-options';
import { Outbox } from '../outbox';
import { reviewSearchAttributes } from '../search-attributes';
import { decide, getReview, resubmit } from './messages';
import { Review } from './review-case';

export async function review(input: ReviewInput): Promise<ReviewCase> {
  const r = new Review(input, new Outbox(input.policy.webhookGiveUpSeconds));
  const { policy, applicationId, accountNumber } = input;
  let decision: Decision | undefined;

  const publish = () => upsertSearchAttributes(reviewSearchAttributes(r));
  const notify = (type: 'HOLD_APPLIED' | 'RESUBMISSION_REQUESTED' | 'HOLD_LIFTED' | 'ACCOUNT_FROZEN') =>
    r.outbox.send({
      eventId: `${r.reviewId}:round-${r.round}:${type}`,
      type,
      applicationId,
      data: { accountNumber, reviewId: r.reviewId, round: r.round, hold: r.hold },
    });

  setHandler(getReview, () => r.view());

  setHandler(
    decide,
    async (req) => {
      const round = req.round;
      decision = {
        round,
        decision: req.decision,
        reasonCode: req.reasonCode,
        ...(req.note && { note: req.note }),
        operator: req.operator,
        decidedAt: new Date().toISOString(),
        ruleVersion: policy.ruleVersion,
      };
      // Answer once the decision has taken effect: hold placed or lifted, case moved on.
      await condition(() => r.status !== 'PENDING' || r.round !== round);
      return r.view();
    },
    {
      validator: ({ operator, ...body }) => {
        if (!operator) refuse('INVALID_DECISION', 'a decision needs the operator who made it');
        const parsed = decisionRequestSchema.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          refuse('INVALID_DECISION', `${issue?.path.join('.') || 'decision'} ${issue?.message}`);
        }
        if (body.round !== r.round) {
          refuse(
            'STALE_ROUND',
            `round ${body.round} is not open; the case is at round ${r.round} (${r.status})`,
          );
        }
        if (r.status !== 'PENDING' || decision)
          refuse('ROUND_DECIDED', `round ${r.round} is already decided`);
        if (body.decision === 'APPROVE' && policy.fourEyes && operator === r.lastRejecter) {
          refuse('SAME_OPERATOR', 'the operator who rejected the previous round may not approve this one');
        }
      },
    },
  );

  setHandler(
    resubmit,
    async (documents) => {
      r.checkingPhotos = true;
      const check = await checks
        .checkIdDocument({ applicant: input.applicant, documents })
        .finally(() => (r.checkingPhotos = false));
      const accepted = check.outcome === 'PASS';
      r.resubmissions.push({
        round: r.round,
        at: new Date().toISOString(),
        accepted,
        reasons: check.reasons,
      });
      if (accepted) {
        r.round += 1;
        r.reasons = ['ID_RESUBMITTED'];
        r.escalated = false;
        r.status = 'PENDING';
        publish();
      }
      return { reviewId: r.reviewId, round: r.round, accepted, reasons: check.reasons };
    },
    {
      validator: (_documents) => {
        if (r.status !== 'AWAITING_RESUBMISSION')
          refuse('NOT_AWAITING_RESUBMISSION', `the review is ${r.status}`);
        if (r.checkingPhotos)
          refuse('PHOTOS_IN_FLIGHT', 'photos for this review are being checked; try again shortly');
      },
    },
  );

  while (r.status !== 'CLEARED') {
    // Pending: an operator decides; past the SLA the case is escalated but stays open.
    if (!(await condition(() => decision !== undefined, policy.operatorSlaSeconds * 1000))) {
      r.escalated = true;
      publish();
      r.outbox.send(
        {
          eventId: `${r.reviewId}:round-${r.round}:REVIEW_ESCALATED`,
          type: 'REVIEW_ESCALATED',
          applicationId,
          data: { reviewId: r.reviewId, round: r.round },
        },
        'ops',
      );
      await condition(() => decision !== undefined);
    }
    const d = decision!;
    r.decisions.push(d);

    if (d.decision === 'APPROVE') {
      const lifted = r.holdIds.length > 0;
      for (const holdId of r.holdIds.splice(0)) await bank.liftHold({ accountNumber, holdId });
      r.hold = 'NONE';
      r.status = 'CLEARED';
      decision = undefined;
      publish();
      if (lifted) notify('HOLD_LIFTED');
      continue;
    }

    // Rejected: receive-only (只收不付) until new photos pass and another operator approves.
    // A later rejected round keeps the hold it finds: holds never stack.
    const newHold = r.hold === 'NONE';
    if (newHold) {
      const holdId = `${r.reviewId}:round-${r.round}:RECEIVE_ONLY`;
      await bank.placeHold({ accountNumber, holdId, type: 'RECEIVE_ONLY', reason: d.reasonCode });
      r.holdIds.push(holdId);
      r.hold = 'RECEIVE_ONLY';
    }
    r.status = 'AWAITING_RESUBMISSION';
    decision = undefined;
    publish();
    if (newHold) notify('HOLD_APPLIED');
    notify('RESUBMISSION_REQUESTED');

    const resubmitted = () => r.status === 'PENDING';
    if (!(await condition(resubmitted, policy.resubmissionDeadlineSeconds * 1000))) {
      if (policy.restrictionAfterDeadline === 'FROZEN' && r.hold !== 'FROZEN') {
        const holdId = `${r.reviewId}:FROZEN`;
        await bank.placeHold({
          accountNumber,
          holdId,
          type: 'FROZEN',
          reason: 'RESUBMISSION_DEADLINE_PASSED',
        });
        r.holdIds.push(holdId);
        r.hold = 'FROZEN';
        publish();
        notify('ACCOUNT_FROZEN');
      }
      await condition(resubmitted);
    }
  }

  await r.outbox.settled();
  await condition(allHandlersFinished);
  return r.view();
}

/** Validators answer at once and write nothing to history; the type tells the API which 4xx. */
function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}
