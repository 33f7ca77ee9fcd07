/**
 * Activities of the account's risk life (domain/risk-life.ts): one page of the daily
 * re-verification sweep, a re-verification's face check, and what a passed re-verification
 * changes in core banking. ID photos are checked by the opening's own activities
 * (checkIdDocument, checkIdentity) against the holder core banking knows, as a review checks
 * re-submitted ones.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { DocumentNotFoundError } from '../adapters/documents';
import type { Ports } from '../adapters/ports';
import type { AppEvent } from '../contracts/providers';
import { liftedByReVerification } from '../domain/dormancy';
import { classifyFace } from '../domain/face';
import {
  nextReVerificationDue,
  RE_VERIFICATION_OVERDUE,
  type RiskLifePolicy,
  reVerificationHoldId,
  reVerificationStage,
} from '../domain/risk-life';
import type { RiskRating } from '../domain/risk-rating';
import type { StepResult } from '../domain/steps';

export interface ReVerificationPageInput {
  /** The instant the sweep acts for (ISO). */
  now: string;
  policy: RiskLifePolicy;
  /** Where the previous page ended. */
  after?: string;
}

export interface ReVerificationPageResult {
  listed: number;
  /** Accounts that had no due date kept and were given one (from their rating and opening). */
  scheduled: number;
  /** Holders asked to re-verify (due, within the grace period). */
  asked: number;
  /** Accounts made receive-only today for a missed re-verification. */
  restricted: number;
  /** Accounts whose hold core banking refused for good: ops alerted, tried again tomorrow. */
  failed: number;
  /** The webhook events this page calls for: the workflow sends them through its outbox. */
  events: Omit<AppEvent, 'occurredAt'>[];
  nextCursor?: string;
}

export interface ReVerificationFaceInput {
  applicationId: string;
  /** The case (the workflow's run): keys the vendor call, so each case's selfie is its own request. */
  caseId: string;
  idNumber: string;
  /**
   * The holder's name as core banking keeps it: a vendor that compares against the register by
   * name and ID number together (Tencent Cloud's ImageRecognition) needs both. Absent from inputs
   * recorded before it was passed.
   */
  name?: string;
  selfie: string;
}

