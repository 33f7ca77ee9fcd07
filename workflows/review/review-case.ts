/** The state of one review and the case operators read; deterministic, no I/O. */

import type { Decision, HoldState, ReviewCase, ReviewInput, ReviewStatus } from '../../domain/review';
import type { ReasonCode } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import type { Outbox } from '../outbox';

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

  constructor(
    readonly input: ReviewInput,
    readonly outbox: Outbox,
  ) {
    this.reasons = [...input.reasons];
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
