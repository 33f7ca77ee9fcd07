/**
 * The review queue over Temporal: list through visibility (search attributes hold codes and
 * flags only), read a case (query), decide a round and take re-submitted photos (updates).
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import type {
  DecisionRequest,
  Resubmission,
  ResubmissionResult,
  ReviewCase,
  ReviewSummary,
} from '../domain/review';
import { holdStateSchema, reviewStatusSchema } from '../domain/review';
import { reasonCodeSchema } from '../domain/steps';
import { applicationIdOfReview, reviewWorkflowId } from '../domain/workflow-ids';
import type { ReviewFilter } from '../sdk/schemas';
import { decide, getReview, resubmit } from '../workflows/review/messages';
import { Escalated, Hold, ReviewReasons, ReviewRound, ReviewStatusKey } from '../workflows/search-attributes';
import { NotFoundError } from './errors';
import { readView } from './read-view';
import { translateWorkflowError } from './workflow-errors';

export class Reviews {
  constructor(private readonly client: Client) {}

  /** Values come from zod enums and patterns above, so the query cannot be injected into. */
  async list(filter: ReviewFilter): Promise<ReviewSummary[]> {
    const where = ["WorkflowType = 'review'"];
    if (filter.status) where.push(`ReviewStatus = '${filter.status}'`);
    if (filter.escalated) where.push(`Escalated = ${filter.escalated}`);
    if (filter.hold) where.push(`Hold = '${filter.hold}'`);
    if (filter.reason) where.push(`ReviewReasons = '${filter.reason}'`);
    if (filter.flowVersion) where.push(`FlowVersion = '${filter.flowVersion}'`);
    if (filter.channel) where.push(`Channel = '${filter.channel}'`);
    const out: ReviewSummary[] = [];
    for await (const wf of this.client.workflow.list({ query: where.join(' AND ') })) {
      out.push(summarize(wf));
      if (out.length >= filter.limit) break;
    }
    return out;
  }

  async get(reviewId: string): Promise<ReviewCase> {
    try {
      return await readView(this.handle(reviewId), getReview);
    } catch (err) {
      throw translate(err);
    }
  }

  /** With an idempotency key, a retried call answers the first call's result instead of deciding twice. */
  async decide(
    reviewId: string,
    decision: DecisionRequest,
    operator: string,
    idempotencyKey?: string,
  ): Promise<ReviewCase> {
    try {
      return await this.handle(reviewId).executeUpdate(decide, {
        args: [{ ...decision, operator }],
        ...(idempotencyKey && { updateId: `decide-${idempotencyKey}` }),
      });
    } catch (err) {
      throw translate(err);
    }
  }

  async resubmit(
    applicationId: string,
    documents: Resubmission,
    idempotencyKey?: string,
  ): Promise<ResubmissionResult> {
    try {
      return await this.client.workflow.getHandle(reviewWorkflowId(applicationId)).executeUpdate(resubmit, {
        args: [documents],
        ...(idempotencyKey && { updateId: `resubmit-${idempotencyKey}` }),
      });
    } catch (err) {
      throw translate(err);
    }
  }

  private handle(reviewId: string) {
    if (!applicationIdOfReview(reviewId)) throw new NotFoundError('no review with this id');
    return this.client.workflow.getHandle(reviewId);
  }
}

function summarize(wf: WorkflowExecutionInfo): ReviewSummary {
  const sa = wf.typedSearchAttributes;
  return {
    reviewId: wf.workflowId,
    accountNumber: String((wf.memo as { accountNumber?: string } | undefined)?.accountNumber ?? ''),
    status: reviewStatusSchema.parse(sa.get(ReviewStatusKey)),
    round: sa.get(ReviewRound) ?? 1,
    reasons: z.array(reasonCodeSchema).parse(sa.get(ReviewReasons) ?? []),
    escalated: sa.get(Escalated) ?? false,
    hold: holdStateSchema.parse(sa.get(Hold) ?? 'NONE'),
  };
}

const translate = (err: unknown) =>
  translateWorkflowError(err, {
    notFound: 'no review with this id',
    closed: 'the review is closed',
  });
