/**
 * A refusal from HTTP API v1, read from its RFC 9457 problem details so callers can act on
 * the status, the refusal's code and the named fields without parsing messages.
 */
import * as z from 'zod';
import { type ProblemCode, problemCodeSchema } from '../domain/problem-codes';
import { problemSchema } from './schemas';

export type { ProblemCode } from '../domain/problem-codes';
export type FieldProblem = NonNullable<z.infer<typeof problemSchema>['errors']>[number];

/**
 * What this SDK reads an answer with: the document's shape, but any string as the code, so an
 * answer from an API newer (a code added) or older (no code yet) than this SDK still arrives
 * with its fields; ApiError keeps the code only when it is one this SDK knows.
 */
const readProblemSchema = problemSchema.extend({ code: z.string().optional() });

/** The problem type of an answer that was not problem details (a proxy's error page, say). */
export const UNKNOWN_PROBLEM_TYPE = 'about:blank';

export interface Problem {
  /** The problem's type URI, e.g. `urn:account-opening:problem:422`. */
  type?: string;
  status: number;
  title: string;
  detail: string;
  /** The refusal's machine-readable type, e.g. `SAME_OPERATOR` or `INVALID_REQUEST`. */
  code?: string;
  errors?: readonly FieldProblem[];
  attemptsLeft?: number;
  applicationStatus?: string;
  retryAfterSeconds?: number;
  claimedBy?: string;
  until?: string;
  reason?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The problem's type URI (`urn:account-opening:problem:<status>`), `about:blank` if the API sent none. */
  readonly type: string;
  /** The HTTP status: the truth even when a proxy, not the API, answered. */
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /**
   * What kind of refusal this is (domain/problem-codes.ts): a workflow's refusal by its type
   * (`SAME_OPERATOR`, `SUPERVISOR_REQUIRED`, `CLAIMED`, `STALE_ROUND`, ...), else the API's own
   * (`INVALID_REQUEST`, `FORBIDDEN`, `WRONG_CODE`, ...). Undefined when the answer was not the
   * API's problem details (a proxy's page) or carried a code this SDK does not know yet.
   */
  readonly code: ProblemCode | undefined;
  /** Each refused field, e.g. `{field: 'body.applicant.idNumber', message: 'has a wrong check character'}`. */
  readonly errors: readonly FieldProblem[];
  /** Only on a 422 for a wrong SMS code (submitSmsCode turns that one into an answer). */
  readonly attemptsLeft: number | undefined;
  /** On a 409 about an application in the wrong state: the state it is in, e.g. `OPENED`. */
  readonly applicationStatus: string | undefined;
  /** On a 429: how long until the limit resets, from the `Retry-After` header. */
  readonly retryAfterSeconds: number | undefined;
  /** On a 409 about a claimed review: who holds it, and until when (ISO 8601). */
  readonly claimedBy: string | undefined;
  readonly claimedUntil: string | undefined;
  /**
   * On a 422 refusing a debit: why, e.g. `DAILY_LIMIT` or `ACCOUNT_RESTRICTED` (the API's list,
   * `debitRefusalReasonSchema`; read as any string so a reason a newer API adds still arrives).
   */
  readonly reason: string | undefined;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.type = problem.type ?? UNKNOWN_PROBLEM_TYPE;
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    const code = problemCodeSchema.safeParse(problem.code);
    this.code = code.success ? code.data : undefined;
    this.errors = problem.errors ?? [];
    this.attemptsLeft = problem.attemptsLeft;
    this.applicationStatus = problem.applicationStatus;
    this.retryAfterSeconds = problem.retryAfterSeconds;
    this.claimedBy = problem.claimedBy;
    this.claimedUntil = problem.until;
    this.reason = problem.reason;
  }

  /** The first field the API named (`body.documents.idFront`), if any: where to point the user. */
  get field(): string | undefined {
    return this.errors[0]?.field;
  }

  /** The message for one field such as `body.note`, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

function retryAfterOf(res: Response): number | undefined {
  const header = res.headers.get('retry-after');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * Proxies and load balancers answer errors the API never wrote, so a body that is not problem
 * details still becomes an ApiError, with the HTTP status as the truth.
 */
export async function apiErrorFrom(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfterSeconds = retryAfterOf(res);
  const problem = readProblemSchema.safeParse(body);
  if (problem.success) return new ApiError({ ...problem.data, status: res.status, retryAfterSeconds });
  return new ApiError({
    status: res.status,
    title: res.statusText || 'HTTP error',
    detail: text.trim().slice(0, 200) || `the server answered ${res.status} without details`,
    retryAfterSeconds,
  });
}
