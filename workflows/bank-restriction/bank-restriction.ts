/**
 * One abnormal-account restriction case (domain/bank-restrictions.ts), from an operator's proposal
 * to its end: a supervisor confirms it (four eyes) or it lapses after the policy's period; in
 * force, the account is receive-only by the case's own hold and the app is told what the holder
 * can do (never the category); the holder's appeal is a re-verification, run as a child workflow
 * under its usual id (so it stays one at a time per account); once it passes, an operator lifts
 * or upholds within the policy's time, and ops are alerted when that time passes. Upheld, the case
 * stays open until staff lift it, so the account never holds a bank restriction no case owns.
 *
 * The workflow id is the application's (`bank-restriction-<applicationId>`): one case open per
 * account; `caseId` is the run's id.
 *
 * A case takes its proposal only once the API's signed copy arrives with the start (signature.ts;
 * unsigned, the run fails having recorded nothing), publishes its status and its appeal's deadline
 * in visibility (`RestrictionStatus`, `RestrictionDueAt`), and alerts ops when core banking
 * refuses to lift its hold as it does when core banking refuses to place it. The validators check
 * the signatures of confirmations and decisions too.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AuditAction, AuditEvent } from '../../domain/audit';
import {
  type BankRestrictionCase,
  type BankRestrictionPolicy,
  type BankRestrictionStatus,
  bankRestrictionHoldId,
  type RestrictionCategory,
} from '../../domain/bank-restrictions';
import type { ReVerificationResult } from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { auditOptions, coreBankingOptions, REFUSED } from '../activity-options';
import { isActivityFailure } from '../onboarding/failures';
import { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { RestrictionDueAtKey, RestrictionStatusKey } from '../search-attributes';
import {
  type Appeal,
  appealRestriction,
  type Confirmation,
  confirmRestriction,
  type DecisionMessage,
  decideRestriction,
  getBankRestriction,
  type ProposalMessage,
  proposeRestriction,
} from './messages';
import {
  PROPOSAL_FRESH_MS,
  type RestrictionSigned,
  restrictionSignatureProblem,
  type SignedRestrictionMessage,
} from './signature';

/**
 * DECISION_SIGNING_KEY, written into the worker's workflow bundle as a constant when the worker
 * bundles its code (worker/create-worker.ts): code the worker holds, never workflow state, so it
 * reaches no history, query answer, search attribute or log line. A bundle made without it (replay,
 * where validators do not run) leaves it undefined and accepts no staff message.
 */
declare const __DECISION_SIGNING_KEY__: string | undefined;
const decisionSigningKey =
  typeof __DECISION_SIGNING_KEY__ === 'string' ? __DECISION_SIGNING_KEY__ : undefined;

/**
 * How long a case started without the API's signed proposal waits for it before it fails: the API
 * sends it with the start (update-with-start), so it is there in the first workflow task.
 */
const SIGNED_PROPOSAL_WAIT_MS = 10_000;

export interface BankRestrictionInput {
  accountNumber: string;
  applicationId: string;
  partnerId?: string;
  proposal: { category: RestrictionCategory; note: string; proposedBy: string };
  policy: BankRestrictionPolicy;
}

/** Core banking's calls: quick retries of transient faults within a minute, then the case's own back-off. */
const bank = proxyActivities<Pick<Activities, 'placeHold' | 'liftHold'>>(
  coreBankingOptions({ within: '1 minute', maximumInterval: '10 seconds', final: [REFUSED] }),
);

/** Audit entries are off every answer's path and must be written: retried without end, as a review's. */
const { audit } = proxyActivities<Pick<Activities, 'audit'>>(auditOptions());

const RE_VERIFICATION_PENDING: readonly BankRestrictionStatus[] = ['RE_VERIFYING'];

class Case {
  private current: BankRestrictionStatus = 'PROPOSED';
  /** The API's signed proposal was taken. */
  proposalSigned = false;
  readonly caseId = workflowInfo().firstExecutionRunId;
  readonly proposedAt = new Date().toISOString();
  readonly outbox: Outbox;
  confirmation: (Confirmation & { at: string }) | undefined;
  inForceAt: string | undefined;
  holdPlaced = false;
  appeal: BankRestrictionCase['appeal'];
  /** The appeal's re-verification, while it runs. */
  reVerification: Promise<ReVerificationResult> | undefined;
  escalated = false;
  /** The decision being acted on; the update answers once the workflow has. */
  pending: (DecisionMessage & { at: string }) | undefined;
  decision: BankRestrictionCase['decision'];
  actionPending = false;
  private readonly trail: AuditEvent[] = [];
  private writing: Promise<void> | undefined;

