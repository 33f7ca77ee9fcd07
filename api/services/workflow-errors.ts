/**
 * What the Temporal client's errors mean to an API caller: an unknown workflow is a 404, a
 * validator's typed refusal is the 4xx domain/refusals.ts gives its type, and an update that
 * met an ended workflow is a conflict. Shared by the application and review services.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isRefusalType, type RefusalMeaning, type RefusalType, refusals } from '../../domain/refusals';
import { ConflictError, FieldError, ForbiddenError, NotFoundError, TooManyError } from './errors';

/** The ways the server says an update met a workflow that has ended or is ending. */
const CLOSED = /already completed|aborted by closing workflow|completed before the Update completed/i;

export function isClosedWorkflowError(err: unknown): boolean {
  const messages = [err, (err as { cause?: unknown })?.cause].map((e) =>
    e instanceof Error ? e.message : '',
  );
  return messages.some((m) => CLOSED.test(m));
}

export interface Translation {
  /** The 404's detail for an unknown workflow. */
  notFound: string;
  /** The 409's detail for an update that met an ended workflow; without it the error passes through. */
  closed?: string;
}

/**
 * The error the API answers for a validator's refusal: the workflow's message as its detail, its
 * type as the problem's code.
 */
function refusalError(type: RefusalType, failure: ApplicationFailure): Error {
  const { message } = failure;
  const meaning: RefusalMeaning = refusals[type];
  switch (meaning.status) {
    case 400:
      return new FieldError(meaning.field, message, type);
    case 403:
      return new ForbiddenError(message, type);
    case 409:
      return new ConflictError(message, {}, type);
    case 429:
      return new TooManyError(message, retryAfterOf(failure), type);
  }
}

/** A 429 refusal says when to try again in its first detail, `{retryAfterSeconds}`; 1 s if it does not. */
function retryAfterOf(failure: ApplicationFailure): number {
  const seconds = (failure.details?.[0] as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}

export function translateWorkflowError(err: unknown, t: Translation): unknown {
  if (err instanceof WorkflowNotFoundError) return new NotFoundError(t.notFound);
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ApplicationFailure && cause.type && isRefusalType(cause.type)) {
    return refusalError(cause.type, cause);
  }
  if (t.closed && isClosedWorkflowError(err)) return new ConflictError(t.closed);
  return err;
}
