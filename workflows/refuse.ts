/** How an update validator says no (domain/refusals.ts tells the API which 4xx each type is). */
import { ApplicationFailure } from '@temporalio/workflow';
import type { RefusalType } from '../domain/refusals';

/** Validators answer at once and write nothing to history; the update is refused with this type. */
export function refuse(type: RefusalType, message: string, detail?: { retryAfterSeconds: number }): never {
  throw ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    ...(detail && { details: [detail] }),
  });
}
