/**
 * One review: its state, the case operators read, and the messages that reach it (an
 * operator's decision, the customer's new photos; each update with its validator). The process
 * the case goes through is review.ts.
 */
import {
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AuditEvent } from '../../domain/audit';
import { todayInChina } from '../../domain/china-time';
import {
  type CarriedReview,
  type CaseDocument,
  type CaseFile,
  type Claim,
  type Decision,
  type DecisionRequest,
  decisionRequestSchema,
  type HoldState,
  type PendingAction,
  type Resubmission,
  type ResubmissionResult,
  type ReviewCase,
  type ReviewInput,
  type ReviewPolicy,
  TERMINAL_DECISIONS,
} from '../../domain/review';
import { isDeciding, type ReviewStatus } from '../../domain/review-status';
import type { ReasonCode } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { checkOptions } from '../activity-options';
import { isActivityFailure } from '../onboarding/failures';
import type { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { ClaimedBy, ClaimedUntil, ReviewDueAt, reviewSearchAttributes } from '../search-attributes';
import { AuditTrail } from './audit-trail';
import { type Signed, type SignedUpdate, signatureProblem, UNSIGNED_MESSAGE } from './message-signature';
import { claim, decide, getCaseFile, getReview, releaseClaim, resubmit } from './messages';

type PhotoCheck = Awaited<ReturnType<Activities['checkIdDocument']>>;
/** What accepting a valid card lifted: the ID-expiry holds, and the end date that lifted them. */
interface ExpiryHoldsLifted {
  lifted: string[];
  validUntil: string;
}

/**
 * DECISION_SIGNING_KEY, written into the worker's workflow bundle as a constant when the worker
 * bundles its code (worker/create-worker.ts, webpack's DefinePlugin): code the worker holds, never
 * workflow state, so it reaches no history, query answer, search attribute or log line. A bundle
 * made without it (replay, where validators do not run) leaves it undefined and accepts nothing.
 */
declare const __DECISION_SIGNING_KEY__: string | undefined;
const decisionSigningKey =
  typeof __DECISION_SIGNING_KEY__ === 'string' ? __DECISION_SIGNING_KEY__ : undefined;

/** The app events a review sends, each once per round. */
export type ReviewEvent =
  | 'HOLD_APPLIED'
  | 'RESUBMISSION_REQUESTED'
  | 'HOLD_LIFTED'
  | 'ACCOUNT_FROZEN'
  | 'ACCOUNT_CLOSED';

export class Review {
  status: ReviewStatus = 'PENDING';
  round = 1;
  reasons: ReasonCode[];
  escalated = false;
  hold: HoldState = 'NONE';
  /** Hold ids this review placed and has not lifted: only these are ever lifted. */
  readonly holdIds: string[] = [];
  readonly decisions: Decision[] = [];
  readonly resubmissions: ReviewCase['resubmissions'] = [];
  /** True while re-submitted photos are being checked, so a second upload waits its turn. */
  checkingPhotos = false;
  /** The operator's decision on the open round, from the update until the workflow has acted on it. */
  decision: Decision | undefined;
  /** What the audit log keeps of this review. */
  readonly trail = new AuditTrail();
  /** Who is working the case and until when (workflow time, ms); lapsed once `until` is past. */
  claim: { claimedBy: string; until: number } | undefined;
  /** When the open round opened (workflow time, ms): its SLA runs from here. */
  roundOpenedAt = workflowInfo().runStartTime.getTime();
  /** Re-submitted photos, for the case file. */
  readonly resubmittedPhotos: { round: number; at: string; accepted: boolean; photos: Resubmission }[] = [];

  /** The input's policy, with any setting added after the review started as it was then. */
  readonly policy: ReviewPolicy;
  /** The first of two decisions the open round needs, until the second comes. */
  proposal: Decision | undefined;
  /** A call core banking has not done yet, being retried. */
  pendingAction: PendingAction | undefined;
  /** Confirmed fraud: to be reported. */
  reportable = false;
  /** When the customer was asked for photos, and when the account was frozen for want of them (ms). */
  awaitingSince: number | undefined;
  frozenAt: number | undefined;
  /** Which run of the review this is (1 + how often it continued as new), and the updates it took. */
  run = 1;
  updatesThisRun = 0;

  constructor(
    readonly input: ReviewInput,
    readonly outbox: Outbox,
  ) {
    this.reasons = [...input.reasons];
    this.policy = input.policy;
    if (input.carried) this.restore(input.carried);
  }

  /** The state the previous run carried over. */
  private restore(c: CarriedReview): void {
    this.run = c.run;
    this.status = c.status;
    this.round = c.round;
    this.reasons = [...c.reasons];
    this.escalated = c.escalated;
    this.hold = c.hold;
    this.holdIds.push(...c.holdIds);
    this.decisions.push(...c.decisions);
    this.proposal = c.proposal;
    this.resubmissions.push(...c.resubmissions);
    this.resubmittedPhotos.push(...c.resubmittedPhotos);
    this.claim = c.claim;
    this.roundOpenedAt = c.roundOpenedAt;
    this.awaitingSince = c.awaitingSince;
    this.frozenAt = c.frozenAt;
    this.outbox.restore(c.deliveries, c.unsent);
    for (const entry of c.unwritten) this.trail.record(entry);
  }

  /** Everything the next run needs to go on where this one stands. */
  carry(): CarriedReview {
    return {
      run: this.run + 1,
      status: this.status,
      round: this.round,
      reasons: [...this.reasons],
      escalated: this.escalated,
      hold: this.hold,
      holdIds: [...this.holdIds],
      decisions: [...this.decisions],
      ...(this.proposal && { proposal: this.proposal }),
      resubmissions: [...this.resubmissions],
      resubmittedPhotos: [...this.resubmittedPhotos],
      ...(this.claim && { claim: this.claim }),
      roundOpenedAt: this.roundOpenedAt,
      ...(this.awaitingSince !== undefined && { awaitingSince: this.awaitingSince }),
      ...(this.frozenAt !== undefined && { frozenAt: this.frozenAt }),
      deliveries: this.outbox.deliveries.map((d) => ({ ...d })),
      unsent: this.outbox.pending(),
      unwritten: this.trail.unwritten(),
    };
  }

  /**
   * Time to continue as new: near the policy's history or update bound (or when Temporal
   * suggests it), and only between messages: no decision waiting to be acted on, no photos
   * being checked, no call to core banking outstanding.
   */
  shouldContinueAsNew(): boolean {
    if (this.decision || this.checkingPhotos || this.pendingAction) return false;
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      info.historyLength >= this.policy.continueAsNewAtEvents ||
      this.updatesThisRun >= this.policy.continueAsNewAtUpdates
    );
  }

  /** The query and the updates, each update with its validator; before the workflow's first await. */
  handleMessages(): void {
    setHandler(getReview, () => this.view());
    // Operators' messages are the API's, signed, or nothing: checked first, so that a forged one
    // learns nothing of the case from the refusals that follow.
    setHandler(decide, (req) => this.decide(req), {
      validator: (req) => {
        this.verifySignature('decide', req);
        this.validateDecision(req);
      },
    });
    setHandler(resubmit, (documents) => this.resubmit(documents), {
      validator: (_documents) => this.validateResubmission(),
    });
    setHandler(claim, ({ operator }) => this.takeClaim(operator), {
      validator: (req) => {
        this.verifySignature('claim', req);
        this.validateClaim(req.operator);
      },
    });
    setHandler(releaseClaim, () => this.endClaim(), {
      validator: (req) => {
        this.verifySignature('releaseClaim', req);
        this.validateRelease(req);
      },
    });
    setHandler(getCaseFile, () => this.caseFile());
  }

  /**
   * Refuses an operator's message the API did not sign for this update of this workflow
   * (message-signature.ts). Validators do not run on replay: histories recorded before signing,
   * whose messages carry none, replay as they were.
   */
  private verifySignature(update: SignedUpdate, message: Signed & Readonly<Record<string, unknown>>): void {
    const scope = { update, workflowId: workflowInfo().workflowId, updateId: currentUpdateInfo()?.id ?? '' };
    const problem = signatureProblem(decisionSigningKey, scope, message);
    if (problem)
      throw ApplicationFailure.create({ type: UNSIGNED_MESSAGE, message: problem, nonRetryable: true });
  }

  /** The claim if it still holds now (workflow time). */
  liveClaim(): Claim | undefined {
    if (!this.claim || this.claim.until <= Date.now()) return undefined;
    return { claimedBy: this.claim.claimedBy, until: new Date(this.claim.until).toISOString() };
  }

  /** Takes or renews the claim for the policy's lease. */
  takeClaim(operator: string): Claim {
    this.updatesThisRun += 1;
    const lease = this.policy.claimLeaseSeconds;
    this.claim = { claimedBy: operator, until: Date.now() + lease * 1000 };
    this.publish();
    return this.liveClaim()!;
  }

  validateClaim(operator: string): void {
    if (!operator) refuse('INVALID_DECISION', 'a claim needs the operator who takes it');
    if (!this.awaitsDecision()) {
      refuse('NOT_CLAIMABLE', `the review is ${this.status}: round ${this.round} has nothing to decide`);
    }
    const held = this.liveClaim();
    if (held && held.claimedBy !== operator) {
      refuse('CLAIMED', `claimed by ${held.claimedBy} until ${held.until}`);
    }
  }

  endClaim(): void {
    this.updatesThisRun += 1;
    if (!this.claim) return;
    this.claim = undefined;
    this.publish();
  }

  validateRelease({ operator, supervisor }: { operator: string; supervisor: boolean } & Signed): void {
    const held = this.liveClaim();
    if (held && held.claimedBy !== operator && !supervisor) {
      refuse('NOT_CLAIM_HOLDER', `claimed by ${held.claimedBy}; only they or a supervisor may release it`);
    }
  }

  /** The applicant as entered and every ID photo: the application's, then each re-submission's. */
  caseFile(): CaseFile {
    const documents: CaseDocument[] = [];
    const add = (photos: Resubmission, d: Omit<CaseDocument, 'documentId' | 'side'>) => {
      documents.push({ documentId: photos.idFront, side: 'FRONT', ...d });
      documents.push({ documentId: photos.idBack, side: 'BACK', ...d });
    };
    if (this.input.documents) add(this.input.documents, { source: 'APPLICATION', round: 1, accepted: true });
    for (const r of this.resubmittedPhotos) {
      add(r.photos, {
        source: 'RESUBMISSION',
        round: r.accepted ? r.round + 1 : r.round,
        accepted: r.accepted,
        at: r.at,
      });
    }
    return { applicant: { ...this.input.applicant }, documents };
  }

  /** Answers once the decision has taken effect: hold placed or lifted, case moved on. */
  async decide(req: DecisionRequest & { operator: string; supervisor?: boolean }): Promise<ReviewCase> {
    const round = req.round;
    const decision: Decision = {
      round,
      decision: req.decision,
      reasonCode: req.reasonCode,
      ...(req.note && { note: req.note }),
      operator: req.operator,
      decidedAt: new Date().toISOString(),
      ruleVersion: this.input.policy.ruleVersion,
      ...(req.supervisor && { supervisor: true }),
    };
    this.decision = decision;
    // The decision ends the claim; the search attributes follow when the case moves on.
    this.claim = undefined;
    this.updatesThisRun += 1;
    // Answered once the workflow has acted on it: took effect, awaits its second decision, or
    // core banking is being retried (ACTION_PENDING, never a status it has not reached).
    await condition(() => this.decision !== decision);
    return this.view();
  }

  /** A round open for a decision, with none being acted on. */
  private awaitsDecision(): boolean {
    if (this.decision) return false;
    return isDeciding(this.status);
  }

  /** Whether this decision, on the open round, takes effect only once someone else seconds it. */
  needsSecondDecision(d: Pick<Decision, 'decision'>): boolean {
    if (TERMINAL_DECISIONS.includes(d.decision)) return true;
    if (d.decision !== 'APPROVE') return false;
    // Clearing the case clears every doubt it was opened with, not only the open round's.
    const doubts = new Set([...this.input.reasons, ...this.reasons]);
    return this.policy.secondApprovalReasons.some((r) => doubts.has(r));
  }

  /** Whether this decision seconds the proposal on the table. */
  seconds(d: Pick<Decision, 'decision'>): boolean {
    return this.status === 'AWAITING_SECOND_DECISION' && this.proposal?.decision === d.decision;
  }

  validateDecision({
    operator,
    supervisor,
    signature: _checkedFirst,
    ...body
  }: DecisionRequest & { operator: string; supervisor?: boolean } & Signed): void {
    if (!operator) refuse('INVALID_DECISION', 'a decision needs the operator who made it');
    const parsed = decisionRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      refuse('INVALID_DECISION', `${issue?.path.join('.') || 'decision'} ${issue?.message}`);
    }
    if (body.round !== this.round) {
      refuse(
        'STALE_ROUND',
        `round ${body.round} is not open; the case is at round ${this.round} (${this.status})`,
      );
    }
    if (!this.awaitsDecision()) {
      refuse('ROUND_DECIDED', `round ${this.round} is already decided`);
    }
    const held = this.liveClaim();
    if (held && held.claimedBy !== operator) {
      refuse('CLAIMED', `claimed by ${held.claimedBy} until ${held.until}: only they may decide it now`);
    }
    if (body.decision === 'APPROVE' && this.input.policy.fourEyes && operator === this.lastRejecter) {
      refuse('SAME_OPERATOR', 'the operator who rejected the previous round may not approve this one');
    }
    if (this.status === 'AWAITING_SECOND_DECISION' && this.proposal) {
      if (operator === this.proposal.operator) {
        refuse(
          'SAME_OPERATOR',
          `${operator} made the first decision on round ${this.round}: someone else decides now`,
        );
      }
      if (this.seconds(body) && TERMINAL_DECISIONS.includes(body.decision) && !supervisor) {
        refuse('SUPERVISOR_REQUIRED', `${body.decision} takes effect when a supervisor confirms it`);
      }
    }
  }

  /** New ID photos: checked at once; photos that pass open the next round. */
  async resubmit(documents: Resubmission): Promise<ResubmissionResult> {
    this.updatesThisRun += 1;
    this.checkingPhotos = true;
    let check: PhotoCheck;
    let renewal: ExpiryHoldsLifted | undefined;
    try {
      ({ check, renewal } = await this.checkWithin(documents));
    } finally {
      this.checkingPhotos = false;
    }
    const accepted = check.outcome === 'PASS';
    this.record(`${this.reviewId}:round-${this.round}:RESUBMISSION-${this.resubmissions.length + 1}`, {
      actor: 'customer',
      action: 'RESUBMITTED',
      reason: accepted ? 'PHOTOS_ACCEPTED' : check.reasons.join(','),
      refs: { idFront: documents.idFront, idBack: documents.idBack },
    });
    if (renewal) this.expiryHoldsLifted(renewal);
    this.resubmissions.push({
      round: this.round,
      at: new Date().toISOString(),
      accepted,
      reasons: check.reasons,
    });
    this.resubmittedPhotos.push({
      round: this.round,
      at: new Date().toISOString(),
      accepted,
      photos: documents,
    });
    if (accepted) {
      this.openRound(['ID_RESUBMITTED']);
    } else if (this.failedResubmissions() >= this.policy.maxFailedResubmissionsPerRound) {
      // The customer cannot get photos through: an operator takes it from here (a call, closing).
      this.openRound(['RESUBMISSIONS_EXHAUSTED']);
      this.escalate('RESUBMISSIONS_EXHAUSTED');
    }
    return { reviewId: this.reviewId, round: this.round, accepted, reasons: check.reasons };
  }

  /**
   * Each call tried for the policy's `resubmissionCallSeconds` only: an outage must not hold the
   * customer's request, nor the deadline that waits for photos in flight (review.ts, awaitPhotos).
   * A check, or a lift of the expiry holds, that gives up fails the re-submission with
   * RESUBMISSION_NOT_CHECKED: the review is as it was (same round, nothing recorded, the deadline
   * still running) and the customer sends the photos again. Activities, not local ones: the
   * server ends their retries at the schedule-to-close; a local activity's went on past it (SDK
   * 1.24: attempt 8 of a check bounded to one second, 16 s in).
   */
  private async checkWithin(
    documents: Resubmission,
  ): Promise<{ check: PhotoCheck; renewal?: ExpiryHoldsLifted }> {
    const ms = this.policy.resubmissionCallSeconds * 1000;
    const calls = proxyActivities<Activities>({
      ...checkOptions({ within: ms, final: ['MissingDocument'] }),
      startToCloseTimeout: Math.min(ms, 10_000),
    });
    const seconds = this.policy.resubmissionCallSeconds;
    let check: PhotoCheck;
    try {
      check = await calls.checkIdDocument({ applicant: this.input.applicant, documents });
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      refuse(
        'RESUBMISSION_NOT_CHECKED',
        `the ID photos could not be checked within ${seconds} s; nothing changed: send them again shortly`,
      );
    }
    const { validUntil } = check;
    if (check.outcome !== 'PASS' || !validUntil) return { check };
    // Core banking not taking the new end date leaves the old one, which the next renewal
    // replaces; the expiry holds stay with it, or tomorrow's sweep would place them again.
    const recorded = await calls
      .recordIdValidity({ accountNumber: this.input.accountNumber, validUntil })
      .then(
        () => true,
        () => false,
      );
    const validToday = validUntil === 'LONG' || validUntil >= todayInChina(new Date());
    if (!recorded || !validToday) return { check };
    try {
      const { lifted } = await calls.liftIdExpiryHolds({ accountNumber: this.input.accountNumber });
      return { check, renewal: { lifted, validUntil } };
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      refuse(
        'RESUBMISSION_NOT_CHECKED',
        `core banking did not restore the account within ${seconds} s; nothing changed in the review: send the photos again shortly`,
      );
    }
  }

  /** A valid card is on file: the expiry's holds it lifted, in the audit log, and the app told (as a renewal tells it). */
  private expiryHoldsLifted({ lifted, validUntil }: ExpiryHoldsLifted): void {
    for (const holdId of lifted) {
      this.record(`${this.reviewId}:${holdId}:LIFTED`, {
        actor: 'system',
        action: 'HOLD_LIFTED',
        reason: 'VALID_ID_RESUBMITTED',
        refs: { holdId },
      });
    }
    if (lifted.length === 0) return;
    const { applicationId, accountNumber } = this.input;
    // The renewal's event id for the same card: an app that renews it too hears it once.
    this.outbox.send({
      eventId: `${applicationId}:id-renewed:${validUntil}`,
      type: 'ID_RENEWED',
      applicationId,
      data: { accountNumber, idValidUntil: validUntil, lifted: lifted.length },
    });
  }

  /** The next round, for an operator to decide. */
  private openRound(reasons: ReasonCode[]): void {
    this.roundOpenedAt = Date.now();
    this.round += 1;
    this.reasons = reasons;
    this.escalated = false;
    this.status = 'PENDING';
    this.awaitingSince = undefined;
    this.publish();
  }

  /** Re-submitted photos the check refused in the open round. */
  failedResubmissions(): number {
    return this.resubmissions.filter((r) => r.round === this.round && !r.accepted).length;
  }

  /** Flagged for the queue and the bank's operations team told (past the SLA, or `reason`). */
  escalate(reason?: string): void {
    this.escalated = true;
    this.publish();
    this.outbox.send(
      {
        eventId: `${this.reviewId}:round-${this.round}:REVIEW_ESCALATED`,
        type: 'REVIEW_ESCALATED',
        applicationId: this.input.applicationId,
        data: { reviewId: this.reviewId, round: this.round, ...(reason && { reason }) },
      },
      'ops',
    );
  }

  validateResubmission(): void {
    if (this.status !== 'AWAITING_RESUBMISSION') {
      refuse('NOT_AWAITING_RESUBMISSION', `the review is ${this.status}`);
    }
    if (this.checkingPhotos) {
      refuse('PHOTOS_IN_FLIGHT', 'photos for this review are being checked; try again shortly');
    }
    if (this.failedResubmissions() >= this.policy.maxFailedResubmissionsPerRound) {
      refuse('RESUBMISSIONS_EXHAUSTED', `round ${this.round} has had its re-submissions`);
    }
  }

  /**
   * An entry of the audit log about this review's account, now and in the open round unless
   * said; `id` names it once (a retried write keeps one).
   */
  record(id: string, entry: Pick<AuditEvent, 'actor' | 'action'> & Partial<AuditEvent>): void {
    const { applicationId, accountNumber, policy } = this.input;
    this.trail.record({
      id,
      at: new Date().toISOString(),
      applicationId,
      accountNumber,
      round: this.round,
      ruleVersion: policy.ruleVersion,
      ...entry,
    });
  }

  /** The search attributes the review queue filters on. */
  publish(): void {
    upsertSearchAttributes([...reviewSearchAttributes(this), ...this.queueAttributes()]);
  }

  /** When the open round escalates, and who holds the case (null: none). */
  queueAttributes() {
    return [
      { key: ReviewDueAt, value: isDeciding(this.status) ? new Date(this.slaDueAt) : null },
      { key: ClaimedBy, value: this.claim?.claimedBy ?? null },
      { key: ClaimedUntil, value: this.claim ? new Date(this.claim.until) : null },
    ];
  }

  /** When the open round escalates if nobody decides it (workflow time, ms). */
  get slaDueAt(): number {
    return this.roundOpenedAt + this.input.policy.operatorSlaSeconds * 1000;
  }

  /** An event to the app's webhook, about the account and the round as they are now. */
  notify(type: ReviewEvent): void {
    const { applicationId, accountNumber } = this.input;
    this.outbox.send({
      eventId: `${this.reviewId}:round-${this.round}:${type}`,
      type,
      applicationId,
      data: { accountNumber, reviewId: this.reviewId, round: this.round, hold: this.hold },
    });
  }

  get reviewId(): string {
    return reviewWorkflowId(this.input.applicationId);
  }

  /** Who rejected the round before this one: the four-eyes rule keeps them from approving now. */
  get lastRejecter(): string | undefined {
    return this.decisions.findLast((d) => d.decision === 'REJECT')?.operator;
  }

  view(): ReviewCase {
    const { applicationId, accountNumber, flowVersion, channel } = this.input;
    return {
      reviewId: this.reviewId,
      applicationId,
      accountNumber,
      status: this.status,
      round: this.round,
      reasons: [...this.reasons],
      escalated: this.escalated,
      hold: this.hold,
      flowVersion,
      channel,
      decisions: [...this.decisions],
      deliveries: this.outbox.deliveries.map((d) => ({ ...d })),
      resubmissions: [...this.resubmissions],
      ...this.claimAndDue(),
      ...(this.proposal && { proposal: { ...this.proposal } }),
      ...(this.pendingAction && { pendingAction: { ...this.pendingAction } }),
      ...(this.reportable && { reportable: true }),
    };
  }

  /** Only while a round waits for a decision: who holds the case, and when the round escalates. */
  private claimAndDue(): Pick<ReviewCase, 'claim' | 'slaDueAt'> {
    if (!isDeciding(this.status)) return {};
    const claim = this.liveClaim();
    return { ...(claim && { claim }), slaDueAt: new Date(this.slaDueAt).toISOString() };
  }
}
