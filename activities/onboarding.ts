/**
 * The onboarding activities, built from ports. Each answers a domain step result; only
 * transient faults throw (and are retried by Temporal). Idempotency keys are the application
 * id plus the step, so a retried call never opens a second account or sends a second bind.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DocumentNotFoundError } from '../adapters/documents';
import { CONTRACT } from '../adapters/http/json-client';
import type { Ports } from '../adapters/ports';
import type { AppEvent } from '../contracts/providers';
import type { Applicant, BoundAccount } from '../domain/applicant';
import type { RequestApplicant } from '../domain/application';
import { todayInChina } from '../domain/china-time';
import type { IdCardPhotos } from '../domain/documents';
import { classifyFace } from '../domain/face';
import { classifyFourElements, classifyThreeElements } from '../domain/four-elements';
import { classifyIdDocument } from '../domain/id-document';
import { type IdValidUntil, readValidUntil } from '../domain/id-validity';
import { publicEventData } from '../domain/public-reasons';
import type { RiskRating } from '../domain/risk-rating';
import { pass, reject, review } from '../domain/step-results';
import type { StepResult } from '../domain/steps';
import { applicationIdOfWorkflow } from '../domain/workflow-ids';

export interface CheckIdDocumentInput {
  applicant: Pick<Applicant, 'name' | 'idNumber'>;
  /** Both are required by the flows that check ID photos; the request validation makes sure of it. */
  documents: Partial<IdCardPhotos>;
}

export interface CardCheckAnswer {
  result: StepResult;
  verificationId?: string;
  /** When the code UnionPay sent expires, if it says (ISO 8601). */
  codeExpiresAt?: string;
}

/**
 * A document the application names that is not in the store will not appear by retrying: the
 * upload expired or was shredded. Non-retryable, so the application ends (FAILED) instead of
 * retrying for ever.
 */
async function readDocument(ports: Ports, documentId: string, applicationId: string): Promise<Buffer> {
  try {
    return await ports.documents.get(documentId, applicationId);
  } catch (err) {
    if (err instanceof DocumentNotFoundError) {
      throw ApplicationFailure.nonRetryable(
        'a document of the application is not in the store',
        'MissingDocument',
      );
    }
    throw err;
  }
}

/**
 * The application's business deadline, which the workflow sends with each call: a vendor still
 * failing once it has passed is given up for good
 * (DeadlineExceeded, not retried), so the application ends FAILED instead of retrying for ever.
 * Local activities retried inside a workflow task outlive their schedule-to-close timeout in SDK
 * 1.24, so the check is the activity's own.
 */
export interface Deadline {
  deadlineAt?: string;
}

function stopAtDeadline({ deadlineAt }: Deadline): void {
  if (deadlineAt && Date.now() >= Date.parse(deadlineAt)) {
    throw ApplicationFailure.nonRetryable("the application's deadline has passed", 'DeadlineExceeded');
  }
}

/** The onboarding and the review workflow both check ID photos: either names the application. */
function currentApplicationId(): string {
  const id = applicationIdOfWorkflow(Context.current().info.workflowExecution?.workflowId ?? '');
  if (!id) throw ApplicationFailure.nonRetryable('not run by an application workflow', 'MissingDocument');
  return id;
}

/**
 * One check of a flow with its activity's input: the batch `runChecks` takes holds one of these
 * per check.
 */
export type CheckCall =
  | { check: 'ID_DOCUMENT'; input: CheckIdDocumentInput & Deadline }
  | { check: 'IDENTITY' | 'WATCHLIST'; input: Pick<Applicant, 'name' | 'idNumber'> & Deadline }
  | { check: 'CARD_FOUR_ELEMENTS'; input: CardFourElementsInput & Deadline }
  | { check: 'CARD_THREE_ELEMENTS'; input: CardThreeElementsInput & Deadline }
  | { check: 'FACE'; input: FaceInput & Deadline }
  | { check: 'PUNISHMENT_LIST'; input: Pick<Applicant, 'idNumber'> & Deadline }
  | { check: 'LINKED_APPLICANTS'; input: LinkedApplicantsInput & Deadline };

