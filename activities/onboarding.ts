/**
 * The onboarding activities, built from ports. Each answers a domain step result; only
 * transient faults throw (and are retried by Temporal). Idempotency keys are the application
 * id plus the step, so a retried call never opens a second account or sends a second bind.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Ports } from '../adapters/ports';
import type { AppEvent } from '../contracts/providers';
import type { Applicant, BoundAccount } from '../domain/applicant';
import type { RequestApplicant } from '../domain/application';
import { todayInChina } from '../domain/china-time';
import type { IdCardPhotos } from '../domain/documents';
import { classifyFace } from '../domain/face';
import { classifyFourElements, classifyThreeElements } from '../domain/four-elements';
import { classifyIdDocument } from '../domain/id-document';
import { publicReasons } from '../domain/public-reasons';
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
}

/** The onboarding and the review workflow both check ID photos: either names the application. */
function currentApplicationId(): string {
  const id = applicationIdOfWorkflow(Context.current().info.workflowExecution?.workflowId ?? '');
  if (!id) throw ApplicationFailure.nonRetryable('not run by an application workflow', 'MissingDocument');
  return id;
}

export function createOnboardingActivities(ports: Ports) {
  return {
    async checkIdDocument({ applicant, documents }: CheckIdDocumentInput): Promise<StepResult> {
      const { idFront, idBack } = documents;
      if (!idFront || !idBack) throw ApplicationFailure.nonRetryable('ID photos missing', 'MissingDocument');
      const applicationId = currentApplicationId();
      const [front, back] = await Promise.all([
        ports.documents.get(idFront, applicationId).then((img) => ports.idCards.read('FRONT', img)),
        ports.documents.get(idBack, applicationId).then((img) => ports.idCards.read('BACK', img)),
      ]);
      return classifyIdDocument(front, back, applicant, todayInChina());
    },

    async checkIdentity(applicant: Pick<Applicant, 'name' | 'idNumber'>): Promise<StepResult> {
      const result = await ports.identity.verify(applicant.name, applicant.idNumber);
      if (result === 'MATCH') return pass('IDENTITY');
      return reject('IDENTITY', result === 'MISMATCH' ? 'IDENTITY_MISMATCH' : 'IDENTITY_NOT_FOUND');
    },

    /** A possible match still opens the account (an operator looks); a confirmed one rejects. */
    async screenWatchlist(applicant: Pick<Applicant, 'name' | 'idNumber'>): Promise<StepResult> {
      const result = await ports.watchlist.screen(applicant.name, applicant.idNumber);
      if (result === 'CLEAR') return pass('WATCHLIST');
      return result === 'POSSIBLE_MATCH'
        ? review('WATCHLIST', 'WATCHLIST_POSSIBLE_MATCH')
        : reject('WATCHLIST', 'WATCHLIST_CONFIRMED_MATCH');
    },

    async checkCardFourElements(input: {
      applicationId: string;
      applicant: Applicant;
      cardNumber: string;
    }): Promise<CardCheckAnswer> {
      const answer = await ports.unionPay.checkFourElements(
        input.applicant,
        input.cardNumber,
        `${input.applicationId}:four-elements`,
      );
      return { result: classifyFourElements(answer.result), verificationId: answer.verificationId };
    },

    /** Flow v2: name, ID number and card, no reserved mobile and no SMS code. */
    async checkCardThreeElements(input: {
      applicationId: string;
      applicant: Pick<Applicant, 'name' | 'idNumber'>;
      cardNumber: string;
    }): Promise<StepResult> {
      const result = await ports.unionPay.checkThreeElements(
        input.applicant,
        input.cardNumber,
        `${input.applicationId}:three-elements`,
      );
      return classifyThreeElements(result);
    },

    /** Flow v2: liveness of the selfie and its likeness to the register's photo. */
    async checkFace(input: { applicationId: string; idNumber: string; selfie: string }): Promise<StepResult> {
      const selfie = await ports.documents.get(input.selfie, input.applicationId);
      const answer = await ports.face.verify(selfie, input.idNumber, `${input.applicationId}:face`);
      return classifyFace(answer);
    },

    async confirmSmsCode(input: { verificationId: string; code: string }) {
      return ports.unionPay.confirmSmsCode(input.verificationId, input.code);
    },

    async openAccount(input: {
      applicationId: string;
      applicant: RequestApplicant;
      channel: string;
      /** Present for the PARTNER channel: the account is dedicated to that partner. */
      partnerId?: string;
      perPersonCap: number;
    }): Promise<{ accountNumber: string } | { refused: 'PERSON_ACCOUNT_CAP_REACHED' }> {
      const answer = await ports.coreBanking.openClassII(
        input.applicant,
        input.channel,
        input.perPersonCap,
        input.applicationId,
        input.partnerId,
      );
      return 'opened' in answer ? { accountNumber: answer.opened.accountNumber } : answer;
    },

    async bindAccount(input: {
      applicationId: string;
      accountNumber: string;
      boundAccount: BoundAccount;
    }): Promise<void> {
      await ports.coreBanking.bind(input.accountNumber, input.boundAccount, `${input.applicationId}:bind`);
    },

    /** eventId is chosen by the workflow, so every retry delivers the same event. */
    /** Apps are told coarse reasons, as in the API's answers; ops hear the detailed ones. */
    async notifyApp(event: Omit<AppEvent, 'occurredAt'>): Promise<{ attempts: number }> {
      const reasons = event.data?.reasons;
      const data = Array.isArray(reasons) ? { ...event.data, reasons: publicReasons(reasons) } : event.data;
      await ports.notifier.send({ ...event, data, occurredAt: new Date().toISOString() });
      return { attempts: Context.current().info.attempt };
    },

    async notifyOps(event: Omit<AppEvent, 'occurredAt'>): Promise<{ attempts: number }> {
      await ports.opsNotifier.send({ ...event, occurredAt: new Date().toISOString() });
      return { attempts: Context.current().info.attempt };
    },
  };
}

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
