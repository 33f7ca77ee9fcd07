/**
 * What the Temporal client's errors mean to an API caller: an unknown workflow is a 404, a
 * validator's typed refusal is the error the service maps it to, and an update that met an
 * ended workflow is a conflict. Shared by the application and review services.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ConflictError, NotFoundError } from './errors';

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
  /** Refusal type (thrown by a workflow's validator) → the error the API answers. */
  refusals: Record<string, (message: string) => Error>;
  /** The 409's detail for an update that met an ended workflow; without it the error passes through. */
  closed?: string;
}

export function translateWorkflowError(err: unknown, t: Translation): unknown {
  if (err instanceof WorkflowNotFoundError) return new NotFoundError(t.notFound);
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ApplicationFailure && cause.type) {
    const make = t.refusals[cause.type];
    if (make) return make(cause.message);
  }
  if (t.closed && isClosedWorkflowError(err)) return new ConflictError(t.closed);
  return err;
}