/**
 * What one check of the batch came to: its activity's answer; a failure no retry changes (its
 * type: a refusal, a broken contract, a missing document, the deadline); or `retry`, a fault
 * that may pass, which the workflow then retries as that check's own local activity.
 */
export type CheckOutcome =
  | { check: CheckCall['check']; answer: CheckAnswer }
  | { check: CheckCall['check']; failedForGood: string }
  | { check: CheckCall['check']; retry: true };

export type CheckAnswer = StepResult | CardCheckAnswer | IdDocumentAnswer | LinkedApplicantsAnswer;

/** Flow v4: who applied from where, and the policy's window and threshold. */
export interface LinkedApplicantsInput {
  idNumber: string;
  deviceId: string;
  mobile?: string;
  /** When the application started (ISO 8601): a retried check counts as of the same moment. */
  at: string;
  windowSeconds: number;
  /** The rank from which an identity is a doubt (3: the third and later). */
  identitiesAt: number;
}

/** The step, and how many identities applied from the device and the mobile up to this one (for the rating and staff). */
export interface LinkedApplicantsAnswer {
  result: StepResult;
  rankOnDevice: number;
  rankOnMobile: number;
}
type IdDocumentAnswer = StepResult & { validUntil?: IdValidUntil };

interface CardFourElementsInput {
  applicationId: string;
  applicant: Applicant;
  cardNumber: string;
}

interface CardThreeElementsInput {
  applicationId: string;
  applicant: Pick<Applicant, 'name' | 'idNumber'>;
  cardNumber: string;
}

interface FaceInput {
  applicationId: string;
  idNumber: string;
  /** Absent in applications that reached the face check before it was sent. */
  name?: string;
  selfie: string;
}

