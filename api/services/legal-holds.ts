/**
 * The supervisors' legal holds (docs/retention.md) over the store (stores/legal-holds.ts): a
 * placing checks its target exists, in core banking or in Temporal; each placing and release is
 * stored, then audited.
 */
import { randomBytes } from 'node:crypto';
import { type Client, isGrpcServiceError } from '@temporalio/client';
import type { AuditRecorder, CoreBanking } from '../../adapters/ports';
import type { LegalHold, PlaceLegalHold } from '../../domain/legal-holds';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import type { LegalHoldStore } from '../../stores/legal-holds';
import { ConflictError, NotFoundError } from './errors';

export interface LegalHoldsDeps {
  store: LegalHoldStore;
  audit: AuditRecorder;
  coreBanking: Pick<CoreBanking, 'getAccount'>;
  /** Whether the application exists (its onboarding workflow, in Temporal). */
  applicationExists(applicationId: string): Promise<boolean>;
  clock?: () => Date;
}

/** The supervisors' legal holds: each placing and release checked, stored, then audited. */
export class LegalHolds {
  private readonly clock: () => Date;

  constructor(private readonly deps: LegalHoldsDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async place(request: PlaceLegalHold, supervisor: string): Promise<LegalHold> {
    let applicationId: string;
    let accountNumber: string | undefined;
    if (request.accountNumber !== undefined) {
      const account = await this.deps.coreBanking.getAccount(request.accountNumber);
      if (!account) throw new NotFoundError('no account with this number');
      applicationId = account.reference.toLowerCase();
      accountNumber = account.accountNumber;
    } else {
      // The schema lets exactly one of the two through.
      applicationId = request.applicationId!;
      if (!(await this.deps.applicationExists(applicationId)))
        throw new NotFoundError('no application with this id');
    }
    const hold: LegalHold = {
      legalHoldId: `lh-${randomBytes(16).toString('hex')}`,
      applicationId,
      ...(accountNumber && { accountNumber }),
      status: 'STANDING',
      reason: request.reason,
      placedBy: supervisor,
      placedAt: this.clock().toISOString(),
    };
    await this.deps.store.place(hold);
    await this.deps.audit.record({
      id: `${hold.legalHoldId}:LEGAL_HOLD_PLACED`,
      at: hold.placedAt,
      actor: supervisor,
      action: 'LEGAL_HOLD_PLACED',
      applicationId,
      ...(accountNumber && { accountNumber }),
      reason: 'LEGAL_HOLD',
      refs: { legalHoldId: hold.legalHoldId },
      // Free text: sealed under the application's key in the log.
      note: request.reason,
    });
    return hold;
  }

  async release(legalHoldId: string, reason: string, supervisor: string): Promise<LegalHold> {
    const before = await this.deps.store.get(legalHoldId);
    if (!before) throw new NotFoundError('no legal hold with this id');
    if (before.status === 'RELEASED') {
      throw new ConflictError(`this legal hold was released at ${before.releasedAt}`, { hold: before });
    }
    const released = await this.deps.store.release(legalHoldId, {
      releasedBy: supervisor,
      releasedAt: this.clock().toISOString(),
      releaseReason: reason,
    });
    // Released by someone else between the two reads: theirs is the release.
    if (!released || released.releasedBy !== supervisor || released.releaseReason !== reason) {
      throw new ConflictError(`this legal hold was released at ${released?.releasedAt}`);
    }
    await this.deps.audit.record({
      id: `${legalHoldId}:LEGAL_HOLD_RELEASED`,
      at: released.releasedAt!,
      actor: supervisor,
      action: 'LEGAL_HOLD_RELEASED',
      applicationId: released.applicationId,
      ...(released.accountNumber && { accountNumber: released.accountNumber }),
      reason: 'LEGAL_HOLD',
      refs: { legalHoldId },
      note: reason,
    });
    return released;
  }

  list(): Promise<LegalHold[]> {
    return this.deps.store.list();
  }
}

const GRPC_NOT_FOUND = 5;

/**
 * Whether an application exists: its onboarding workflow is known to Temporal (running or
 * closed, within the namespace's retention). Raw gRPC: the status is all it needs, and the SDK's
 * describe() would decode the memo, which fails once the application's key is shredded.
 */
export function onboardingExists(client: Client): (applicationId: string) => Promise<boolean> {
  return async (applicationId) => {
    try {
      await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId: onboardingWorkflowId(applicationId) },
      });
      return true;
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return false;
      throw err;
    }
  };
}
