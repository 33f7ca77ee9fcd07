/**
 * Why a hand-made shred (`npm run shred`) must not go ahead (docs/retention.md): a standing legal
 * hold, an open account, or a retention period not over, by the same rules as the daily run
 * (domain/retention.ts). A supervisor's stated legal basis overrides it; the command says which
 * rule keeps the data and until when.
 */
import { type Client, isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { CoreBanking } from '../../adapters/ports';
import { type RetentionPolicy, shredRefusal } from '../../domain/retention';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import type { LegalHoldStore } from '../../stores/legal-holds';

const RUNNING = proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
const GRPC_NOT_FOUND = 5;
/** An application whose workflow is gone (the namespace's retention) ended long ago. */
const LONG_AGO = '1970-01-01T00:00:00.000Z';

export async function whyKeep(opts: {
  applicationId: string;
  /** Without one (--force), the end is taken as long ago: holds and accounts still count. */
  client?: Client;
  coreBanking: Pick<CoreBanking, 'findAccountsByReference'>;
  holds: Pick<LegalHoldStore, 'standingOn'>;
  policy: Pick<RetentionPolicy, 'neverCustomerSeconds' | 'customerSeconds'>;
  now?: Date;
}): Promise<string | undefined> {
  let endedAt: string | undefined = LONG_AGO;
  if (opts.client) {
    try {
      // Raw gRPC: the status and close time are all it needs; describe() would decode the memo.
      const { workflowExecutionInfo: info } = await opts.client.workflowService.describeWorkflowExecution({
        namespace: opts.client.options.namespace,
        execution: { workflowId: onboardingWorkflowId(opts.applicationId) },
      });
      if (info?.status === RUNNING) endedAt = undefined;
      else if (info?.closeTime) {
        endedAt = new Date(
          Number(info.closeTime.seconds ?? 0) * 1000 + Math.floor((info.closeTime.nanos ?? 0) / 1e6),
        ).toISOString();
      }
    } catch (err) {
      if (!(isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND)) throw err;
    }
  }
  const [accounts, holds] = await Promise.all([
    opts.coreBanking.findAccountsByReference(opts.applicationId),
    opts.holds.standingOn(opts.applicationId),
  ]);
  // A running application is the shred's own refusal (it names the workflows): not repeated here.
  if (endedAt === undefined && !holds.length) return undefined;
  return shredRefusal({ endedAt, accounts }, holds, opts.policy, (opts.now ?? new Date()).toISOString());
}
