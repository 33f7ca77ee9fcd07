/**
 * A typed client of HTTP API v1 for apps and operators, over the global fetch (or one given).
 * Answers are parsed with the schemas the API itself answers with, so a drift between the two
 * fails loudly here rather than as an undefined field somewhere later. Paths come from
 * routes.ts, the table the API registers its routes from.
 *
 * Every non-2xx answer throws ApiError, except a wrong SMS code: the API's 422 there means
 * "try again", so submitSmsCode returns `{status: 'WRONG_CODE', attemptsLeft}` like the
 * in-process Applications.submitSmsCode does.
 *
 * A start the API could not finish within its deadline answers 202 with the application still
 * CHECKING (or OPENING); startApplication re-sends the same idempotent start until it waits for
 * the code or is decided, so callers never see those two statuses from it.
 */
import * as z from 'zod';
import {
  type AgreementSigningView,
  agreementSigningViewSchema,
  type signingRequestSchema,
} from '../domain/agreement-signing';
import { type Debit, debitSchema } from '../domain/agreements';
import type {
  ApplicationStatus,
  ApplicationView,
  SubmitCodeResult,
  startApplicationRequestSchema,
} from '../domain/application';
import { type AuditEntry, auditAnswerSchema } from '../domain/audit';
import {
  type BankRestrictionCase,
  bankRestrictionCaseSchema,
  type RestrictionDecisionRequest,
  type RestrictionRequest,
} from '../domain/bank-restrictions';
import type { Delivery } from '../domain/deliveries';
import type { ImageType } from '../domain/identifiers';
import {
  type ReVerificationFunnel,
  type RiskLifeAccount,
  type RiskLifeListItem,
  type RiskLifeListPage,
  type RiskLifeListQuery,
  reVerificationFunnelSchema,
  riskLifeAccountSchema,
  riskLifeListPageSchema,
} from '../domain/re-verification-outcomes';
import {
  type CaseFile,
  type Claim,
  caseFileSchema,
  claimSchema,
  type DecisionRequest,
  type Resubmission,
  type ResubmissionResult,
  type ReviewCase,
  resubmissionResultSchema,
  reviewCaseSchema,
  type reviewSummarySchema,
} from '../domain/review';
import { type CreateSessionRequest, type SessionCreated, sessionCreatedSchema } from '../domain/sessions';
import { ApiError, apiErrorFrom } from './errors';
import { pathOf, type RouteName, type RouteParams, routes } from './routes';
import {
  type AgreementList,
  accountViewSchema,
  agreementCodeAnswerSchema,
  agreementListSchema,
  applicationViewSchema,
  type CallerView,
  callerViewSchema,
  type debitRequestBodySchema,
  documentCreatedSchema,
  eventsAnswerSchema,
  type FunnelPeriod,
  type FunnelRow,
  funnelRowSchema,
  resendCodeAnswerSchema,
  revealAnswerSchema,
  type reviewFilterSchema,
  reviewPageSchema,
  submitCodeAnswerSchema,
} from './schemas';

export type { FieldProblem } from './errors';
export { ApiError } from './errors';
export type {
  AuditEntry,
  CallerView,
  CaseFile,
  Claim,
  Delivery,
  FunnelPeriod,
  FunnelRow,
  ReVerificationFunnel,
  RiskLifeAccount,
  RiskLifeListItem,
  RiskLifeListPage,
  RiskLifeListQuery,
};
/** One page of the review queue; pass `nextPageToken` as `pageToken` for the next. */
export type ReviewPage = z.infer<typeof reviewPageSchema>;
export type AccountView = z.infer<typeof accountViewSchema>;
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;
/** What a caller sends: defaults (flowVersion, channel, limit) may be left out. */
export type StartApplicationInput = z.input<typeof startApplicationRequestSchema>;
export type ReviewFilterInput = z.input<typeof reviewFilterSchema>;
/** What an institution sends to sign: the holder's elements, the scope and the limits it asks for. */
export type SigningRequestInput = z.input<typeof signingRequestSchema>;
export type { AgreementSigningView, Debit };
/** One agreement of an account, as its app and staff read it. */
export type AgreementSummary = AgreementList['agreements'][number];
/**
 * The answer to an agreement's SMS code: signed (with the agreement number and the limits the
 * bank granted), refused, expired, or a wrong code with the tries left.
 */
