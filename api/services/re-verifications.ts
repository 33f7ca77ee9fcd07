/**
 * The account's risk life from the client's side: the daily Schedule that runs the
 * re-verification sweep (workflows/risk-sweeps/re-verification-sweep.ts), ensured by every worker
 * at startup like the ID-expiry sweep's, and a holder's re-verification
 * (workflows/re-verification/re-verification.ts), which the API starts, or, while a bank
 * restriction is in force, hands to the restriction's case as the holder's appeal
 * (api/services/bank-restrictions.ts).
 */
import { type Client, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Intent } from '../../domain/opening-intent';
import {
  defaultRiskLifePolicy,
  type ReVerificationDocuments,
  type RiskLifePolicy,
} from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import type { reVerificationSweep } from '../../workflows/risk-sweeps/re-verification-sweep';
import { BankRestrictions } from './bank-restrictions';
import { ConflictError } from './errors';
import { ensureSchedule } from './schedules';

export const reVerificationScheduleId = (taskQueue: string) => `re-verification-sweep-${taskQueue}`;

/** Every day at 02:00 in China, after the ID-expiry sweep: few customers are about. */
export async function ensureReVerificationSchedule(
  client: Client,
  opts: { taskQueue: string; policy?: RiskLifePolicy },
): Promise<string> {
  const scheduleId = reVerificationScheduleId(opts.taskQueue);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reVerificationSweep',
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args: [{ policy: opts.policy ?? defaultRiskLifePolicy }] as Parameters<typeof reVerificationSweep>,
  };
  const spec = { calendars: [{ hour: 2, minute: 0 }], timezone: 'Asia/Shanghai' };
  // A day missed is caught up; the sweep lists everything due by its run, so nothing is lost.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  return ensureSchedule(client, scheduleId, { spec, action, policies });
}

export class ReVerifications {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly policy: RiskLifePolicy = defaultRiskLifePolicy,
  ) {
    this.restrictions = new BankRestrictions(client, taskQueue);
  }

  /** Only its appeal is used here, which takes no restriction policy. */
  private readonly restrictions: BankRestrictions;

  /**
   * Opens a case and answers its id at once; the checks and the decision follow, and the app
   * hears the outcome by webhook. A 409 while another case of the account is being checked.
   */
  async start(
    account: { accountNumber: string; reference: string; partnerId?: string | null },
    request: { documents: ReVerificationDocuments; intent: Intent },
  ): Promise<{ caseId: string }> {
    // A bank restriction in force: this re-verification is the holder's appeal, run by its case
    // (same id, same answer); otherwise it is a re-verification on its own, as ever.
    const appealed = await this.restrictions.appeal(account, request, this.policy);
    if (appealed) return appealed;
    try {
      const handle = await this.client.workflow.start<typeof reVerification>('reVerification', {
        workflowId: reVerificationWorkflowId(account.reference),
        taskQueue: this.taskQueue,
        args: [
          {
            accountNumber: account.accountNumber,
            applicationId: account.reference,
            ...(account.partnerId && { partnerId: account.partnerId }),
            documents: request.documents,
            intent: request.intent,
            policy: this.policy,
          },
        ],
        // A case that has ended is followed by a new one; one still running is the holder's.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      return { caseId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ConflictError('a re-verification of this account is being checked; try again shortly');
      throw err;
    }
  }
}
