/**
 * The review queue over Temporal: list through visibility (search attributes hold codes and
 * flags only), read a case (query), decide a round and take re-submitted photos (updates).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { z } from 'zod';
import { channelSchema, flowVersionSchema } from '../../domain/identifiers';
import type {
  CaseFile,
  Claim,
  DecisionRequest,
  Resubmission,
  ResubmissionResult,
  ReviewCase,
  ReviewSummary,
} from '../../domain/review';
import { holdStateSchema, reviewStatusSchema } from '../../domain/review';
import { OPEN } from '../../domain/review-status';
import { reasonCodeSchema } from '../../domain/steps';
import { applicationIdOfReview, reviewWorkflowId } from '../../domain/workflow-ids';
import type { ReviewFilter } from '../../sdk/schemas';
import { type SignedUpdate, signUpdate } from '../../workflows/review/message-signature';
import {
  claim,
  decide,
  getCaseFile,
  getReview,
  releaseClaim,
  resubmit,
} from '../../workflows/review/messages';
import {
  Channel,
  ClaimedBy,
  ClaimedUntil,
  Escalated,
  FlowVersion,
  Hold,
  ReviewDueAt,
  ReviewReasons,
  ReviewRound,
  ReviewStatusKey,
} from '../../workflows/search-attributes';
import { ConflictError, NotFoundError } from './errors';
import { type AgeCursor, oldestFirstPage } from './oldest-first';
import { readView } from './read-view';
import { translateWorkflowError } from './workflow-errors';

/** A page of the queue, and where the next one starts (absent on the last page). */
export interface ReviewPage {
  reviews: ReviewSummary[];
  nextPageToken?: string;
}

/** A page token the visibility store did not give (or for another query): a 400 on `query.pageToken`. */
export class PageTokenError extends Error {
  readonly statusCode = 400;
  constructor() {
    super('query.pageToken is not a page token of this queue; start again without it');
  }
}

export class Reviews {
  /** Whether visibility takes `ORDER BY StartTime` (Elasticsearch does; SQL visibility in 1.29 does not). */
  private orderBy: boolean | undefined;

  private readonly taskQueue: string | undefined;
  private readonly decisionSigningKey: string;

  /**
   * With `taskQueue`, the queue lists this deployment's reviews only (as the funnel counts its
   * own). `decisionSigningKey` (DECISION_SIGNING_KEY, the worker's too) signs every decision,
   * claim and release: the review refuses one it cannot verify.
   */
  constructor(
    private readonly client: Client,
    opts: { taskQueue?: string; decisionSigningKey: string },
  ) {
    this.taskQueue = opts.taskQueue;
    this.decisionSigningKey = opts.decisionSigningKey;
  }

  /**
   * The update's argument with the API's signature, and the update id it is signed for: the
   * caller's identity in it came from their token, and the signature says so to the workflow
   * (workflows/review/message-signature.ts).
   */
  private signed<T extends object>(
    update: SignedUpdate,
    reviewId: string,
    args: T,
    updateId: string = randomUUID(),
  ) {
    const signature = signUpdate(this.decisionSigningKey, { update, workflowId: reviewId, updateId }, args);
    return { args: [{ ...args, signature }] as [T & { signature: string }], updateId };
  }

  /** The first page of the queue (`limit` cases), oldest first: see `page`. */
  async list(filter: ReviewFilter): Promise<ReviewSummary[]> {
    return (await this.page(filter)).reviews;
  }

  /**
   * One page of the queue from Temporal visibility, oldest case first across pages. Where
   * visibility orders (`ORDER BY StartTime ASC`: Elasticsearch) it does the ordering; SQL
   * visibility (PostgreSQL, MySQL and the dev server's SQLite, server 1.29) refuses ORDER BY, and
   * there the pages are found by StartTime ranges and counts (api/services/oldest-first.ts).
   */
  async page(filter: ReviewFilter): Promise<ReviewPage> {
    const where = this.where(filter);
    const tag = queryTag(where);
    let after: Buffer | undefined;
    let ageCursor: AgeCursor | undefined;
    if (filter.pageToken) {
      // Ours is `<visibility's token>.<the query's tag>`: a token of another filter, or none of
      // ours, is refused here (visibility itself answers a bad token only after its retries).
      // The oldest-first walk's are `age.<cursor>.<tag>`.
      const parts = filter.pageToken.split('.');
      const [inner, tagged] = parts.length === 3 && parts[0] === AGE_TOKEN ? parts.slice(1) : parts;
      if (!inner || tagged !== tag || parts.length > 3) throw new PageTokenError();
      if (parts.length === 3) ageCursor = parseAgeCursor(inner);
      else after = Buffer.from(inner, 'base64url');
    }
    // Where visibility cannot order (SQL visibility), oldest first across pages by StartTime
    // ranges (api/services/oldest-first.ts); its tokens are its own.
    // An age token says so itself, whichever API instance gave it.
    if (ageCursor || (this.orderBy === false && !after))
      return this.pageByAge(where, tag, filter.limit, ageCursor);
    const ordered = this.orderBy !== false;
    let res: Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>;
    try {
      res = await this.listRaw(ordered ? `${where} ORDER BY StartTime ASC` : where, filter.limit, after);
      if (ordered) this.orderBy = true;
    } catch (err) {
      if (!ordered || !/order by/i.test(String((err as Error)?.message)))
        throw await this.tokenAtFault(err, where, after);
      this.orderBy = false;
      if (!after) return this.pageByAge(where, tag, filter.limit, undefined);
      res = await this.listRaw(where, filter.limit, after).catch(async (e: unknown) => {
        throw await this.tokenAtFault(e, where, after);
      });
    }
    const reviews = await this.summaries(res.executions ?? []);
    if (!this.orderBy) reviews.sort((a, b) => (a.openedAt ?? '').localeCompare(b.openedAt ?? ''));
    const token = res.nextPageToken?.length
      ? `${Buffer.from(res.nextPageToken).toString('base64url')}.${tag}`
      : undefined;
    return { reviews, ...(token && { nextPageToken: token }) };
  }

