/**
 * Abnormal-account restrictions from the client's side (workflows/bank-restriction/): an
 * operator's proposal starts a case, a supervisor sending the same confirms it, an operator
 * decides the holder's appeal, and a re-verification sent while a restriction is in force is that
 * appeal. One case open per account: the workflow id is the application's, never the account
 * number.
 *
 * Every staff message is signed with DECISION_SIGNING_KEY for its case and update
 * (workflows/bank-restriction/signature.ts): the names in it come from the caller's token, and the
 * case refuses any message not signed so. The proposal goes with the case's start
 * (update-with-start), so a case started any other way takes no proposal.
 */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import {
  type BankRestrictionCase,
  type BankRestrictionPolicy,
  type BankRestrictionStatus,
  bankRestrictionStatusSchema,
  defaultBankRestrictionPolicy,
  type RestrictionCaseListItem,
  type RestrictionCaseListPage,
  type RestrictionDecisionRequest,
  type RestrictionRequest,
} from '../../domain/bank-restrictions';
import type { Intent } from '../../domain/opening-intent';
import type { ReVerificationDocuments, RiskLifePolicy } from '../../domain/risk-life';
import { applicationIdOfWorkflow, bankRestrictionWorkflowId } from '../../domain/workflow-ids';
import type { bankRestriction } from '../../workflows/bank-restriction/bank-restriction';
import {
  appealRestriction,
  confirmRestriction,
  decideRestriction,
  getBankRestriction,
  proposeRestriction,
} from '../../workflows/bank-restriction/messages';
import {
  type RestrictionSignatureScope,
  type SignedRestrictionMessage,
  signRestrictionMessage,
} from '../../workflows/bank-restriction/signature';
import { RestrictionDueAtKey, RestrictionStatusKey } from '../../workflows/search-attributes';
import { withDeadline } from './deadline';
import { ConflictError, NotFoundError } from './errors';
import { translateWorkflowError } from './workflow-errors';

/** The account as core banking reports it, as far as a case needs it. */
export interface RestrictedAccount {
  accountNumber: string;
  reference: string;
  partnerId?: string | null;
}

/** The account's latest case, and whether it is still open (running). */
export interface LatestCase {
  view: BankRestrictionCase;
  open: boolean;
}

/**
 * A case found open a moment ago that is gone by the update (it ended meanwhile: the server answers
 * an update to a closed run as not found) is a conflict, not a 404; a validator's refusal is its 4xx.
 */
function refusalOf(err: unknown, closed: string): unknown {
  if (err instanceof WorkflowNotFoundError) return new ConflictError(closed);
  return translateWorkflowError(err, { notFound: closed, closed });
}

/** Statuses a case leaves only while its workflow runs: a failed or terminated run keeps its last one. */
const OPEN_STATUSES: readonly BankRestrictionStatus[] = [
  'PROPOSED',
  'IN_FORCE',
  'RE_VERIFYING',
  'APPEALED',
  'UPHELD',
];

/** How long a read waits for an ended case's run to complete before calling it still open. */
const FINISHING_WAIT_MS = 5_000;

/** A 400 naming the field (api/problem.ts answers Fastify-shaped 4xx errors as they come). */
export class RestrictionCursorError extends Error {
  readonly statusCode = 400;
  constructor() {
    super('cursor must be a cursor this listing answered for this status');
  }
}

