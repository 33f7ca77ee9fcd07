/**
 * The ID-expiry lifecycle from the client's side: the daily Schedule that runs the sweep
 * (workflows/id-expiry/sweep.ts), ensured by every worker at startup like reconciliation's, and a
 * renewal of the holder's card (workflows/id-expiry/renewal.ts), which the API starts.
 */
import { type Client, ScheduleOverlapPolicy, WithStartWorkflowOperation } from '@temporalio/client';
import type { IdCardPhotos } from '../../domain/documents';
import { defaultIdExpiryPolicy, type IdExpiryPolicy } from '../../domain/id-expiry';
import { renewalWorkflowId } from '../../domain/workflow-ids';
import { renewIdCard } from '../../workflows/id-expiry/messages';
import type { IdRenewalResult, idRenewal } from '../../workflows/id-expiry/renewal';
import type { idExpirySweep } from '../../workflows/id-expiry/sweep';
import { ensureSchedule } from './schedules';
import { translateWorkflowError } from './workflow-errors';

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

  /**
   * Checks the photos and, if they pass, renews; answers as soon as the renewal is decided (its
   * webhook goes on in the background). A 409 while another renewal of the account is being checked.
   */
  async renew(
    account: { accountNumber: string; reference: string; partnerId?: string | null },
    documents: IdCardPhotos,
  ): Promise<IdRenewalResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof idRenewal>('idRenewal', {
      workflowId: renewalWorkflowId(account.reference),
      taskQueue: this.taskQueue,
      args: [
        {
          accountNumber: account.accountNumber,
          applicationId: account.reference,
          ...(account.partnerId && { partnerId: account.partnerId }),
        },
      ],
      // A run still delivering an earlier renewal's webhook checks this one too; one that has
      // ended is followed by a new run.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    try {
      return await this.client.workflow.executeUpdateWithStart(renewIdCard, {
        args: [documents],
        startWorkflowOperation,
      });
    } catch (err) {
      throw translateWorkflowError(err, { notFound: 'no renewal for this account', closed: IN_FLIGHT });
    }
  }
}

const IN_FLIGHT = 'photos for this account are being checked; try again shortly';
