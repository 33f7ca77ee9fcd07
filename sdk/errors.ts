/**
 * A refusal from HTTP API v1, read from its RFC 9457 problem details so callers can act on
 * the status and the named fields without parsing messages.
 */
import type { z } from 'zod';
import { problemSchema } from './schemas';

export type FieldProblem = NonNullable<z.infer<typeof problemSchema>['errors']>[number];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldProblem[];
  /** Only on a 422 for a wrong SMS code. */
  readonly attemptsLeft: number | undefined;

  constructor(problem: {
    status: number;
    title: string;
    detail: string;
    errors?: readonly FieldProblem[];
    attemptsLeft?: number;
  }) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.attemptsLeft = problem.attemptsLeft;
  }

  /** The message for one field such as `body.note`, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
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
  const problem = problemSchema.safeParse(body);
  if (problem.success) return new ApiError({ ...problem.data, status: res.status });
  return new ApiError({
    status: res.status,
    title: res.statusText || 'HTTP error',
    detail: text.trim().slice(0, 200) || `the server answered ${res.status} without details`,
  });
}