  /** The oldest `limit` cases after the cursor, by StartTime ranges and counts (SQL visibility). */
  private async pageByAge(
    where: string,
    tag: string,
    limit: number,
    cursor: AgeCursor | undefined,
  ): Promise<ReviewPage> {
    const namespace = this.client.options.namespace;
    const { executions, next } = await oldestFirstPage(
      {
        count: async (query) =>
          Number(
            (await this.client.workflowService.countWorkflowExecutions({ namespace, query })).count ?? 0,
          ),
        list: async (query, pageSize) => (await this.listRaw(query, pageSize, undefined)).executions ?? [],
      },
      where,
      limit,
      cursor,
    );
    const reviews = await this.summaries(executions);
    const token = next && `${AGE_TOKEN}.${Buffer.from(JSON.stringify(next)).toString('base64url')}.${tag}`;
    return { reviews, ...(token && { nextPageToken: token }) };
  }

  private async summaries(
    executions: Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions'] & {},
  ): Promise<ReviewSummary[]> {
    const { namespace, loadedDataConverter } = this.client.options;
    // A memo this process cannot decode (another environment's data key) costs the row its
    // account number, not the whole page.
    const infos = await Promise.all(
      executions.map((raw) =>
        executionInfoFromRaw(raw, loadedDataConverter, raw, namespace).catch(() => {
          // The same message without its memo: a spread copy would lose the defaults protobuf
          // keeps on the prototype (historyLength, ...), so the copy inherits from the message.
          const withoutMemo = Object.assign(Object.create(raw) as typeof raw, { memo: null });
          return executionInfoFromRaw(withoutMemo, loadedDataConverter, raw, namespace);
        }),
      ),
    );
    const now = Date.now();
    return infos.map((wf) => summarize(wf, now));
  }

  /**
   * Visibility answers a page token it did not give with a bare "something went wrong": the same
   * query without the token tells a bad token (400) from a server in trouble (rethrown).
   */
  private async tokenAtFault(err: unknown, where: string, after: Buffer | undefined): Promise<unknown> {
    if (!after) return err;
    const fine = await this.listRaw(where, 1, undefined).then(
      () => true,
      () => false,
    );
    return fine ? new PageTokenError() : err;
  }

  private listRaw(query: string, pageSize: number, after: Buffer | undefined) {
    return this.client.workflowService.listWorkflowExecutions({
      namespace: this.client.options.namespace,
      query,
      pageSize,
      ...(after && { nextPageToken: after }),
    });
  }

  /** Values come from zod enums and patterns above, so the query cannot be injected into. */
  private where(filter: ReviewFilter): string {
    const where = ["WorkflowType = 'review'"];
    if (this.taskQueue) where.push(`TaskQueue = '${this.taskQueue.replace(/'/g, "''")}'`);
    if (filter.status) where.push(`ReviewStatus = '${filter.status}'`);
    // A review that failed or was terminated keeps the status it last published: a case that
    // waits on someone is one whose workflow is still running.
    if (filter.status && OPEN.includes(filter.status)) where.push("ExecutionStatus = 'Running'");
    if (filter.escalated) where.push(`Escalated = ${filter.escalated}`);
    if (filter.hold) where.push(`Hold = '${filter.hold}'`);
    if (filter.reason) where.push(`ReviewReasons = '${filter.reason}'`);
    if (filter.flowVersion) where.push(`FlowVersion = '${filter.flowVersion}'`);
    if (filter.channel) where.push(`Channel = '${filter.channel}'`);
    return where.join(' AND ');
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
    caller: string | { id: string; role: string },
    idempotencyKey?: string,
  ): Promise<ReviewCase> {
    const { id: operator, role } = typeof caller === 'string' ? { id: caller, role: 'operator' } : caller;
    try {
      return await this.handle(reviewId).executeUpdate(
        decide,
        this.signed(
          'decide',
          reviewId,
          { ...decision, operator, supervisor: role === 'supervisor' },
          idempotencyKey ? `decide-${idempotencyKey}` : undefined,
        ),
      );
    } catch (err) {
      throw translate(err);
    }
  }

