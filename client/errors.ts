/** Failures the API answers with a 4xx; each carries what the caller can act on. */
export class NotFoundError extends Error {
  readonly status = 404;
}

/** The request is well-formed but conflicts with the state (409). */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
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
  ) {
    super(message);
  }
}

/** The caller may not do this, whoever they are in their role (403). */
export class ForbiddenError extends Error {
  readonly status = 403;
}

/** Too many of something today (429); the caller may try again after `retryAfterSeconds`. */
export class TooManyError extends Error {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
