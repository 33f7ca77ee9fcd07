/**
 * The Temporal Schedule that runs reconciliation (workflows/reconcile.ts) every period. Creating
 * it is idempotent: the worker (and `npm start`) ensure it at startup; one that exists is updated
 * to the period asked for, so changing the period needs nothing but a restart.
 */
import { type Client, ScheduleOverlapPolicy } from '@temporalio/client';
import {
  defaultReconcileInput,
  type ReconcileInput,
  reconcileInputSchema,
} from '../../domain/reconciliation';
import type { reconcile } from '../../workflows/reconcile';
import { ensureSchedule } from './schedules';

/** One schedule per deployment (task queue): its id and its runs' workflow ids say which. */
export const reconcileScheduleId = (taskQueue: string) => `reconcile-${taskQueue}`;

export interface ReconcileScheduleOptions {
  taskQueue: string;
  /** What each run checks (its period is also the schedule's interval). */
  input?: ReconcileInput;
}

export async function ensureReconcileSchedule(
  client: Client,
  opts: ReconcileScheduleOptions,
): Promise<string> {
  const input = reconcileInputSchema.parse(opts.input ?? defaultReconcileInput);
  const scheduleId = reconcileScheduleId(opts.taskQueue);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconcile',
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args: [input] as Parameters<typeof reconcile>,
  };
  const spec = { intervals: [{ every: input.periodSeconds * 1000 }] };
  const policies = {
    // Never two at once; runs missed while the cluster was down are caught up for a day.
    overlap: ScheduleOverlapPolicy.BUFFER_ONE,
    catchupWindow: '1 day',
  };
  return ensureSchedule(client, scheduleId, { spec, action, policies });
}