export function createOnboardingActivities(ports: Ports) {
  const checks = {
    async checkIdDocument({
      applicant,
      documents,
      ...deadline
    }: CheckIdDocumentInput & Deadline): Promise<IdDocumentAnswer> {
      stopAtDeadline(deadline);
      const { idFront, idBack } = documents;
      if (!idFront || !idBack) throw ApplicationFailure.nonRetryable('ID photos missing', 'MissingDocument');
      const applicationId = currentApplicationId();
      const [front, back] = await Promise.all([
        readDocument(ports, idFront, applicationId).then((img) => ports.idCards.read('FRONT', img)),
        readDocument(ports, idBack, applicationId).then((img) => ports.idCards.read('BACK', img)),
      ]);
      // The card's end date goes with the result: kept with the account for the expiry lifecycle.
      const validUntil = readValidUntil(back.fields.validUntil);
      return {
        ...classifyIdDocument(front, back, applicant, todayInChina()),
        ...(validUntil && { validUntil }),
      };
    },

    async checkIdentity(applicant: Pick<Applicant, 'name' | 'idNumber'> & Deadline): Promise<StepResult> {
      stopAtDeadline(applicant);
      const result = await ports.identity.verify(applicant.name, applicant.idNumber);
      if (result === 'MATCH') return pass('IDENTITY');
      return reject('IDENTITY', result === 'MISMATCH' ? 'IDENTITY_MISMATCH' : 'IDENTITY_NOT_FOUND');
    },

    /** A possible match still opens the account (an operator looks); a confirmed one rejects. */
    async screenWatchlist(applicant: Pick<Applicant, 'name' | 'idNumber'> & Deadline): Promise<StepResult> {
      stopAtDeadline(applicant);
      const result = await ports.watchlist.screen(applicant.name, applicant.idNumber);
      if (result === 'CLEAR') return pass('WATCHLIST');
      return result === 'POSSIBLE_MATCH'
        ? review('WATCHLIST', 'WATCHLIST_POSSIBLE_MATCH')
        : reject('WATCHLIST', 'WATCHLIST_CONFIRMED_MATCH');
    },

    async checkCardFourElements(input: CardFourElementsInput & Deadline): Promise<CardCheckAnswer> {
      stopAtDeadline(input);
      const answer = await ports.unionPay.checkFourElements(
        input.applicant,
        input.cardNumber,
        `${input.applicationId}:four-elements`,
      );
      return {
        result: classifyFourElements(answer.result),
        verificationId: answer.verificationId,
        ...(answer.codeExpiresAt && { codeExpiresAt: answer.codeExpiresAt }),
      };
    },

    /** Flow v2: name, ID number and card, no reserved mobile and no SMS code. */
    async checkCardThreeElements(input: CardThreeElementsInput & Deadline): Promise<StepResult> {
      stopAtDeadline(input);
      const result = await ports.unionPay.checkThreeElements(
        input.applicant,
        input.cardNumber,
        `${input.applicationId}:three-elements`,
      );
      return classifyThreeElements(result);
    },

    /** Flow v2: liveness of the selfie and its likeness to the register's photo. */
    async checkFace(input: FaceInput & Deadline): Promise<StepResult> {
      stopAtDeadline(input);
      const selfie = await readDocument(ports, input.selfie, input.applicationId);
      const answer = await ports.face.verify(
        selfie,
        input.idNumber,
        `${input.applicationId}:face`,
        input.name,
      );
      return classifyFace(answer);
    },

    /** Flow v4: a person under the joint punishment for account trading gets no new account. */
    async checkPunishmentList(input: Pick<Applicant, 'idNumber'> & Deadline): Promise<StepResult> {
      stopAtDeadline(input);
      const listed = await ports.punishmentList.check(input.idNumber);
      return listed === 'LISTED' ? reject('PUNISHMENT_LIST', 'PUNISHMENT_LISTED') : pass('PUNISHMENT_LIST');
    },

    /**
     * Flow v4: the third and later identity on one device or one mobile within the window is a
     * doubt (the account opens receive-only; two operators clear it). The store sees HMACs only.
     */
    async checkLinkedApplicants(input: LinkedApplicantsInput & Deadline): Promise<LinkedApplicantsAnswer> {
      stopAtDeadline(input);
      const ranks = await ports.linkedApplicants.record({
        idNumber: input.idNumber,
        deviceId: input.deviceId,
        ...(input.mobile && { mobile: input.mobile }),
        at: new Date(input.at),
        windowSeconds: input.windowSeconds,
      });
      const linked = Math.max(ranks.rankOnDevice, ranks.rankOnMobile) >= input.identitiesAt;
      return {
        result: linked ? review('LINKED_APPLICANTS', 'LINKED_APPLICANTS') : pass('LINKED_APPLICANTS'),
        ...ranks,
      };
    },
  };

  const call = (c: CheckCall): Promise<CheckAnswer> => {
    switch (c.check) {
      case 'ID_DOCUMENT':
        return checks.checkIdDocument(c.input);
      case 'IDENTITY':
        return checks.checkIdentity(c.input);
      case 'WATCHLIST':
        return checks.screenWatchlist(c.input);
      case 'CARD_FOUR_ELEMENTS':
        return checks.checkCardFourElements(c.input);
      case 'CARD_THREE_ELEMENTS':
        return checks.checkCardThreeElements(c.input);
      case 'FACE':
        return checks.checkFace(c.input);
      case 'PUNISHMENT_LIST':
        return checks.checkPunishmentList(c.input);
      case 'LINKED_APPLICANTS':
        return checks.checkLinkedApplicants(c.input);
    }
  };

  return {
    ...checks,

    /**
     * A flow's checks in one local activity, each tried once and all at once: one activation and
     * one marker instead of one per check. Nothing here retries; a check whose fault may pass
     * comes back as `retry`, and the workflow retries it alone, so a check that answered is never
     * asked again (a retry of the whole batch, after a worker died, asks each under the same
     * idempotency key).
     */
    async runChecks(batch: { calls: CheckCall[] }): Promise<CheckOutcome[]> {
      return Promise.all(
        batch.calls.map(async (c): Promise<CheckOutcome> => {
          try {
            return { check: c.check, answer: await call(c) };
          } catch (err) {
            if (err instanceof ApplicationFailure && err.nonRetryable) {
              return { check: c.check, failedForGood: err.type ?? 'Error' };
            }
            return { check: c.check, retry: true };
          }
        }),
      );
    },

    async confirmSmsCode(input: { verificationId: string; code: string } & Deadline) {
      stopAtDeadline(input);
      return ports.unionPay.confirmSmsCode(input.verificationId, input.code);
    },

    /** The `resend`-th new code of the application (1, 2, ...): its own idempotency key, so a retry sends no second one. */
    async resendSmsCode(
      input: {
        applicationId: string;
        verificationId: string;
        resend: number;
      } & Deadline,
    ): Promise<{ codeExpiresAt?: string }> {
      stopAtDeadline(input);
      return ports.unionPay.resendSmsCode(
        input.verificationId,
        `${input.applicationId}:sms-resend:${input.resend}`,
      );
    },

    async openAccount(
      input: {
        applicationId: string;
        applicant: RequestApplicant;
        channel: string;
        /** Present for the PARTNER channel: the account is dedicated to that partner. */
        partnerId?: string;
        /** The ID card's validity read from its back (YYYY-MM-DD or LONG), kept with the account for the expiry sweep. */
        idValidUntil?: string;
        /** Flow v4: the holder's rating at opening, kept with the account. */
        riskRating?: RiskRating;
        /** Flow v4: limits below the class's caps, where the policy lowers them for the rating. */
        limits?: { dailyCny: number; yearlyCny: number };
      } & Deadline,
    ): Promise<{ accountNumber: string } | { refused: 'PERSON_ACCOUNT_CAP_REACHED' }> {
      stopAtDeadline(input);
      const answer = await ports.coreBanking.openClassII(
        input.applicant,
        input.channel,
        input.applicationId,
        input.partnerId,
        {
          ...(input.idValidUntil !== undefined && { idValidUntil: input.idValidUntil }),
          ...(input.riskRating && { riskRating: input.riskRating }),
          ...(input.limits && { limits: input.limits }),
        },
      );
      return 'opened' in answer ? { accountNumber: answer.opened.accountNumber } : answer;
    },

    async bindAccount(
      input: {
        applicationId: string;
        accountNumber: string;
        boundAccount: BoundAccount;
      } & Deadline,
    ): Promise<void> {
      stopAtDeadline(input);
      await ports.coreBanking.bind(input.accountNumber, input.boundAccount, `${input.applicationId}:bind`);
    },

    /**
     * The account core banking opened for the application, if any: what settles an opening whose
     * answer never came (lost, off contract, or the deadline first). The opening is idempotent by
     * the application id, so core banking holds one at most; more is off its contract.
     */
    async findAccountOfApplication(input: { applicationId: string }): Promise<AccountOfApplication> {
      const accounts = await ports.coreBanking.findAccountsByReference(input.applicationId);
      const [account, ...more] = accounts;
      if (more.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `core banking holds ${accounts.length} accounts under one application's reference`,
          CONTRACT,
        );
      }
      if (!account) return { found: false };
      return { found: true, accountNumber: account.accountNumber, closed: account.status === 'CLOSED' };
    },

    /** eventId is chosen by the workflow, so every retry delivers the same event. */
    /** Apps are told coarse reasons, as in the API's answers; ops hear the detailed ones. */
    async notifyApp(event: Omit<AppEvent, 'occurredAt'>): Promise<{ attempts: number }> {
      const data = publicEventData(event.data ?? {});
      await ports.notifier.send({ ...event, data, occurredAt: new Date().toISOString() });
      return { attempts: Context.current().info.attempt };
    },

    async notifyOps(event: Omit<AppEvent, 'occurredAt'>): Promise<{ attempts: number }> {
      await ports.opsNotifier.send({ ...event, occurredAt: new Date().toISOString() });
      return { attempts: Context.current().info.attempt };
    },
  };
}

/** What core banking holds under an application's reference. */
export type AccountOfApplication = { found: false } | { found: true; accountNumber: string; closed: boolean };

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