export type AgreementCodeResult =
  | z.infer<typeof agreementCodeAnswerSchema>
  | { status: 'WRONG_CODE'; attemptsLeft: number };
/** A debit as an institution sends it; the institution is its token. */
export type DebitRequestInput = z.input<typeof debitRequestBodySchema>;
export type {
  ApplicationView,
  DecisionRequest,
  Resubmission,
  ResubmissionResult,
  ReviewCase,
  SubmitCodeResult,
};

/** What a backend mints a session for: `{applicationId}` or `{accountNumber}`, and `ttlSeconds` if not the default. */
export type CreateSessionInput = CreateSessionRequest;
export type { SessionCreated };

/** Statuses of an application whose checks are still running: a start never answers these. */
export const IN_FLIGHT_STATUSES = ['CHECKING', 'OPENING'] as const satisfies readonly ApplicationStatus[];
type InFlightStatus = (typeof IN_FLIGHT_STATUSES)[number];
/** An application waiting for its code (`AWAITING_SMS_CODE`) or decided (`OPENED`, `REJECTED`, ...). */
export type SettledApplicationView = ApplicationView & { status: Exclude<ApplicationStatus, InFlightStatus> };

const isInFlight = (status: ApplicationStatus): status is InFlightStatus =>
  (IN_FLIGHT_STATUSES as readonly string[]).includes(status);

