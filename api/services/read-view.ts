/**
 * Reads what a workflow shows: a running one answers its query from the worker's cache; a
 * finished one answers from its result, which the server holds, so reading old applications
 * never makes a worker replay their whole history (that timed out under load).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

export async function readView<T>(handle: WorkflowHandle, query: QueryDefinition<T>): Promise<T> {
  const { status } = await handle.describe();
  if (status.name === 'COMPLETED') return (await handle.result()) as T;
  return handle.query(query);
}