  constructor(readonly input: BankRestrictionInput) {
    this.outbox = new Outbox(input.policy.webhookGiveUpSeconds, input.partnerId);
  }

  get status(): BankRestrictionStatus {
    return this.current;
  }

  /** Each change of status is published in visibility (codes only, no personal data). */
  set status(next: BankRestrictionStatus) {
    const changed = next !== this.current;
    this.current = next;
    if (changed) this.publish();
  }

  publish(): void {
    upsertSearchAttributes([
      { key: RestrictionStatusKey, value: this.current },
      ...(this.appeal ? [{ key: RestrictionDueAtKey, value: new Date(this.appeal.decisionDueAt) }] : []),
    ]);
  }

  /**
   * Refuses a staff message the API did not sign for this message of this case (signature.ts),
   * first, so that a forged one learns nothing of the case from the refusals that follow.
   */
  verify(
    message: SignedRestrictionMessage,
    args: RestrictionSigned & Readonly<Record<string, unknown>>,
  ): void {
    const scope = {
      message,
      workflowId: workflowInfo().workflowId,
      updateId: currentUpdateInfo()?.id ?? '',
      ...(message !== 'proposeRestriction' && { caseId: this.caseId }),
    };
    const problem = restrictionSignatureProblem(decisionSigningKey, scope, args);
    if (problem) refuse('RESTRICTION_UNSIGNED', problem);
  }

  get holdId(): string {
    return bankRestrictionHoldId(this.caseId);
  }

  view(): BankRestrictionCase {
    const { proposal, policy } = this.input;
    return {
      caseId: this.caseId,
      status: this.status,
      category: proposal.category,
      note: proposal.note,
      proposedBy: proposal.proposedBy,
      proposedAt: this.proposedAt,
      proposalExpiresAt: new Date(
        Date.parse(this.proposedAt) + policy.proposalExpirySeconds * 1000,
      ).toISOString(),
      ...(this.confirmation && {
        confirmedBy: this.confirmation.supervisor,
        confirmationNote: this.confirmation.note,
      }),
      ...(this.inForceAt && { inForceAt: this.inForceAt }),
      ...(this.holdPlaced && { holdId: this.holdId }),
      ...(this.appeal && { appeal: { ...this.appeal } }),
      escalated: this.escalated,
      ...(this.decision && { decision: { ...this.decision } }),
      actionPending: this.actionPending,
    };
  }

  /** Queues an audit entry (id: case and what happened, so a retried write keeps one). */
  record(
    what: string,
    entry: {
      actor: string;
      action: AuditAction;
      reason?: string;
      note?: string;
      refs?: Record<string, string>;
    },
  ): void {
    this.trail.push({
      id: `bank-restriction:${this.caseId}:${what}`,
      at: new Date().toISOString(),
      applicationId: this.input.applicationId,
      accountNumber: this.input.accountNumber,
      ...entry,
      refs: { caseId: this.caseId, ...entry.refs },
    });
    this.writing ??= this.write();
  }

  async auditSettled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async write(): Promise<void> {
    try {
      while (this.trail.length > 0) await audit({ entries: this.trail.splice(0) });
    } finally {
      this.writing = undefined;
    }
  }

  /** An event for the app: no category, no note, no staff names (no tip-off). */
  notify(
    type: 'ACCOUNT_RESTRICTED' | 'RESTRICTION_UNDER_APPEAL' | 'RESTRICTION_LIFTED' | 'RESTRICTION_UPHELD',
    data: Record<string, unknown>,
  ): void {
    const { applicationId, accountNumber } = this.input;
    this.outbox.send({
      eventId: `${applicationId}:bank-restriction:${this.caseId}:${type}${this.appealSuffix(type)}`,
      type,
      applicationId,
      data: { accountNumber, ...data },
    });
  }

  /** An appeal may come again after a failed re-verification: each one's events are their own. */
  private appealSuffix(type: string): string {
    return type === 'RESTRICTION_UNDER_APPEAL' && this.appeal ? `:${this.appeal.reVerificationCaseId}` : '';
  }

