/**
 * Creating a Temporal Schedule idempotently: every worker ensures the project's schedules at
 * startup; one that exists already is updated to what this code asks for, so changing a period or
 * a time of day needs nothing but a restart.
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { defaultRetentionPolicy, type RetentionPolicy } from '../../domain/retention';
import type { retentionRun } from '../../workflows/retention/run';

export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  { spec, action, policies }: Pick<ScheduleOptions, 'spec' | 'action' | 'policies'>,
): Promise<string> {
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec, action, policies }));
  }
  return scheduleId;
}

export const retentionScheduleId = (taskQueue: string) => `retention-${taskQueue}`;

/**
 * The daily retention run (workflows/retention/run.ts, docs/retention.md): every day at 02:30 in
 * China, after the ID-expiry sweep. A day missed while the cluster was down is caught up; a run
 * still going when the next is due is not doubled (it reads the same index).
 */
export async function ensureRetentionSchedule(
  client: Client,
  opts: { taskQueue: string; policy?: RetentionPolicy },
): Promise<string> {
  const scheduleId = retentionScheduleId(opts.taskQueue);
  return ensureSchedule(client, scheduleId, {
    spec: { calendars: [{ hour: 2, minute: 30 }], timezone: 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: 'retentionRun',
      workflowId: scheduleId,
      taskQueue: opts.taskQueue,
      args: [{ policy: opts.policy ?? defaultRetentionPolicy }] as Parameters<typeof retentionRun>,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  });
}
