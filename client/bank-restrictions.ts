/**
 * Abnormal-account restrictions from the client's side (workflows/bank-restriction/): an
 * operator's proposal starts a case, a supervisor sending the same confirms it, an operator
 * decides the holder's appeal, and a re-verification sent while a restriction is in force is that
 * appeal. One case open per account: the workflow id is the application's, never the account
 * number.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  type BankRestrictionCase,
  type BankRestrictionPolicy,
  defaultBankRestrictionPolicy,
  type RestrictionDecisionRequest,
  type RestrictionRequest,
} from '../domain/bank-restrictions';
import type { Intent } from '../domain/opening-intent';
import type { ReVerificationDocuments, RiskLifePolicy } from '../domain/risk-life';
import { bankRestrictionWorkflowId } from '../domain/workflow-ids';
import type { bankRestriction } from '../workflows/bank-restriction/bank-restriction';
import {
  appealRestriction,
  confirmRestriction,
  decideRestriction,
  getBankRestriction,
} from '../workflows/bank-restriction/messages';
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

export class BankRestrictions {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly policy: BankRestrictionPolicy = defaultBankRestrictionPolicy,
  ) {}

  private handle(applicationId: string) {
    return this.client.workflow.getHandle<typeof bankRestriction>(bankRestrictionWorkflowId(applicationId));
  }

  /**
   * The account's latest case: open (its live state), ended (its result), or none. A run that
   * ended without a result (terminated by hand) counts as none.
   */
  async latest(applicationId: string): Promise<LatestCase | undefined> {
    const handle = this.handle(applicationId);
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return { view: await handle.query(getBankRestriction), open: true };
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
      try {
        const view = await this.handle(account.reference).executeUpdate(confirmRestriction, {
          args: [{ supervisor: caller.id, ...request }],
        });
        return { status: 201, view };
      } catch (err) {
        throw refusalOf(err, 'the proposal lapsed or was confirmed meanwhile; read the account');
      }
    }
    try {
      const handle = await this.client.workflow.start<typeof bankRestriction>('bankRestriction', {
        workflowId: bankRestrictionWorkflowId(account.reference),
        taskQueue: this.taskQueue,
        args: [
          {
            accountNumber: account.accountNumber,
            applicationId: account.reference,
            ...(account.partnerId && { partnerId: account.partnerId }),
            proposal: { ...request, proposedBy: caller.id },
            policy: this.policy,
          },
        ],
        // A case that has ended is followed by a new one; one still open is the account's.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      return { status: 202, view: await handle.query(getBankRestriction) };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ConflictError('a restriction of this account was proposed meanwhile; read the account');
      throw err;
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
    try {
      return await this.handle(account.reference).executeUpdate(decideRestriction, {
        args: [{ operator, ...request }],
      });
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
}
