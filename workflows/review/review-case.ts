/**
 * One review: its state, the case operators read, and the messages that reach it (an
 * operator's decision, the customer's new photos; each update with its validator). The process
 * the case goes through is review.ts.
 */
import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  type Decision,
  type DecisionRequest,
  decisionRequestSchema,
  type HoldState,
  type Resubmission,
  type ResubmissionResult,
  type ReviewCase,
  type ReviewInput,
  type ReviewStatus,
} from '../../domain/review';
import type { ReasonCode } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { checks } from '../activity-options';
import type { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { reviewSearchAttributes } from '../search-attributes';
import { decide, getReview, resubmit } from './messages';

/** The app events a review sends, each once per round. */
export type ReviewEvent = 'HOLD_APPLIED' | 'RESUBMISSION_REQUESTED' | 'HOLD_LIFTED' | 'ACCOUNT_FROZEN';

export class Review {
  status: ReviewStatus = 'PENDING';
  round = 1;
  reasons: ReasonCode[];
  escalated = false;
  hold: HoldState = 'NONE';
  /** Hold ids this review placed and has not lifted: only these are ever lifted. */
  readonly holdIds: string[] = [];
  readonly decisions: Decision[] = [];
  readonly resubmissions: ReviewCase['resubmissions'] = [];
  /** True while re-submitted photos are being checked, so a second upload waits its turn. */
  checkingPhotos = false;
  /** The operator's decision on the open round, from the update until the workflow has acted on it. */
  decision: Decision | undefined;

  constructor(
    readonly input: ReviewInput,
    readonly outbox: Outbox,
  ) {
    this.reasons = [...input.reasons];
  }

  /** The query and the updates, each update with its validator; before the workflow's first await. */
  handleMessages(): void {
    setHandler(getReview, () => this.view());
    setHandler(decide, (req) => this.decide(req), { validator: (req) => this.validateDecision(req) });
    setHandler(resubmit, (documents) => this.resubmit(documents), {
      validator: (_documents) => this.validateResubmission(),
    });
  }

  /** Answers once the decision has taken effect: hold placed or lifted, case moved on. */
  async decide(req: DecisionRequest & { operator: string }): Promise<ReviewCase> {
    const round = req.round;
    this.decision = {
      round,
      decision: req.decision,
      reasonCode: req.reasonCode,
      ...(req.note && { note: req.note }),
      operator: req.operator,
      decidedAt: new Date().toISOString(),
      ruleVersion: this.input.policy.ruleVersion,
    };
    await condition(() => this.status !== 'PENDING' || this.round !== round);
    return this.view();
  }

  validateDecision({ operator, ...body }: DecisionRequest & { operator: string }): void {
    if (!operator) refuse('INVALID_DECISION', 'a decision needs the operator who made it');
    const parsed = decisionRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      refuse('INVALID_DECISION', `${issue?.path.join('.') || 'decision'} ${issue?.message}`);
    }
    if (body.round !== this.round) {
      refuse(
        'STALE_ROUND',
        `round ${body.round} is not open; the case is at round ${this.round} (${this.status})`,
      );
    }
    if (this.status !== 'PENDING' || this.decision) {
      refuse('ROUND_DECIDED', `round ${this.round} is already decided`);
    }
    if (body.decision === 'APPROVE' && this.input.policy.fourEyes && operator === this.lastRejecter) {
      refuse('SAME_OPERATOR', 'the operator who rejected the previous round may not approve this one');
    }
  }

  /** New ID photos: checked at once; photos that pass open the next round. */
  async resubmit(documents: Resubmission): Promise<ResubmissionResult> {
    this.checkingPhotos = true;
    const check = await checks
      .checkIdDocument({ applicant: this.input.applicant, documents })
      .finally(() => (this.checkingPhotos = false));
    const accepted = check.outcome === 'PASS';
    this.resubmissions.push({
      round: this.round,
      at: new Date().toISOString(),
      accepted,
      reasons: check.reasons,
    });
    if (accepted) {
      this.round += 1;
      this.reasons = ['ID_RESUBMITTED'];
      this.escalated = false;
      this.status = 'PENDING';
      this.publish();
    }
    return { reviewId: this.reviewId, round: this.round, accepted, reasons: check.reasons };
  }

  validateResubmission(): void {
    if (this.status !== 'AWAITING_RESUBMISSION') {
      refuse('NOT_AWAITING_RESUBMISSION', `the review is ${this.status}`);
    }
    if (this.checkingPhotos) {
      refuse('PHOTOS_IN_FLIGHT', 'photos for this review are being checked; try again shortly');
    }
  }

  /** The search attributes the review queue filters on. */
  publish(): void {
    upsertSearchAttributes(reviewSearchAttributes(this));
  }

  /** An event to the app's webhook, about the account and the round as they are now. */
  notify(type: ReviewEvent): void {
    const { applicationId, accountNumber } = this.input;
    this.outbox.send({
      eventId: `${this.reviewId}:round-${this.round}:${type}`,
      type,
      applicationId,
      data: { accountNumber, reviewId: this.reviewId, round: this.round, hold: this.hold },
    });
  }

  get reviewId(): string {
    return reviewWorkflowId(this.input.applicationId);
  }

  /** Who rejected the round before this one: the four-eyes rule keeps them from approving now. */
  get lastRejecter(): string | undefined {
    return this.decisions.findLast((d) => d.decision === 'REJECT')?.operator;
  }

  view(): ReviewCase {
    const { applicationId, accountNumber, flowVersion, channel } = this.input;
    return {
      reviewId: this.reviewId,
      applicationId,
      accountNumber,
      status: this.status,
      round: this.round,
      reasons: [...this.reasons],
      escalated: this.escalated,
      hold: this.hold,
      flowVersion,
      channel,
      decisions: [...this.decisions],
      deliveries: this.outbox.deliveries.map((d) => ({ ...d })),
      resubmissions: [...this.resubmissions],
    };
  }
}
