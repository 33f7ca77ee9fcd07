/**
 * The ID-expiry lifecycle from the client's side: the daily Schedule that runs the sweep
 * (workflows/id-expiry/sweep.ts), ensured by every worker at startup like reconciliation's, and a
 * renewal of the holder's card (workflows/id-expiry/renewal.ts), which the API starts.
 */
import { type Client, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { IdCardPhotos } from '../domain/documents';
import { defaultIdExpiryPolicy, type IdExpiryPolicy } from '../domain/id-expiry';
import { renewalWorkflowId } from '../domain/workflow-ids';
import type { IdRenewalResult, idRenewal } from '../workflows/id-expiry/renewal';
import type { idExpirySweep } from '../workflows/id-expiry/sweep';
import { ConflictError } from './errors';
import { ensureSchedule } from './schedules';

export const idExpiryScheduleId = (taskQueue: string) => `id-expiry-${taskQueue}`;

/** Every day at 01:30 in China: the day's dates have turned, few customers are about. */
export async function ensureIdExpirySchedule(
  client: Client,
  opts: { taskQueue: string; policy?: IdExpiryPolicy },
): Promise<string> {
  const scheduleId = idExpiryScheduleId(opts.taskQueue);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'idExpirySweep',
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args: [{ policy: opts.policy ?? defaultIdExpiryPolicy }] as Parameters<typeof idExpirySweep>,
  };
  const spec = { calendars: [{ hour: 1, minute: 30 }], timezone: 'Asia/Shanghai' };
  // A day missed while the cluster was down is caught up (and the sweep looks back catchUpDays).
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  return ensureSchedule(client, scheduleId, { spec, action, policies });
}

export class Renewals {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Checks the photos and, if they pass, renews: a 409 while another renewal of the account is being checked. */
  async renew(
    account: { accountNumber: string; reference: string; partnerId?: string | null },
    documents: IdCardPhotos,
  ): Promise<IdRenewalResult> {
    try {
      return await this.client.workflow.execute<typeof idRenewal>('idRenewal', {
        workflowId: renewalWorkflowId(account.reference),
        taskQueue: this.taskQueue,
        args: [
          {
            accountNumber: account.accountNumber,
            applicationId: account.reference,
            ...(account.partnerId && { partnerId: account.partnerId }),
            documents,
          },
        ],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new ConflictError('photos for this account are being checked; try again shortly');
      }
      throw err;
    }
  }
}