export class BankRestrictions {
  /**
   * `decisionSigningKey` (DECISION_SIGNING_KEY, the worker's too) signs every proposal,
   * confirmation and decision; an instance without it (one that only hands on appeals) sends none.
   */
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly policy: BankRestrictionPolicy = defaultBankRestrictionPolicy,
    private readonly decisionSigningKey?: string,
  ) {}

  private handle(applicationId: string, caseId?: string) {
    return this.client.workflow.getHandle<typeof bankRestriction>(
      bankRestrictionWorkflowId(applicationId),
      caseId,
    );
  }

  /** The message with the API's signature for this case and update, and the update id it is signed for. */
  private signed<T extends object>(
    message: SignedRestrictionMessage,
    scope: Omit<RestrictionSignatureScope, 'message' | 'updateId'>,
    args: T,
  ): { args: [T & { signature: string }]; updateId: string } {
    if (!this.decisionSigningKey)
      throw new Error(
        'BankRestrictions was made without DECISION_SIGNING_KEY: it cannot send staff messages',
      );
    const updateId = randomUUID();
    const signature = signRestrictionMessage(this.decisionSigningKey, { message, ...scope, updateId }, args);
    return { args: [{ ...args, signature }], updateId };
  }

  /**
   * The account's latest case: open (its live state), ended (its result), or none. A run that
   * ended without a result (terminated by hand) counts as none.
   */
  async latest(applicationId: string): Promise<LatestCase | undefined> {
    const handle = this.handle(applicationId);
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') {
        const view = await handle.query(getBankRestriction);
        // A case that has lapsed or been lifted still delivers its notices and audit entries before
        // its run completes: give it a moment rather than call it open (a new proposal would be a
        // 409 for those few hundred milliseconds).
        if (!OPEN_STATUSES.includes(view.status)) {
          const ended = await withDeadline(
            handle.result().catch(() => undefined),
            FINISHING_WAIT_MS,
            async () => undefined,
          );
          if (ended) return { view: ended, open: false };
        }
        return { view, open: true };
      }
      if (status.name === 'COMPLETED') return { view: await handle.result(), open: false };
      return undefined;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * An operator's proposal (202: proposed) or a supervisor's confirmation of the open one (201: in
   * force, once the hold is placed). A proposal while a case is open is a 409; a supervisor may
   * also propose, which another supervisor then confirms.
   */
  async propose(
    account: RestrictedAccount,
    caller: { id: string; role: 'operator' | 'supervisor' },
    request: RestrictionRequest,
  ): Promise<{ status: 201 | 202; view: BankRestrictionCase }> {
    const current = await this.latest(account.reference);
    if (current?.open) {
      if (current.view.status !== 'PROPOSED')
        throw new ConflictError(
          `a restriction of this account is ${current.view.status}; one case at a time`,
          {
            caseId: current.view.caseId,
          },
        );
      if (caller.role !== 'supervisor')
        throw new ConflictError('a restriction of this account is proposed and waits for a supervisor', {
          caseId: current.view.caseId,
        });
      const { caseId } = current.view;
      const workflowId = bankRestrictionWorkflowId(account.reference);
      try {
        // Sent to the case found (its run): one that ended meanwhile answers a conflict, not another case.
        const view = await this.handle(account.reference, caseId).executeUpdate(
          confirmRestriction,
          this.signed('confirmRestriction', { workflowId, caseId }, { supervisor: caller.id, ...request }),
        );
        return { status: 201, view };
      } catch (err) {
        throw refusalOf(err, 'the proposal lapsed or was confirmed meanwhile; read the account');
      }
    }
    const workflowId = bankRestrictionWorkflowId(account.reference);
    const proposal = { ...request, proposedBy: caller.id };
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof bankRestriction>('bankRestriction', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [
        {
          accountNumber: account.accountNumber,
          applicationId: account.reference,
          ...(account.partnerId && { partnerId: account.partnerId }),
          proposal,
          policy: this.policy,
        },
      ],
      // A case that has ended is followed by a new one; one still open is the account's.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
    try {
      const view = await this.client.workflow.executeUpdateWithStart(proposeRestriction, {
        ...this.signed('proposeRestriction', { workflowId }, { ...proposal, signedAt: Date.now() }),
        startWorkflowOperation,
      });
      return { status: 202, view };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ConflictError('a restriction of this account was proposed meanwhile; read the account');
      throw refusalOf(err, 'the proposal was refused; read the account');
    }
  }

  /** An operator lifts the restriction, or upholds it after an appeal that passed its re-verification. */
  async decide(
    account: RestrictedAccount,
    caseId: string,
    operator: string,
    request: RestrictionDecisionRequest,
  ): Promise<BankRestrictionCase> {
    const current = await this.latest(account.reference);
    if (!current || current.view.caseId !== caseId)
      throw new NotFoundError('no restriction case with this id on this account');
    if (!current.open) throw new ConflictError(`the restriction case has ended (${current.view.status})`);
    const workflowId = bankRestrictionWorkflowId(account.reference);
    try {
      return await this.handle(account.reference, caseId).executeUpdate(
        decideRestriction,
        this.signed('decideRestriction', { workflowId, caseId }, { operator, ...request }),
      );
    } catch (err) {
      throw refusalOf(err, 'the restriction case has ended');
    }
  }

  /**
   * The holder's re-verification as an appeal against the restriction in force: started by the
   * case as its child, under the re-verification's usual id (one at a time per account), and its
   * case id answered. Undefined when no restriction is in force (a plain re-verification, then); a
   * 409 while the appeal is being checked or decided, or after it was upheld.
   */
  async appeal(
    account: RestrictedAccount,
    request: { documents: ReVerificationDocuments; intent: Intent },
    policy: RiskLifePolicy,
  ): Promise<{ caseId: string } | undefined> {
    const current = await this.latest(account.reference);
    if (!current?.open || current.view.status === 'PROPOSED') return undefined;
    if (current.view.status !== 'IN_FORCE')
      throw new ConflictError(
        current.view.status === 'RE_VERIFYING'
          ? 'a re-verification of this account is being checked; try again shortly'
          : 'the appeal against this restriction is being decided or was: contact the bank',
      );
    try {
      return await this.handle(account.reference).executeUpdate(appealRestriction, {
        args: [{ ...request, policy }],
      });
    } catch (err) {
      throw refusalOf(err, 'the restriction changed meanwhile; try again');
    }
  }

  /**
   * One page of the cases in `status`, from visibility (the case's `RestrictionStatus` and
   * `RestrictionDueAt`): each case's id, its
   * application, status and, once appealed, by when its appeal is decided. In visibility's own
   * order, the most recently proposed case first; `cursor` is the one the previous page answered.
   * Nothing read is personal: the account number is core banking's, found by the application id.
   */
  async listByStatus(
    status: BankRestrictionStatus,
    page: { cursor?: string; limit: number },
  ): Promise<RestrictionCaseListPage> {
    const where = [
      `WorkflowType = 'bankRestriction'`,
      `RestrictionStatus = '${bankRestrictionStatusSchema.parse(status)}'`,
    ];
    if (this.taskQueue) where.push(`TaskQueue = '${this.taskQueue.replace(/'/g, "''")}'`);
    if (OPEN_STATUSES.includes(status)) where.push(`ExecutionStatus = 'Running'`);
    const query = where.join(' AND ');
    let after: Buffer | undefined;
    if (page.cursor !== undefined) {
      // Ours is `<status>.<visibility's token>`: one answered for another status is refused here.
      const [tagged, inner, ...rest] = page.cursor.split('.');
      if (tagged !== status || !inner || rest.length > 0) throw new RestrictionCursorError();
      after = Buffer.from(inner, 'base64url');
    }
    const { namespace, loadedDataConverter } = this.client.options;
    const res = await this.client.workflowService
      .listWorkflowExecutions({
        namespace,
        query,
        pageSize: page.limit,
        ...(after && { nextPageToken: after }),
      })
      .catch((err: unknown) => {
        // Visibility answers a token it did not give with a bare error.
        if (after) throw new RestrictionCursorError();
        throw err;
      });
    const cases: RestrictionCaseListItem[] = [];
    for (const raw of res.executions ?? []) {
      const info = await executionInfoFromRaw(raw, loadedDataConverter, raw, namespace);
      const applicationId = applicationIdOfWorkflow(info.workflowId);
      const listed = bankRestrictionStatusSchema.safeParse(
        info.typedSearchAttributes.get(RestrictionStatusKey),
      );
      // A case that failed before it took its signed proposal published no status.
      if (!applicationId || !listed.success) continue;
      const dueAt = info.typedSearchAttributes.get(RestrictionDueAtKey);
      cases.push({
        caseId: info.runId,
        applicationId,
        status: listed.data,
        proposedAt: info.startTime.toISOString(),
        ...(dueAt && { appealDecisionDueAt: dueAt.toISOString() }),
      });
    }
    const next = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64url') : undefined;
    return { cases, ...(next && { nextCursor: `${status}.${next}` }) };
  }
}
