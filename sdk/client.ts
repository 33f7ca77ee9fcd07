/**
 * A typed client of HTTP API v1 for apps and operators, over the global fetch. Answers are
 * parsed with the schemas the API itself answers with, so a drift between the two fails loudly
 * here rather than as an undefined field somewhere later.
 *
 * Every non-2xx answer throws ApiError, except a wrong SMS code: the API's 422 there means
 * "try again", so submitSmsCode returns `{status: 'WRONG_CODE', attemptsLeft}` like the
 * in-process Applications.submitSmsCode does.
 */
import { z } from 'zod';
import type { ApplicationView, SubmitCodeResult, startApplicationRequestSchema } from '../domain/application';
import type { ImageType } from '../domain/identifiers';
import {
  type DecisionRequest,
  type Resubmission,
  type ResubmissionResult,
  type ReviewCase,
  resubmissionResultSchema,
  reviewCaseSchema,
  reviewSummarySchema,
} from '../domain/review';
import { apiErrorFrom } from './errors';
import {
  accountViewSchema,
  applicationViewSchema,
  documentCreatedSchema,
  type FunnelRow,
  funnelRowSchema,
  type reviewFilterSchema,
  submitCodeAnswerSchema,
} from './schemas';

export type { FieldProblem } from './errors';
export { ApiError } from './errors';

export type { FunnelRow };
export type AccountView = z.infer<typeof accountViewSchema>;
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;
/** What a caller sends: defaults (flowVersion, channel, limit) may be left out. */
export type StartApplicationInput = z.input<typeof startApplicationRequestSchema>;
export type ReviewFilterInput = z.input<typeof reviewFilterSchema>;
export type { ApplicationView, DecisionRequest, ResubmissionResult, ReviewCase, SubmitCodeResult };

export interface ApiClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:8080`; a trailing slash is fine. */
  baseUrl: string;
  /** The caller's bearer token: the API takes the caller's role and identity from it. */
  token: string;
}

const reviewListSchema = z.object({ reviews: z.array(reviewSummarySchema) });

const idempotencyHeader = (key: string | undefined): Record<string, string> =>
  key ? { 'idempotency-key': key } : {};

interface Call {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  bytes?: { data: Uint8Array; contentType: ImageType };
  headers?: Record<string, string>;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
  }

  /** Uploads a raw JPEG or PNG and answers its documentId, for the application's `documents`. */
  async uploadDocument(bytes: Uint8Array, contentType: ImageType): Promise<string> {
    const res = await this.send({
      method: 'POST',
      path: '/v1/documents',
      bytes: { data: bytes, contentType },
    });
    return (await this.answer(res, documentCreatedSchema)).documentId;
  }

  /** Answers once the application waits for the SMS code or is decided. */
  async startApplication(req: StartApplicationInput): Promise<ApplicationView> {
    const res = await this.send({ method: 'POST', path: '/v1/applications', json: req });
    return this.answer(res, applicationViewSchema);
  }

  /**
   * Submits the SMS code. A wrong code is an answer, not an error: `{status: 'WRONG_CODE',
   * attemptsLeft}`. Send the same `idempotencyKey` when retrying after a lost answer.
   */
  async submitSmsCode(
    applicationId: string,
    code: string,
    idempotencyKey?: string,
  ): Promise<SubmitCodeResult> {
    const res = await this.send({
      method: 'POST',
      path: `/v1/applications/${encodeURIComponent(applicationId)}/sms-code`,
      json: { code },
      headers: idempotencyHeader(idempotencyKey),
    });
    if (res.status === 422) {
      const err = await apiErrorFrom(res);
      if (err.attemptsLeft !== undefined) return { status: 'WRONG_CODE', attemptsLeft: err.attemptsLeft };
      throw err;
    }
    return this.answer(res, submitCodeAnswerSchema);
  }

  async getApplication(applicationId: string): Promise<ApplicationView> {
    const res = await this.send({
      method: 'GET',
      path: `/v1/applications/${encodeURIComponent(applicationId)}`,
    });
    return this.answer(res, applicationViewSchema);
  }

  async getAccount(accountNumber: string): Promise<AccountView> {
    const res = await this.send({ method: 'GET', path: `/v1/accounts/${encodeURIComponent(accountNumber)}` });
    return this.answer(res, accountViewSchema);
  }

  /**
   * New ID photos for an account under review; `accepted: false` with reasons means ask again.
   * A retry with the same `idempotencyKey` answers the first call's result.
   */
  async resubmitIdDocuments(
    accountNumber: string,
    documents: Resubmission,
    idempotencyKey?: string,
  ): Promise<ResubmissionResult> {
    const res = await this.send({
      method: 'POST',
      path: `/v1/accounts/${encodeURIComponent(accountNumber)}/id-documents`,
      json: documents,
      headers: idempotencyHeader(idempotencyKey),
    });
    return this.answer(res, resubmissionResultSchema);
  }

  /** The review queue from Temporal visibility: a case may show up a moment after it opens. */
  async listReviews(filter: ReviewFilterInput = {}): Promise<ReviewSummary[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const qs = query.size ? `?${query}` : '';
    const res = await this.send({ method: 'GET', path: `/v1/reviews${qs}` });
    return (await this.answer(res, reviewListSchema)).reviews;
  }

  /** Where applicants drop out, per flow version and channel (operators and supervisors). */
  async funnel(): Promise<FunnelRow[]> {
    const res = await this.send({ method: 'GET', path: '/v1/funnel' });
    return (await this.answer(res, z.object({ funnel: z.array(funnelRowSchema) }))).funnel;
  }

  async getReview(reviewId: string): Promise<ReviewCase> {
    const res = await this.send({ method: 'GET', path: `/v1/reviews/${encodeURIComponent(reviewId)}` });
    return this.answer(res, reviewCaseSchema);
  }

  /**
   * Decides the open round as the token's operator; ApiError 409 when the round is stale or
   * decided, 403 when four eyes forbid it. A retry with the same `idempotencyKey` decides once.
   */
  async decide(reviewId: string, decision: DecisionRequest, idempotencyKey?: string): Promise<ReviewCase> {
    const res = await this.send({
      method: 'POST',
      path: `/v1/reviews/${encodeURIComponent(reviewId)}/decisions`,
      json: decision,
      headers: idempotencyHeader(idempotencyKey),
    });
    return this.answer(res, reviewCaseSchema);
  }

  private send(call: Call): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json, application/problem+json',
      ...call.headers,
    };
    let body: string | Uint8Array | undefined;
    if (call.bytes) {
      headers['content-type'] = call.bytes.contentType;
      body = call.bytes.data;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    return fetch(`${this.baseUrl}${call.path}`, { method: call.method, headers, body });
  }

  private async answer<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
    if (!res.ok) throw await apiErrorFrom(res);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success) {
      throw new Error(
        `${res.url} answered a shape this client does not know:\n${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }
}
