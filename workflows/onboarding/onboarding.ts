/**
 * One application, from checks to an opened account. Runs the v3 steps in order: the
 * independent checks at once, then the SMS code, then core banking. Rejections are answers,
 * not failures; a step that says "review" still opens the account.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { type OnboardingInput, type SubmitCodeResult, smsCodeSchema } from '../../domain/application';
import type { ReviewInput } from '../../domain/review';
import { pass, type ReasonCode, reject } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { Outbox } from '../outbox';
import { review } from '../review/review';
import { reviewSearchAttributes } from '../search-attributes';
import { Application } from './application';
import { awaitFirstAnswer, getApplication, getRequestFingerprint, submitSmsCode } from './messages';

const NOT_RETRYABLE = ['ProviderContractError'];

/**
 * The checks are short, idempotent vendor calls: as local activities they run inside the
 * workflow task that asked for them, which saves a server round trip and three history events
 * each. A vendor down for longer than a minute turns their retries into durable timers.
 */
const checks = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: NOT_RETRYABLE },
});

/** Core banking and notifications must happen once started: they retry until the system answers. */
const bank = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: NOT_RETRYABLE },
});

export async function onboarding(input: OnboardingInput): Promise<ReturnType<Application['view']>> {
  const app = new Application(input, new Outbox(input.policy.webhookGiveUpSeconds));
  const { applicationId, applicant, boundAccount, policy } = input;

  setHandler(getApplication, () => app.view());
  setHandler(getRequestFingerprint, () => input.requestFingerprint);
  setHandler(
    awaitFirstAnswer,
    async () => {
      await condition(() => app.status !== 'CHECKING');
      return app.view();
    },
    {
      validator: (fingerprint) =>
        refuseIf(
          fingerprint !== input.requestFingerprint,
          'REQUEST_MISMATCH',
          'this applicationId was already used with a different request',
        ),
    },
  );
  setHandler(submitSmsCode, (code) => checkSmsCode(app, code), {
    validator: (code) => {
      const parsed = smsCodeSchema.safeParse(code);
      refuseIf(!parsed.success, 'INVALID_CODE', `code ${parsed.error?.issues[0]?.message}`);
      refuseIf(
        app.status !== 'AWAITING_SMS_CODE',
        'WRONG_STATE',
        `the application is ${app.status}, not waiting for a code`,
      );
      refuseIf(
        app.checkingCode,
        'CODE_IN_FLIGHT',
        'a code for this application is being checked; try again in a moment',
      );
    },
  });

  const person = { name: applicant.name, idNumber: applicant.idNumber };
  const [idDocument, identity, watchlist, card] = await Promise.all([
    checks.checkIdDocument({ applicant: person, documents: input.documents }),
    checks.checkIdentity(person),
    checks.screenWatchlist(person),
    checks.checkCardFourElements({ applicationId, applicant, cardNumber: boundAccount.number }),
  ]);
  app.record(idDocument, identity, watchlist, card.result);

  if (app.status === 'CHECKING') {
    app.verificationId = card.verificationId;
    app.status = 'AWAITING_SMS_CODE';
    const answered = await condition(
      () => app.status !== 'AWAITING_SMS_CODE',
      policy.smsCodeWaitSeconds * 1000,
    );
    if (!answered) {
      await condition(() => !app.checkingCode);
      if (app.status === 'AWAITING_SMS_CODE') app.abandon('SMS_CODE_NOT_SUBMITTED');
    }
  }

  if (app.status === 'OPENING') {
    const opened = await bank.openAccount({
      applicationId,
      applicant,
      channel: input.channel,
      perPersonCap: policy.classIIPerPersonCap,
    });
    if ('refused' in opened) {
      app.reject(opened.refused);
    } else {
      await bank.bindAccount({ applicationId, accountNumber: opened.accountNumber, boundAccount });
      // Open now, review later: the doubt goes to a review that outlives this workflow.
      if (app.needsReview) await startReview(input, opened.accountNumber, app.reviewReasons);
      app.accountNumber = opened.accountNumber;
      app.status = 'OPENED';
    }
  }

  if (app.status === 'OPENED') {
    app.outbox.send({
      eventId: `${applicationId}:ACCOUNT_OPENED`,
      type: 'ACCOUNT_OPENED',
      applicationId,
      data: { accountNumber: app.accountNumber, review: app.needsReview ? 'PENDING' : 'NONE' },
    });
  } else if (app.status === 'REJECTED') {
    app.outbox.send({
      eventId: `${applicationId}:APPLICATION_REJECTED`,
      type: 'APPLICATION_REJECTED',
      applicationId,
      data: { reasons: app.reasons },
    });
  }

  await app.outbox.settled();
  await condition(allHandlersFinished);
  return app.view();
}

function startReview(input: OnboardingInput, accountNumber: string, reasons: ReasonCode[]) {
  const reviewInput: ReviewInput = {
    applicationId: input.applicationId,
    accountNumber,
    flowVersion: input.flowVersion,
    channel: input.channel,
    applicant: { name: input.applicant.name, idNumber: input.applicant.idNumber },
    reasons,
    policy: input.policy.review,
  };
  return startChild(review, {
    workflowId: reviewWorkflowId(input.applicationId),
    args: [reviewInput],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    memo: { accountNumber },
    typedSearchAttributes: reviewSearchAttributes({
      status: 'PENDING',
      reasons,
      round: 1,
      escalated: false,
      hold: 'NONE',
      input,
    }),
  });
}

async function checkSmsCode(app: Application, code: string): Promise<SubmitCodeResult> {
  app.checkingCode = true;
  let answer: Awaited<ReturnType<Activities['confirmSmsCode']>>;
  try {
    answer = await checks.confirmSmsCode({ verificationId: app.verificationId!, code });
  } finally {
    app.checkingCode = false;
  }
  if (answer === 'OK') {
    app.record(pass('SMS_CODE'));
    app.status = 'OPENING';
    await condition(() => app.isDecided);
  } else if (answer === 'EXPIRED') {
    app.record(reject('SMS_CODE', 'SMS_CODE_EXPIRED'));
  } else {
    app.smsAttemptsLeft -= 1;
    if (app.smsAttemptsLeft > 0) return { status: 'WRONG_CODE', attemptsLeft: app.smsAttemptsLeft };
    app.record(reject('SMS_CODE', 'SMS_CODE_TRIES_EXHAUSTED'));
  }
  return app.status === 'OPENED'
    ? { status: 'OPENED', accountNumber: app.accountNumber!, review: app.needsReview ? 'PENDING' : 'NONE' }
    : { status: 'REJECTED', reasons: app.reasons };
}

/** Validators answer at once and write nothing to history; the type tells the API which 4xx. */
function refuseIf(refused: boolean, type: string, message: string): void {
  if (refused) throw ApplicationFailure.create({ type, message, nonRetryable: true });
}