export function createReVerificationActivities(ports: Ports) {
  /** As the ID-expiry sweep's: a lost alert is logged (no personal data) and the next sweep alerts again. */
  async function alertOps(event: Omit<AppEvent, 'occurredAt'>): Promise<void> {
    try {
      await ports.opsNotifier.send({ ...event, occurredAt: new Date().toISOString() });
    } catch (err) {
      Context.current().log.warn('ops alert not delivered', {
        eventType: event.type,
        applicationId: event.applicationId,
        error: (err as Error).name,
      });
    }
  }

  return {
    /**
     * One page of the accounts due by now. An account with no due date kept (opened before
     * ratings, or by a flow that set none) is given one from its rating (or the policy's
     * `unratedAs`) and its rating's or opening's date, and acted on if that date has passed. Due
     * within the grace period: the holder is asked (RE_VERIFICATION_DUE, keyed by the due date, so
     * apps see one event however many sweeps send it). Past it: the receive-only hold of that due
     * date (idempotent by its id), announced once, when placed.
     *
     * One account never stops the sweep: a hold core banking will not place leaves the account
     * as it is, alerts ops and the page goes on (the next sweep tries again). A transient failure
     * fails the page, which is retried whole (every write here is idempotent, every event keyed).
     */
    async sweepReVerificationPage({
      now,
      policy,
      after,
    }: ReVerificationPageInput): Promise<ReVerificationPageResult> {
      // An account without a date cannot be due before its opening plus the shortest interval.
      const shortest = Math.min(...Object.values(policy.reVerifyEverySeconds));
      const page = await ports.coreBanking.listReVerificationDue(now, {
        unscheduledOpenedBefore: new Date(Date.parse(now) - shortest * 1000).toISOString(),
        limit: policy.pageSize,
        ...(after !== undefined && { after }),
      });
      const result: ReVerificationPageResult = {
        listed: page.accounts.length,
        scheduled: 0,
        asked: 0,
        restricted: 0,
        failed: 0,
        events: [],
      };
      for (const account of page.accounts) {
        const { accountNumber, reference, partnerId } = account;
        let dueAt = account.reVerificationDueAt;
        if (dueAt === undefined) {
          dueAt = nextReVerificationDue(account.riskRatedAt ?? account.openedAt, account.riskRating, policy);
          await ports.coreBanking.recordReVerificationDue(accountNumber, dueAt);
          result.scheduled += 1;
        }
        const stage = reVerificationStage(dueAt, now, policy);
        if (!stage) continue;
        const event = (type: AppEvent['type'], data: Record<string, unknown>) => ({
          eventId: `${reference}:re-verification:${dueAt}:${type}`,
          type,
          applicationId: reference,
          ...(partnerId && { partnerId }),
          data: { accountNumber, dueAt, ...data },
        });
        const restrictFrom = new Date(Date.parse(dueAt) + policy.graceSeconds * 1000).toISOString();
        if (stage === 'DUE') {
          result.asked += 1;
          result.events.push(event('RE_VERIFICATION_DUE', { action: 'RE_VERIFY', restrictFrom }));
          continue;
        }
        const holdId = reVerificationHoldId(dueAt);
        if (account.holdIds.includes(holdId)) continue;
        try {
          await ports.coreBanking.placeHold(accountNumber, {
            holdId,
            type: 'RECEIVE_ONLY',
            reason: RE_VERIFICATION_OVERDUE,
          });
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
          result.failed += 1;
          await alertOps({
            eventId: `${reference}:re-verification:${now}:OPS_ACCOUNT_NOT_RESTRICTED`,
            type: 'OPS_ACCOUNT_NOT_RESTRICTED',
            applicationId: reference,
            data: {
              severity: 'CRITICAL',
              ...(partnerId && { partnerId }),
              accountNumber,
              wanted: 'RECEIVE_ONLY',
              holdId,
              reason: RE_VERIFICATION_OVERDUE,
              error: err.type ?? 'ApplicationFailure',
              action:
                'restrict this account by hand: its holder missed the re-verification and core banking refused the hold (the sweep tries again tomorrow)',
            },
          });
          continue;
        }
        result.restricted += 1;
        result.events.push(
          event('HOLD_APPLIED', {
            hold: 'RECEIVE_ONLY',
            reason: RE_VERIFICATION_OVERDUE,
            action: 'RE_VERIFY',
          }),
        );
      }
      return { ...result, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    },

    /** Liveness of the selfie and its likeness to the register's photo of the holder's ID number. */
    async checkReVerificationFace(input: ReVerificationFaceInput): Promise<StepResult> {
      let selfie: Buffer;
      try {
        selfie = await ports.documents.get(input.selfie, input.applicationId);
      } catch (err) {
        if (err instanceof DocumentNotFoundError)
          throw ApplicationFailure.nonRetryable('the selfie is not in the store', 'MissingDocument');
        throw err;
      }
      const answer = await ports.face.verify(
        selfie,
        input.idNumber,
        `${input.applicationId}:re-verification:${input.caseId}:face`,
        input.name,
      );
      return classifyFace(answer);
    },

    /**
     * A passed re-verification: the next due date from the account's rating now (a bank's review
     * may have changed it since opening) counted from `verifiedAt`, the re-verification told to
     * core banking as the holder's own act (it keeps the account awake), and every hold a missed
     * re-verification or dormancy placed lifted (domain/dormancy.ts's list; no other kind: each
     * restriction is its own hold). The activity is recorded before the lift, so a dormant account
     * woken is not idle to the next sweep. Idempotent, so a retry sets the same date and instant
     * and lifts nothing twice.
     */
    async completeReVerification(input: {
      accountNumber: string;
      verifiedAt: string;
      policy: RiskLifePolicy;
    }): Promise<{ nextDueAt: string; riskRating?: RiskRating; lifted: string[] }> {
      const account = await ports.coreBanking.getAccount(input.accountNumber);
      if (!account) throw ApplicationFailure.nonRetryable('no such account', 'AccountNotFound');
      const nextDueAt = nextReVerificationDue(input.verifiedAt, account.riskRating, input.policy);
      await ports.coreBanking.recordReVerificationDue(input.accountNumber, nextDueAt);
      await ports.coreBanking.recordCustomerActivity(input.accountNumber, {
        kind: 'RE_VERIFIED',
        at: input.verifiedAt,
      });
      const lifted = account.holds.map((h) => h.holdId).filter(liftedByReVerification);
      for (const holdId of lifted) await ports.coreBanking.liftHold(input.accountNumber, holdId);
      return { nextDueAt, ...(account.riskRating && { riskRating: account.riskRating }), lifted };
    },
  };
}