  handleMessages(): void {
    setHandler(getBankRestriction, () => this.view());

    setHandler(
      proposeRestriction,
      () => {
        this.proposalSigned = true;
        return this.view();
      },
      {
        validator: (p: ProposalMessage) => {
          this.verify('proposeRestriction', p);
          const { proposal } = this.input;
          if (
            p.proposedBy !== proposal.proposedBy ||
            p.category !== proposal.category ||
            p.note !== proposal.note
          )
            refuse('RESTRICTION_UNSIGNED', 'the signed proposal is not the one this case was started with');
          // Workflow time: the case's clock, not the host's.
          if (Math.abs(Date.now() - p.signedAt) > PROPOSAL_FRESH_MS)
            refuse('RESTRICTION_UNSIGNED', 'the proposal was signed too long ago to open a case now');
          if (this.proposalSigned || this.status !== 'PROPOSED')
            refuse('RESTRICTION_NOT_AWAITING', `the restriction is ${this.status}: proposed already`);
        },
      },
    );

    setHandler(
      confirmRestriction,
      async (c) => {
        this.confirmation = { ...c, at: new Date().toISOString() };
        await condition(() => this.status !== 'PROPOSED');
        return this.view();
      },
      {
        validator: (c) => {
          this.verify('confirmRestriction', c);
          if (this.status !== 'PROPOSED' || this.confirmation || !this.proposalSigned)
            refuse(
              'RESTRICTION_NOT_AWAITING',
              `the restriction is ${this.status}, not waiting for a confirmation`,
            );
          if (c.category !== this.input.proposal.category)
            refuse(
              'RESTRICTION_MISMATCH',
              'the confirmation names another category than the proposal: send the same, or let the proposal lapse',
            );
          if (c.supervisor === this.input.proposal.proposedBy)
            refuse('SAME_OPERATOR', 'four eyes: whoever proposed a restriction may not confirm it');
        },
      },
    );

    setHandler(
      appealRestriction,
      async (a) => {
        // Taken before the child starts, so a second appeal arriving meanwhile is refused.
        this.status = 'RE_VERIFYING';
        const { accountNumber, applicationId, partnerId } = this.input;
        try {
          const child = await startChild('reVerification', {
            workflowId: reVerificationWorkflowId(applicationId),
            args: [
              {
                accountNumber,
                applicationId,
                ...(partnerId && { partnerId }),
                documents: a.documents,
                intent: a.intent,
                policy: a.policy,
              },
            ],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            // The re-verification's outcome is the holder's whatever becomes of this case.
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
          const appealedAt = new Date().toISOString();
          this.appeal = {
            reVerificationCaseId: child.firstExecutionRunId,
            appealedAt,
            decisionDueAt: new Date(
              Date.parse(appealedAt) + this.input.policy.appealDecisionSeconds * 1000,
            ).toISOString(),
          };
          this.escalated = false;
          this.publish();
          this.reVerification = child.result() as Promise<ReVerificationResult>;
          this.record(`appeal-${child.firstExecutionRunId}:APPEALED`, {
            actor: 'customer',
            action: 'RESTRICTION_APPEALED',
            refs: { reVerificationCaseId: child.firstExecutionRunId },
          });
          return { caseId: child.firstExecutionRunId };
        } catch (err) {
          this.status = 'IN_FORCE';
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            throw ApplicationFailure.create({
              type: 'RE_VERIFICATION_RUNNING',
              message: 'a re-verification of this account is being checked; try again shortly',
              nonRetryable: true,
            });
          throw err;
        }
      },
      {
        validator: (_appeal: Appeal) => {
          if (this.status !== 'IN_FORCE')
            refuse(
              'RESTRICTION_NOT_AWAITING',
              this.status === 'PROPOSED'
                ? 'the restriction is not in force'
                : 'the appeal against this restriction is being decided: contact the bank',
            );
        },
      },
    );

    setHandler(
      decideRestriction,
      async (d) => {
        this.pending = { ...d, at: new Date().toISOString() };
        await condition(() => this.pending === undefined);
        return this.view();
      },
      {
        validator: (d) => {
          this.verify('decideRestriction', d);
          if (this.pending)
            refuse('RESTRICTION_NOT_AWAITING', 'a decision on this restriction is being acted on');
          if (d.decision === 'UPHOLD' && this.status !== 'APPEALED')
            refuse(
              'RESTRICTION_NOT_AWAITING',
              `the restriction is ${this.status}: only an appeal that passed its re-verification is upheld`,
            );
          if (d.decision === 'LIFT' && !['IN_FORCE', 'APPEALED', 'UPHELD'].includes(this.status))
            refuse(
              'RESTRICTION_NOT_AWAITING',
              RE_VERIFICATION_PENDING.includes(this.status)
                ? "the holder's re-verification is being checked: decide once it is"
                : `the restriction is ${this.status}: nothing to lift`,
            );
        },
      },
    );
  }
}

export async function bankRestriction(input: BankRestrictionInput): Promise<BankRestrictionCase> {
  const c = new Case(input);
  c.handleMessages();
  const { proposal, policy } = input;
  // Started by anyone but the API (the CLI, say), no signed proposal follows: nothing is recorded.
  if (!(await condition(() => c.proposalSigned, SIGNED_PROPOSAL_WAIT_MS)))
    throw ApplicationFailure.create({
      type: 'RESTRICTION_UNSIGNED',
      message: 'no proposal signed by the API came with this case: nothing was proposed',
      nonRetryable: true,
    });
  c.publish();
  c.record('PROPOSED', {
    actor: proposal.proposedBy,
    action: 'RESTRICTION_PROPOSED',
    reason: proposal.category,
    note: proposal.note,
  });

  if (!(await condition(() => c.confirmation !== undefined, policy.proposalExpirySeconds * 1000))) {
    c.status = 'EXPIRED';
    c.record('EXPIRED', { actor: 'system', action: 'RESTRICTION_EXPIRED', reason: proposal.category });
  } else {
    await enforce(c);
    for (;;) {
      await condition(() => c.reVerification !== undefined || c.pending !== undefined);
      if (c.reVerification) {
        await awaitReVerification(c);
        continue;
      }
      if (await applyDecision(c)) break;
    }
  }

  await c.outbox.settled();
  await condition(allHandlersFinished);
  await c.auditSettled();
  return c.view();
}

/** Confirmed: the case's own receive-only hold placed, audited, and the holder told what to do. */
async function enforce(c: Case): Promise<void> {
  const confirmation = c.confirmation!;
  const { accountNumber } = c.input;
  const { category } = c.input.proposal;
  c.record('CONFIRMED', {
    actor: confirmation.supervisor,
    action: 'RESTRICTION_CONFIRMED',
    reason: category,
    note: confirmation.note,
  });
  const { holdId } = c;
  await mustDo(c, 'PLACE_HOLD', () =>
    // The category is the hold's reason for staff; apps read the hold's kind only (domain/restrictions.ts).
    bank.placeHold({ accountNumber, holdId, type: 'RECEIVE_ONLY', reason: category }),
  );
  c.holdPlaced = true;
  c.inForceAt = new Date().toISOString();
  c.status = 'IN_FORCE';
  c.record(`${holdId}:PLACED`, {
    actor: 'system',
    action: 'HOLD_PLACED',
    reason: category,
    refs: { holdId, type: 'RECEIVE_ONLY' },
  });
  const { remedy, appealDecisionSeconds } = c.input.policy;
  c.notify('ACCOUNT_RESTRICTED', {
    hold: 'RECEIVE_ONLY',
    restriction: { kind: 'BANK_REVIEW', since: c.inForceAt, action: 'RE_VERIFY' },
    remedy,
    decisionWithinSeconds: appealDecisionSeconds,
  });
}

/** The appeal's re-verification decides whether an operator is asked; failed, the holder may appeal again. */
async function awaitReVerification(c: Case): Promise<void> {
  let passed = false;
  try {
    passed = (await c.reVerification!).passed;
  } catch {
    // The re-verification failed as a workflow (not an answer): the holder may appeal again.
  }
  c.reVerification = undefined;
  const appeal = c.appeal!;
  appeal.passed = passed;
  if (!passed) {
    // The re-verification told the app itself (ID_RE_VERIFICATION_FAILED): nothing for an operator.
    c.status = 'IN_FORCE';
    return;
  }
  c.status = 'APPEALED';
  c.notify('RESTRICTION_UNDER_APPEAL', {
    restriction: { kind: 'BANK_REVIEW', since: appeal.appealedAt, action: 'CONTACT_BANK' },
    decisionDueAt: appeal.decisionDueAt,
  });
  const left = Date.parse(appeal.decisionDueAt) - Date.now();
  if (!(await condition(() => c.pending !== undefined, Math.max(1, left)))) {
    c.escalated = true;
    c.record(`appeal-${appeal.reVerificationCaseId}:ESCALATED`, {
      actor: 'system',
      action: 'RESTRICTION_ESCALATED',
    });
    const { applicationId, accountNumber } = c.input;
    c.outbox.send(
      {
        eventId: `${applicationId}:bank-restriction:${c.caseId}:appeal-${appeal.reVerificationCaseId}:OPS_RESTRICTION_APPEAL_OVERDUE`,
        type: 'OPS_RESTRICTION_APPEAL_OVERDUE',
        applicationId,
        data: {
          severity: 'HIGH',
          accountNumber,
          caseId: c.caseId,
          decisionDueAt: appeal.decisionDueAt,
          action: "decide the holder's appeal against this bank restriction now: its stated time has passed",
        },
      },
      'ops',
    );
  }
}

/** An operator's decision takes effect; true once the case has ended (lifted). */
async function applyDecision(c: Case): Promise<boolean> {
  const d = c.pending!;
  const { accountNumber } = c.input;
  const { holdId } = c;
  c.decision = { decision: d.decision, note: d.note, decidedBy: d.operator, decidedAt: d.at };
  if (d.decision === 'UPHOLD') {
    c.status = 'UPHELD';
    c.record(`appeal-${c.appeal!.reVerificationCaseId}:UPHELD`, {
      actor: d.operator,
      action: 'RESTRICTION_UPHELD',
      reason: c.input.proposal.category,
      note: d.note,
    });
    c.notify('RESTRICTION_UPHELD', {
      restriction: { kind: 'BANK_REVIEW', since: c.inForceAt, action: 'CONTACT_BANK' },
      remedy: { channel: 'CONTACT_BANK' },
    });
    c.pending = undefined;
    return false;
  }
  c.record('LIFTED', {
    actor: d.operator,
    action: 'RESTRICTION_LIFTED',
    reason: c.input.proposal.category,
    note: d.note,
  });
  await mustDo(c, 'LIFT_HOLD', () => bank.liftHold({ accountNumber, holdId }));
  c.record(`${holdId}:LIFTED`, { actor: 'system', action: 'HOLD_LIFTED', refs: { holdId } });
  c.status = 'LIFTED';
  c.notify('RESTRICTION_LIFTED', { hold: 'RECEIVE_ONLY' });
  c.pending = undefined;
  return true;
}

/**
 * A hold or lift must happen whatever core banking answers for a while: retried with back-off
 * (doubling to ten minutes) until done; the case says actionPending meanwhile, and ops hear at
 * once when a restriction the bank decided is not yet in force.
 */
async function mustDo(c: Case, what: 'PLACE_HOLD' | 'LIFT_HOLD', call: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      c.actionPending = false;
      return;
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      c.actionPending = true;
      if (attempt === 1 && what === 'LIFT_HOLD') {
        // A lift the bank decided that core banking refuses leaves the holder restricted wrongly.
        const { applicationId, accountNumber } = c.input;
        c.outbox.send(
          {
            eventId: `${applicationId}:bank-restriction:${c.caseId}:OPS_RESTRICTION_NOT_LIFTED`,
            type: 'OPS_RESTRICTION_NOT_LIFTED',
            applicationId,
            data: {
              severity: 'HIGH',
              accountNumber,
              holdId: c.holdId,
              action:
                'find why core banking refuses to lift this bank restriction: it was decided lifted, the account is still receive-only (the case keeps trying)',
            },
          },
          'ops',
        );
      }
      if (attempt === 1 && what === 'PLACE_HOLD') {
        const { applicationId, accountNumber } = c.input;
        c.outbox.send(
          {
            eventId: `${applicationId}:bank-restriction:${c.caseId}:OPS_ACCOUNT_NOT_RESTRICTED`,
            type: 'OPS_ACCOUNT_NOT_RESTRICTED',
            applicationId,
            data: {
              severity: 'CRITICAL',
              accountNumber,
              wanted: 'RECEIVE_ONLY',
              holdId: c.holdId,
              action:
                'restrict this account by hand: a confirmed bank restriction is not yet in force (the case keeps trying)',
            },
          },
          'ops',
        );
      }
      await sleep(Math.min(2 ** attempt, 600) * 1000);
    }
  }
}
