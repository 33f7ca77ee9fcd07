/**
 * The daily Schedule that runs the dormancy sweep (workflows/risk-sweeps/dormancy-sweep.ts),
 * ensured by every worker at startup like the other sweeps'.
 */
import { type Client, ScheduleOverlapPolicy } from '@temporalio/client';
import { type DormancyPolicy, defaultDormancyPolicy } from '../../domain/dormancy';
import type { dormancySweep } from '../../workflows/risk-sweeps/dormancy-sweep';
import { ensureSchedule } from './schedules';

export const dormancyScheduleId = (taskQueue: string) => `dormancy-sweep-${taskQueue}`;

/**
 * Every day at 03:00 in China, after the re-verification sweep (02:00) and retention (02:30): few
 * customers are about. A day missed is caught up; the sweep's window reaches back `catchUpSeconds`,
 * so an account missed one day is put to sleep the next.
 */
export async function ensureDormancySchedule(
  client: Client,
  opts: { taskQueue: string; policy?: DormancyPolicy },
): Promise<string> {
  const scheduleId = dormancyScheduleId(opts.taskQueue);
  return ensureSchedule(client, scheduleId, {
    spec: { calendars: [{ hour: 3, minute: 0 }], timezone: 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: 'dormancySweep',
      workflowId: scheduleId,
      taskQueue: opts.taskQueue,
      args: [{ policy: opts.policy ?? defaultDormancyPolicy }] as Parameters<typeof dormancySweep>,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  });
}
