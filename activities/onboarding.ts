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
import { pass, reject, review, type StepResult } from '../domain/steps';
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
 * The application's business deadline, when the workflow sends it (since the
 * no-stuck-applications patch): a vendor still failing once it has passed is given up for good
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
 * One check of a flow with its activity's input: the batch `runChecks` takes (since the
 * `fewer-workflow-tasks` patch) holds one of these per check.
 */
export type CheckCall =
  | { check: 'ID_DOCUMENT'; input: CheckIdDocumentInput & Deadline }
  | { check: 'IDENTITY' | 'WATCHLIST'; input: Pick<Applicant, 'name' | 'idNumber'> & Deadline }
  | { check: 'CARD_FOUR_ELEMENTS'; input: CardFourElementsInput & Deadline }
  | { check: 'CARD_THREE_ELEMENTS'; input: CardThreeElementsInput & Deadline }
  | { check: 'FACE'; input: FaceInput & Deadline };

/**
 * What one check of the batch came to: its activity's answer; a failure no retry changes (its
 * type: a refusal, a broken contract, a missing document, the deadline); or `retry`, a fault
 * that may pass, which the workflow then retries as that check's own local activity.
 */
export type CheckOutcome =
  | { check: CheckCall['check']; answer: CheckAnswer }
  | { check: CheckCall['check']; failedForGood: string }
  | { check: CheckCall['check']; retry: true };

export type CheckAnswer = StepResult | CardCheckAnswer | IdDocumentAnswer;
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
      const answer = await ports.face.verify(selfie, input.idNumber, `${input.applicationId}:face`);
      return classifyFace(answer);
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
        /**
         * Sent by applications started before core banking owned the per-person cap; read by no
         * one (core banking applies its own).
         */
        perPersonCap?: number;
        /** The ID card's validity read from its back (YYYY-MM-DD or LONG), kept with the account for the expiry sweep. */
        idValidUntil?: string;
      } & Deadline,
    ): Promise<{ accountNumber: string } | { refused: 'PERSON_ACCOUNT_CAP_REACHED' }> {
      stopAtDeadline(input);
      const answer = await ports.coreBanking.openClassII(
        input.applicant,
        input.channel,
        input.applicationId,
        input.partnerId,
        input.idValidUntil === undefined ? undefined : { idValidUntil: input.idValidUntil },
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
