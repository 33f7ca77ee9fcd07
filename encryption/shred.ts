/**
 * Crypto-shredding one application (docs/encryption.md): the entry point of `npm run shred` and
 * of anything that destroys data on a schedule (an activity may call it with the worker's keyring
 * and client). Everything sealed under the application's key goes with it: its onboarding,
 * review and renewal histories, the agreement signings bound to it, the per-account events of
 * the ID-expiry sweep, its documents and audit notes.
 */
import { type Client, isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Keyring, ShredResult } from './keyring';

const RUNNING = proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
const NOT_FOUND = 5; // gRPC status

export class StillRunningError extends Error {
  constructor(readonly workflowIds: string[]) {
    super(
      `${workflowIds.join(' and ')} still running: shred an application only at the end of its retention ` +
        '(--force shreds all the same, and the running workflows then fail)',
    );
    this.name = 'StillRunningError';
  }
}

export interface ShredOptions {
  keyring: Keyring;
  applicationId: string;
  /** Used to refuse while the application's workflows run; without it, only `force` shreds. */
  client?: Client;
  force?: boolean;
}

/**
 * Every workflow whose payloads are sealed under the application's key: those its id names and
 * those bound to it (its agreement signings).
 */
export async function workflowsOfApplication(keyring: Keyring, applicationId: string): Promise<string[]> {
  const id = applicationId.toLowerCase();
  return [`application-${id}`, `review-${id}`, `renewal-${id}`, ...(await keyring.workflowsOf(id))];
}

/**
 * Deletes the application's data key. Afterwards none of its payloads (every history of
 * workflowsOfApplication, in the server and in any export), nor the bytes encrypted for it through
 * the keyring (documents, audit notes), can be decrypted; other applications are untouched.
 * Refuses while any of those workflows runs, unless `force`: a forced shred makes their next
 * tasks fail with PayloadDecodeError (or the encode's DataKeyShreddedError), never decode.
 */
export async function shredApplication(opts: ShredOptions): Promise<ShredResult> {
  if (!opts.force) {
    if (!opts.client)
      throw new Error('no Temporal client to check that the workflows have ended: pass --force');
    const running: string[] = [];
    for (const workflowId of await workflowsOfApplication(opts.keyring, opts.applicationId)) {
      try {
        // Raw gRPC: the status is all we need, and the SDK's describe() would decode the memo.
        const { workflowExecutionInfo } = await opts.client.workflowService.describeWorkflowExecution({
          namespace: opts.client.options.namespace,
          execution: { workflowId },
        });
        if (workflowExecutionInfo?.status === RUNNING) running.push(workflowId);
      } catch (err) {
        // Never started, or gone with the namespace's retention: nothing runs.
        if (!(isGrpcServiceError(err) && err.code === NOT_FOUND)) throw err;
      }
    }
    if (running.length) throw new StillRunningError(running);
  }
  return opts.keyring.shred(opts.applicationId);
}
