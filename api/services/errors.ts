/**
 * Failures the API answers with a 4xx; each carries what the caller can act on, and its `code`
 * (domain/problem-codes.ts): the status's own unless something more specific is known, such as
 * the workflow refusal's type.
 */
import type { ProblemCode } from '../../domain/problem-codes';

export class NotFoundError extends Error {
  readonly status = 404;
  constructor(
    message: string,
    readonly code: ProblemCode = 'NOT_FOUND',
  ) {
    super(message);
  }
}

/** The request is well-formed but conflicts with the state (409). */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly code: ProblemCode = 'CONFLICT',
  ) {
    super(message);
  }
}

/** A field is wrong in a way only the workflow could tell (400). */
export class FieldError extends Error {
  readonly status = 400;
  constructor(
    readonly field: string,
    message: string,
    readonly code: ProblemCode = 'INVALID_REQUEST',
  ) {
    super(message);
  }
}

/** The caller may not do this, whoever they are in their role (403). */
export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(
    message: string,
    readonly code: ProblemCode = 'FORBIDDEN',
  ) {
    super(message);
  }
}

/** Too many of something today (429); the caller may try again after `retryAfterSeconds`. */
export class TooManyError extends Error {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly code: ProblemCode = 'LIMIT_REACHED',
  ) {
    super(message);
  }
}
