/**
 * One application, from checks to an opened account, following its flow version
 * (domain/flows.ts): the version's independent checks at once, then (v1, v3) the SMS code, then
 * core banking. Rejections are answers, not failures; a step that says "review" still opens the
 * account. The v3 path keeps the commands it always had, so recorded v3 histories replay.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { type OnboardingInput, type SubmitCodeResult, smsCodeSchema } from '../../domain/application';
import { type CheckName, flows } from '../../domain/flows';
import type { ReviewInput } from '../../domain/review';
import { pass, type ReasonCode, reject, type StepResult } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { bank, checks } from '../activity-options';
import { Outbox } from '../outbox';
import { review } from '../review/review';
import { funnelSearchAttributes, reviewSearchAttributes } from '../search-attributes';
import { Application } from './application';
import { awaitFirstAnswer, getApplication, getRequestFingerprint, submitSmsCode } from './messages';

export async function onboarding(input: OnboardingInput): Promise<ReturnType<Application['view']>> {
  const app = new Application(input, new Outbox(input.policy.webhookGiveUpSeconds));
  const flow = flows[input.flowVersion];
  const { applicationId } = input;

  setHandler(getApplication, () => app.view());
  setHandler(getRequestFingerprint, () => input.requestFingerprint);
  setHandler(
    awaitFirstAnswer,
    async () => {
      // With a code to wait for, the app hears as soon as it may send it; without (v2), once decided.
      await condition(() => (flow.smsCode ? app.status !== 'CHECKING' : app.isDecided));
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

  // 1. The flow's independent checks, all at once; any rejection ends the application.
  app.record(...(await Promise.all(flow.checks.map((check) => runCheck(app, check)))));

  // 2. v1 and v3: the applicant confirms the code UnionPay sent to the card's reserved mobile.
  //    v2 has no code: the face check stood in for the reserved phone.
  if (app.status === 'CHECKING') {
    if (flow.smsCode) await awaitSmsCode(app);
    else app.status = 'OPENING';
  }

  // 3. Open the Class II account, bind the card, and hand any doubt to a review.
  if (app.status === 'OPENING') await openAndBind(app);

  // 4. Tell the app (and the funnel).
  publishFunnel(app);
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

/** One check of the flow as a local activity; the four-element check also keeps UnionPay's handle for the code. */
function runCheck(app: Application, check: CheckName): Promise<StepResult> {
  const { applicationId, applicant, boundAccount, documents } = app.input;
  const person = { name: applicant.name, idNumber: applicant.idNumber };
  switch (check) {
    case 'ID_DOCUMENT':
      return checks.checkIdDocument({ applicant: person, documents });
    case 'IDENTITY':
      return checks.checkIdentity(person);
    case 'WATCHLIST':
      return checks.screenWatchlist(person);
    case 'CARD_FOUR_ELEMENTS':
      return checks
        .checkCardFourElements({
          applicationId,
          applicant: { ...person, mobile: applicant.mobile! },
          cardNumber: boundAccount.number,
        })
        .then((card) => {
          app.verificationId = card.verificationId;
          return card.result;
        });
    case 'CARD_THREE_ELEMENTS':
      return checks.checkCardThreeElements({
        applicationId,
        applicant: person,
        cardNumber: boundAccount.number,
      });
    case 'FACE':
      return checks.checkFace({ applicationId, idNumber: applicant.idNumber, selfie: documents.selfie! });
  }
}

/** Waits for the code within the policy's time; the update handler checks it and moves the application on. */
async function awaitSmsCode(app: Application): Promise<void> {
  app.status = 'AWAITING_SMS_CODE';
  const answered = await condition(
    () => app.status !== 'AWAITING_SMS_CODE',
    app.input.policy.smsCodeWaitSeconds * 1000,
  );
  if (!answered) {
    await condition(() => !app.checkingCode);
    if (app.status === 'AWAITING_SMS_CODE') app.abandon('SMS_CODE_NOT_SUBMITTED');
  }
}

/**
 * Funnel search attributes, once per application when it is decided (a running application
 * counts as waiting at its SMS code). They arrived after the v1-v3 histories were recorded:
 * behind a patch, so those replay without them (docs/changing-workflows.md).
 */
function publishFunnel(app: Application): void {
  if (patched('funnel-search-attributes')) upsertSearchAttributes(funnelSearchAttributes(app));
}

/** Core banking refuses beyond the per-person cap; otherwise open now, review later. */
async function openAndBind(app: Application): Promise<void> {
  const { applicationId, applicant, boundAccount, channel, partnerId, policy } = app.input;
  const opened = await bank.openAccount({
    applicationId,
    applicant,
    channel,
    ...(partnerId && { partnerId }),
    perPersonCap: policy.classIIPerPersonCap,
  });
  if ('refused' in opened) {
    app.reject(opened.refused);
    return;
  }
  await bank.bindAccount({ applicationId, accountNumber: opened.accountNumber, boundAccount });
  // Open now, review later: the doubt goes to a review that outlives this workflow.
  if (app.needsReview) await startReview(app.input, opened.accountNumber, app.reviewReasons);
  app.accountNumber = opened.accountNumber;
  app.status = 'OPENED';
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