export interface StartOptions {
  /**
   * How long startApplication keeps re-sending the start while the API answers 202 (still
   * checking) or is briefly unreachable; 120 s unless given. Past it, StillCheckingError.
   */
  maxWaitMs?: number;
  /** The first pause between re-sends (doubling up to 5 s); 250 ms unless given. */
  retryDelayMs?: number;
  /** Stops waiting (the application goes on; start it again later to read its outcome). */
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:8080`; a trailing slash is fine. */
  baseUrl: string;
  /** The caller's bearer token: the API takes the caller's role and identity from it. */
  token: string;
  /** The fetch to use (a WebView's, an instrumented one); the global fetch unless given. */
  fetch?: typeof fetch;
  /** Defaults for every startApplication call. */
  start?: Omit<StartOptions, 'signal'>;
}

/**
 * The API kept answering "still checking" (or was unreachable) for longer than `maxWaitMs`.
 * The application goes on: start it again with the same request later, or read it with
 * getApplication. `application` is the last answer, if there was one.
 */
export class StillCheckingError extends Error {
  override readonly name = 'StillCheckingError';
  constructor(
    readonly applicationId: string,
    readonly application: ApplicationView | undefined,
    readonly lastError?: unknown,
  ) {
    super(
      `application ${applicationId} was still ${application?.status ?? 'unanswered'} when startApplication stopped waiting`,
    );
  }
}

const DEFAULT_START_MAX_WAIT_MS = 120_000;
const DEFAULT_START_RETRY_DELAY_MS = 250;
const MAX_START_RETRY_DELAY_MS = 5_000;
/** Answers where another try of an idempotent call may well succeed. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

const funnelSchema = z.object({ funnel: z.array(funnelRowSchema) });
const cancelledSchema = z.object({ status: z.literal('CANCELLED') });

const idempotencyHeader = (key: string | undefined): Record<string, string> =>
  key ? { 'idempotency-key': key } : {};

interface Call<N extends RouteName> {
  route: N;
  params: RouteParams<N>;
  query?: URLSearchParams;
  json?: unknown;
  bytes?: { data: Uint8Array | Blob; contentType: ImageType };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** fetch takes bytes over an ArrayBuffer only (not a SharedArrayBuffer): the rare other is copied. */
function fetchableBytes(data: Uint8Array | Blob): Uint8Array<ArrayBuffer> | Blob {
  if (!ArrayBuffer.isView(data)) return data;
  return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
}

/** A network failure (fetch's TypeError) or a transient answer: worth another try of an idempotent call. */
const isTransient = (err: unknown, signal: AbortSignal | undefined): boolean =>
  !signal?.aborted &&
  ((err instanceof ApiError && TRANSIENT_STATUSES.has(err.status)) || err instanceof TypeError);

/** The API answered 2xx with a body this SDK does not know: a version drift between the two. */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly fetch: typeof fetch;
  private readonly startDefaults: Omit<StartOptions, 'signal'>;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    // Called unbound either way: a browser's fetch refuses to run as another object's method.
    const given = options.fetch;
    this.fetch = given ? (input, init) => given(input, init) : (input, init) => globalThis.fetch(input, init);
    this.startDefaults = options.start ?? {};
  }

  /**
   * Uploads a raw JPEG or PNG (bytes, or a Blob/File from a camera or an `<input type=file>`)
   * and answers its documentId, for the application's `documents`.
   */
  async uploadDocument(bytes: Uint8Array | Blob, contentType: ImageType): Promise<string> {
    const res = await this.send({
      route: 'uploadDocument',
      params: {},
      bytes: { data: bytes, contentType },
    });
    return (await this.answer(res, documentCreatedSchema)).documentId;
  }

  /**
   * Starts the application and answers once it waits for the SMS code or is decided (a v2
   * start answers OPENED or REJECTED). Idempotent by `applicationId`: while the API answers 202
   * (its checks outlasted the API's deadline, about 20 s), or cannot be reached, this re-sends the
   * same request with a growing pause, up to `maxWaitMs`; then StillCheckingError. A request
   * the API refuses (400, 403, 409, 429) throws its ApiError at once.
   */
  async startApplication(
    req: StartApplicationInput,
    options: StartOptions = {},
  ): Promise<SettledApplicationView> {
    const { signal } = options;
    const maxWaitMs = options.maxWaitMs ?? this.startDefaults.maxWaitMs ?? DEFAULT_START_MAX_WAIT_MS;
    let delay = options.retryDelayMs ?? this.startDefaults.retryDelayMs ?? DEFAULT_START_RETRY_DELAY_MS;
    const deadline = Date.now() + maxWaitMs;
    let last: ApplicationView | undefined;
    let lastError: unknown;
    for (;;) {
      try {
        const res = await this.send({ route: 'startApplication', params: {}, json: req, signal });
        last = await this.answer(res, applicationViewSchema);
        lastError = undefined;
        if (!isInFlight(last.status)) return last as SettledApplicationView;
      } catch (err) {
        if (!isTransient(err, signal)) throw err;
        lastError = err;
      }
      if (Date.now() + delay > deadline) throw new StillCheckingError(req.applicationId, last, lastError);
      await sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_START_RETRY_DELAY_MS);
    }
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
      route: 'submitSmsCode',
      params: { applicationId },
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

  /**
   * Asks for a new SMS code (the same verification; the tries left carry over). Answers how many
   * more may be asked for. Too early is an ApiError 429 whose `retryAfterSeconds` says when; none
   * left, or the application no longer waiting for a code, a 409.
   */
  async resendSmsCode(applicationId: string, idempotencyKey?: string): Promise<{ resendsLeft: number }> {
    const res = await this.send({
      route: 'resendSmsCode',
      params: { applicationId },
      headers: idempotencyHeader(idempotencyKey),
    });
    return this.answer(res, resendCodeAnswerSchema);
  }

  async getApplication(applicationId: string): Promise<ApplicationView> {
    const res = await this.send({ route: 'getApplication', params: { applicationId } });
    return this.answer(res, applicationViewSchema);
  }

  /**
   * The delivery log of the application's webhook events (its review's included), oldest
   * first: what was sent, and whether the app's webhook took it.
   */
  async listEvents(applicationId: string): Promise<Delivery[]> {
    const res = await this.send({ route: 'listEvents', params: { applicationId } });
    return (await this.answer(res, eventsAnswerSchema)).events;
  }

  async getAccount(accountNumber: string): Promise<AccountView> {
    const res = await this.send({ route: 'getAccount', params: { accountNumber } });
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
      route: 'resubmitIdDocuments',
      params: { accountNumber },
      json: documents,
      headers: idempotencyHeader(idempotencyKey),
    });
    return this.answer(res, resubmissionResultSchema);
  }

  /** The review queue from Temporal visibility: a case may show up a moment after it opens. */
  async listReviews(filter: ReviewFilterInput = {}): Promise<ReviewSummary[]> {
    return (await this.listReviewPage(filter)).reviews;
  }

  /**
   * One page of the queue, oldest case first, and the token of the next page (absent on the
   * last): `listReviewPage({ ...filter, pageToken: page.nextPageToken })`.
   */
  async listReviewPage(filter: ReviewFilterInput = {}): Promise<ReviewPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const res = await this.send({ route: 'listReviews', params: {}, query });
    return this.answer(res, reviewPageSchema);
  }

  /**
   * Claims the case for the caller (or renews the caller's claim) for the policy's lease: while
   * it holds, nobody else may decide the case. ApiError 409 with `claimedBy` and `until` when
   * another holds it; 409 too when the case has nothing to decide.
   */
  async claimReview(reviewId: string): Promise<Claim> {
    const res = await this.send({ route: 'claimReview', params: { reviewId } });
    return this.answer(res, claimSchema);
  }

  /** Ends the claim (the holder, or a supervisor for anyone's); ApiError 403 for someone else's. */
  async releaseClaim(reviewId: string): Promise<void> {
    const res = await this.send({ route: 'releaseClaim', params: { reviewId } });
    if (!res.ok) throw await apiErrorFrom(res);
  }

  /** The applicant's entered name and ID number, masked, and the case's ID photos (staff). */
  async getCaseFile(reviewId: string): Promise<CaseFile> {
    const res = await this.send({ route: 'getCaseFile', params: { reviewId } });
    return this.answer(res, caseFileSchema);
  }

  /** One entered field unmasked; the API records who looked, in the audit log. */
  async revealApplicant(reviewId: string, field: 'name' | 'idNumber'): Promise<string> {
    const res = await this.send({ route: 'revealApplicant', params: { reviewId }, json: { field } });
    return (await this.answer(res, revealAnswerSchema)).value;
  }

  /** An ID photo of the case, as stored (staff; each view is recorded in the audit log). */
  async getReviewDocument(reviewId: string, documentId: string): Promise<Blob> {
    const res = await this.send({ route: 'getReviewDocument', params: { reviewId, documentId } });
    if (!res.ok) throw await apiErrorFrom(res);
    return res.blob();
  }

  /**
   * For an app's backend (a client on the app's token): mints a customer's session for one
   * application (a new applicationId, or one of the app's own) or one account of the app's, and
   * answers the token to hand to the customer's device. The device builds its own ApiClient
   * with `token: sessionToken`; that client may act for this application and its account only.
   */
  async createSession(target: CreateSessionInput): Promise<SessionCreated> {
    const res = await this.send({ route: 'createSession', params: {}, json: target });
    return this.answer(res, sessionCreatedSchema);
  }

  /** For a client on a session token: ends the session; its token is refused from then on. */
  async endSession(): Promise<void> {
    const res = await this.send({ route: 'endSession', params: {} });
    if (!res.ok) throw await apiErrorFrom(res);
  }

  /** Who the token stands for: its id (what decisions record) and role; a session, what it acts for. */
  async whoAmI(): Promise<CallerView> {
    const res = await this.send({ route: 'whoAmI', params: {} });
    return this.answer(res, callerViewSchema);
  }

  async getReview(reviewId: string): Promise<ReviewCase> {
    const res = await this.send({ route: 'getReview', params: { reviewId } });
    return this.answer(res, reviewCaseSchema);
  }

  /**
   * Decides the open round as the token's operator; ApiError 409 when the round is stale or
   * decided, 403 when four eyes forbid it. A retry with the same `idempotencyKey` decides once.
   */
  async decide(reviewId: string, decision: DecisionRequest, idempotencyKey?: string): Promise<ReviewCase> {
    const res = await this.send({
      route: 'decide',
      params: { reviewId },
      json: decision,
      headers: idempotencyHeader(idempotencyKey),
    });
    return this.answer(res, reviewCaseSchema);
  }

  /**
   * Staff: proposes to restrict an abnormal account (an operator: the case PROPOSED), or confirms
   * the proposal (a supervisor other than the proposer, same category: the case IN_FORCE, the
   * account receive-only). ApiError 403 when the proposer confirms, 409 while another case is open.
   */
  async proposeRestriction(accountNumber: string, request: RestrictionRequest): Promise<BankRestrictionCase> {
    const res = await this.send({ route: 'proposeRestriction', params: { accountNumber }, json: request });
    return this.answer(res, bankRestrictionCaseSchema);
  }

  /** Staff: lifts a bank restriction, or upholds it after the holder's appeal; ApiError 409 when the case is not waiting for that. */
  async decideRestriction(
    accountNumber: string,
    caseId: string,
    request: RestrictionDecisionRequest,
  ): Promise<BankRestrictionCase> {
    const res = await this.send({
      route: 'decideRestriction',
      params: { accountNumber, caseId },
      json: request,
    });
    return this.answer(res, bankRestrictionCaseSchema);
  }

  /** Where applicants drop out, per flow version and channel (operators and supervisors). */
  async funnel(period: FunnelPeriod = {}): Promise<FunnelRow[]> {
    const query = new URLSearchParams();
    if (period.from) query.set('from', period.from);
    if (period.to) query.set('to', period.to);
    const res = await this.send({ route: 'funnel', params: {}, query });
    return (await this.answer(res, funnelSchema)).funnel;
  }

  /** Re-verification outcomes of the cases started in the period (operators and supervisors). */
  async reVerificationFunnel(period: FunnelPeriod = {}): Promise<ReVerificationFunnel> {
    const query = new URLSearchParams();
    if (period.from) query.set('from', period.from);
    if (period.to) query.set('to', period.to);
    const res = await this.send({ route: 'reVerificationFunnel', params: {}, query });
    return this.answer(res, reVerificationFunnelSchema);
  }

  /** A page of the accounts whose re-verification is DUE or OVERDUE, oldest due date first (staff). */
  async listReVerificationsDue(q: RiskLifeListQuery): Promise<RiskLifeListPage> {
    const query = new URLSearchParams({ status: q.status });
    if (q.cursor) query.set('cursor', q.cursor);
    if (q.limit !== undefined) query.set('limit', String(q.limit));
    const res = await this.send({ route: 'listReVerificationsDue', params: {}, query });
    return this.answer(res, riskLifeListPageSchema);
  }

  /** One account of those lists, opened (the API records the open in the audit log). */
  async openReVerificationDue(accountNumber: string): Promise<RiskLifeAccount> {
    const res = await this.send({ route: 'openReVerificationDue', params: { accountNumber } });
    return this.answer(res, riskLifeAccountSchema);
  }

  /** Claims (or renews the claim on) an account of those lists; ApiError 409 while another holds it. */
  async claimReVerificationDue(accountNumber: string): Promise<Claim> {
    const res = await this.send({ route: 'claimReVerificationDue', params: { accountNumber } });
    return this.answer(res, claimSchema);
  }

  /** Ends the claim on an account (the holder, or a supervisor for anyone's). */
  async releaseReVerificationDueClaim(accountNumber: string): Promise<void> {
    const res = await this.send({ route: 'releaseReVerificationDueClaim', params: { accountNumber } });
    if (!res.ok) throw await apiErrorFrom(res);
  }

  /**
   * The audit log of one account, oldest first, hash-chained (supervisors): who decided, held,
   * lifted or looked at what, when and why. References only, notes sealed (docs/audit.md).
   */
  async auditLog(accountNumber: string): Promise<AuditEntry[]> {
    const res = await this.send({
      route: 'audit',
      params: {},
      query: new URLSearchParams({ accountNumber }),
    });
    return (await this.answer(res, auditAnswerSchema)).entries;
  }

  /**
   * Starts signing an agreement (institutions): the bank checks the holder's elements against the
   * account and sends an SMS code to the holder. Answers `AWAITING_SMS_CODE` (with `attemptsLeft`
   * and `expiresAt`) or `REFUSED` with a `reason`. Idempotent by `reference`: the same request
   * again answers the same signing; another request under a used reference is an ApiError 409,
   * and past the day's count of mismatched elements for the account a 429.
   */
  async startAgreement(req: SigningRequestInput): Promise<AgreementSigningView> {
    const res = await this.send({ route: 'startAgreement', params: {}, json: req });
    return this.answer(res, agreementSigningViewSchema);
  }

  /** A signing as its institution sees it (another institution's is a 404, like an unknown one). */
  async getAgreement(agreementId: string): Promise<AgreementSigningView> {
    const res = await this.send({ route: 'getAgreement', params: { agreementId } });
    return this.answer(res, agreementSigningViewSchema);
  }

  /**
   * Submits the code the holder received. A wrong code is an answer, not an error:
   * `{status: 'WRONG_CODE', attemptsLeft}`; after the last try the signing is `REFUSED`
   * (`SMS_CODE_TRIES_EXHAUSTED`). A signing no longer waiting for a code is an ApiError 409.
   */
  async submitAgreementCode(agreementId: string, code: string): Promise<AgreementCodeResult> {
    const res = await this.send({ route: 'submitAgreementCode', params: { agreementId }, json: { code } });
    if (res.status === 422) {
      const err = await apiErrorFrom(res);
      if (err.attemptsLeft !== undefined) return { status: 'WRONG_CODE', attemptsLeft: err.attemptsLeft };
      throw err;
    }
    return this.answer(res, agreementCodeAnswerSchema);
  }

  /**
   * Cancels an agreement, or a signing still waiting for its code: its institution, or the app of
   * the agreement's account. Final; cancelling again answers the same. Anyone else gets 404 (or
   * 403 for a role that may not cancel at all).
   */
  async cancelAgreement(agreementId: string): Promise<{ status: 'CANCELLED' }> {
    const res = await this.send({ route: 'cancelAgreement', params: { agreementId } });
    return this.answer(res, cancelledSchema);
  }

  /** An account's agreements, oldest first, cancelled ones included (the account's app, staff). */
  async listAgreements(accountNumber: string): Promise<AgreementSummary[]> {
    const res = await this.send({ route: 'listAgreements', params: { accountNumber } });
    return (await this.answer(res, agreementListSchema)).agreements;
  }

  /**
   * Debits under a signed agreement (institutions) and answers the settled debit. Idempotent by
   * `reference`: the same debit again answers the same `debitId` and moves no more money; another
   * debit under a used reference is an ApiError 409. A refusal is an ApiError 422 whose `reason`
   * says why (`ACCOUNT_RESTRICTED`, `PER_DEBIT_LIMIT`, `DAILY_LIMIT`, ...); nothing is recorded,
   * so the same debit may be sent again once its cause is gone.
   */
  async debit(req: DebitRequestInput): Promise<Debit> {
    const res = await this.send({ route: 'debit', params: {}, json: req });
    return this.answer(res, debitSchema);
  }

  private send<N extends RouteName>(call: Call<N>): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json, application/problem+json',
      ...call.headers,
    };
    let body: RequestInit['body'];
    if (call.bytes) {
      headers['content-type'] = call.bytes.contentType;
      body = fetchableBytes(call.bytes.data);
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    const qs = call.query?.size ? `?${call.query}` : '';
    const url = `${this.baseUrl}${pathOf(call.route, call.params)}${qs}`;
    return this.fetch(url, { method: routes[call.route].method, headers, body, signal: call.signal });
  }

  private async answer<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
    if (!res.ok) throw await apiErrorFrom(res);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success) {
      throw new UnexpectedAnswerError(
        `${res.url} answered a shape this client does not know:\n${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }
}