  /**
   * Claims the case for `operator` (or renews their claim) for the review policy's lease. A 409
   * while another holds it, carrying `claimedBy` and `until`.
   */
  async claim(reviewId: string, operator: string): Promise<Claim> {
    try {
      return await this.handle(reviewId).executeUpdate(claim, this.signed('claim', reviewId, { operator }));
    } catch (err) {
      throw await this.withHolder(reviewId, translate(err));
    }
  }

  /** Ends the claim: its holder, or any supervisor; nothing to end is fine too. */
  async release(reviewId: string, caller: { id: string; role: string }): Promise<void> {
    try {
      await this.handle(reviewId).executeUpdate(
        releaseClaim,
        this.signed('releaseClaim', reviewId, {
          operator: caller.id,
          supervisor: caller.role === 'supervisor',
        }),
      );
    } catch (err) {
      const translated = translate(err);
      // A cleared review has no claim left to release.
      if (translated instanceof ConflictError && /closed/.test(translated.message)) return;
      throw translated;
    }
  }

  /** The applicant as entered and the case's ID photos, unmasked: for the API to mask, and to check a document request against. */
  async caseFile(reviewId: string): Promise<CaseFile & { applicationId: string; accountNumber: string }> {
    try {
      const handle = this.handle(reviewId);
      const [file, view] = await Promise.all([handle.query(getCaseFile), readView(handle, getReview)]);
      return { ...file, applicationId: view.applicationId, accountNumber: view.accountNumber };
    } catch (err) {
      throw translate(err);
    }
  }

  /** A CLAIMED refusal names its holder: read from the case, since the refusal is only a message. */
  private async withHolder(reviewId: string, err: unknown): Promise<unknown> {
    if (!(err instanceof ConflictError) || err.code !== 'CLAIMED') return err;
    const held = await this.get(reviewId).then(
      (view) => view.claim,
      () => undefined,
    );
    return held ? new ConflictError(err.message, { ...err.extra, ...held }, err.code) : err;
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

function summarize(wf: WorkflowExecutionInfo, now: number): ReviewSummary {
  const sa = wf.typedSearchAttributes;
  const flowVersion = flowVersionSchema.safeParse(sa.get(FlowVersion));
  const channel = channelSchema.safeParse(sa.get(Channel));
  const dueAt = sa.get(ReviewDueAt);
  const claimedBy = sa.get(ClaimedBy);
  const claimedUntil = sa.get(ClaimedUntil);
  const status = reviewStatusSchema.parse(sa.get(ReviewStatusKey));
  return {
    reviewId: wf.workflowId,
    accountNumber: String((wf.memo as { accountNumber?: string } | undefined)?.accountNumber ?? ''),
    status,
    round: sa.get(ReviewRound) ?? 1,
    reasons: z.array(reasonCodeSchema).parse(sa.get(ReviewReasons) ?? []),
    escalated: sa.get(Escalated) ?? false,
    hold: holdStateSchema.parse(sa.get(Hold) ?? 'NONE'),
    openedAt: wf.startTime.toISOString(),
    ...(flowVersion.success && { flowVersion: flowVersion.data }),
    ...(channel.success && { channel: channel.data }),
    ...(dueAt && status === 'PENDING' && { slaDueAt: dueAt.toISOString() }),
    ...(claimedBy &&
      claimedUntil &&
      claimedUntil.getTime() > now && {
        claim: { claimedBy, until: claimedUntil.toISOString() },
      }),
  };
}

const translate = (err: unknown) =>
  translateWorkflowError(err, {
    notFound: 'no review with this id',
    closed: 'the review is closed',
  });

/** Ties a page token to the query it pages (8 base64url characters of its SHA-256). */
/** Page tokens of the oldest-first walk over SQL visibility start with this. */
const AGE_TOKEN = 'age';

function parseAgeCursor(b64: string): AgeCursor {
  try {
    const c = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')) as AgeCursor;
    if (typeof c.us === 'number' && Array.isArray(c.shown) && c.shown.every((s) => typeof s === 'string'))
      return c;
  } catch {
    // not ours
  }
  throw new PageTokenError();
}

const queryTag = (where: string): string =>
  createHash('sha256').update(where).digest('base64url').slice(0, 8);
