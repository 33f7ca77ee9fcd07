/**
 * Creating a Temporal Schedule idempotently: every worker ensures the project's schedules at
 * startup; one that exists already is updated to what this code asks for, so changing a period or
 * a time of day needs nothing but a restart.
 */
import { type Client, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';

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
