/**
 * One application, from checks to an opened account, following its flow version
 * (domain/flows.ts): the version's independent checks at once, then (v1, v3) the SMS code, then
 * core banking. Rejections are answers, not failures; a step that says "review" still opens the
 * account. What apps ask and send a running application (queries, updates, validators) is
 * application.ts.
 *
 * An application always ends in a documented terminal state (OPENED, REJECTED, ABANDONED or
 * FAILED, each with its webhook): a business deadline bounds every wait and call; a refusal for
 * good, a broken contract, a missing document or the deadline ends the application as FAILED; an
 * account opened before such a failure is restricted at once and ops are alerted; the review,
 * where one is due, starts before the bind (the one step after opening that can fail); the funnel
 * sees an application waiting for its code. An opening settles before the application answers: a
 * doubt that restricts is held before OPENED, and an opening whose outcome is unknown is looked up
 * in core banking by the application's reference.
 */
import {
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type {
  AccountOfApplication,
  CardCheckAnswer,
  CheckAnswer,
  CheckCall,
  CheckOutcome,
  LinkedApplicantsAnswer,
} from '../../activities/onboarding';
import type { ApplicationView, OnboardingInput } from '../../domain/application';
import type { CheckName } from '../../domain/flows';
import { defaultPolicy } from '../../domain/policy-defaults';
import type { ReviewInput } from '../../domain/review';
import { rateRisk } from '../../domain/risk-rules';
import { pass, reject } from '../../domain/step-results';
import type { ReasonCode, StepResult } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { coreBankingOptions, REFUSED } from '../activity-options';
import { Outbox } from '../outbox';
import type { review } from '../review/review';
import { funnelSearchAttributes, newReviewSearchAttributes } from '../search-attributes';
import { Application, RETRY_ON_A_TIMER, untilDeadline } from './application';
import { failureReason, isActivityFailure, providerFailure, reasonOfFailureType } from './failures';

export async function onboarding(input: OnboardingInput): Promise<ApplicationView> {
  const app = new Application(
    input,
    new Outbox(input.policy.webhookGiveUpSeconds, input.partnerId),
    new Outbox(input.policy.webhookGiveUpSeconds),
  );
  app.handleMessages();

  // 0. v4: an applicant who does not declare that the account will not be rented, sold or lent
  //    is rejected before anything is checked (the law's 开户意愿; INTENT_NOT_CONFIRMED).
  if (app.v4) app.record(confirmIntent(app.input.intent));

  // 1. The flow's independent checks, all at once; any rejection ends the application.
  if (app.status === 'CHECKING') await runChecks(app);

  // 2. v1 and v3: the applicant confirms the code UnionPay sent to the card's reserved mobile.
  //    v2 has no code: the face check stood in for the reserved phone.
  if (app.status === 'CHECKING') {
    if (!app.flow.smsCode) app.status = 'OPENING';
    else await awaitSmsCodeWhileItLives(app);
  }

  // 3. Open the Class II account, bind the card, and hand any doubt to a review.
  if (app.status === 'OPENING') {
    if (app.v4) rate(app);
    await openReviewAndBind(app);
  }

  // 4. Tell the funnel, the app and, when it failed, ops.
  publishFunnel(app);
  announceDecision(app);

  await Promise.all([app.outbox.settled(), app.opsOutbox.settled()]);
  await condition(allHandlersFinished);
  return app.view();
}

/** Each check's own local activity, for a check retried alone. */
const ACTIVITY_OF_CHECK = {
  ID_DOCUMENT: 'checkIdDocument',
  IDENTITY: 'checkIdentity',
  WATCHLIST: 'screenWatchlist',
  CARD_FOUR_ELEMENTS: 'checkCardFourElements',
  CARD_THREE_ELEMENTS: 'checkCardThreeElements',
  FACE: 'checkFace',
  PUNISHMENT_LIST: 'checkPunishmentList',
  LINKED_APPLICANTS: 'checkLinkedApplicants',
} as const satisfies Record<CheckName, keyof Activities>;

/** One check of the flow as a local activity of its own; each call carries the application's deadline. */
function runCheck(
  app: Application,
  check: CheckName,
  activities: ReturnType<typeof untilDeadline>,
  deadline: { deadlineAt: string },
): Promise<StepResult> {
  const { input } = checkCall(app, check, deadline);
  // The activity named for the check takes that check's input (checkCall builds both from `check`).
  const activity = activities[ACTIVITY_OF_CHECK[check]] as (
    input: CheckCall['input'],
  ) => Promise<CheckAnswer>;
  return activity(input).then((answer) => absorb(app, check, answer));
}

/** What a check's activity is asked: the applicant's elements it checks, and the deadline. */
function checkCall(app: Application, check: CheckName, deadline: { deadlineAt: string }): CheckCall {
  const { applicationId, applicant, boundAccount, documents } = app.input;
  const person = { name: applicant.name, idNumber: applicant.idNumber };
  switch (check) {
    case 'ID_DOCUMENT':
      return { check, input: { applicant: person, documents, ...deadline } };
    case 'IDENTITY':
    case 'WATCHLIST':
      return { check, input: { ...person, ...deadline } };
    case 'CARD_FOUR_ELEMENTS':
      return {
        check,
        input: {
          applicationId,
          applicant: { ...person, mobile: applicant.mobile! },
          cardNumber: boundAccount.number,
          ...deadline,
        },
      };
    case 'CARD_THREE_ELEMENTS':
      return {
        check,
        input: { applicationId, applicant: person, cardNumber: boundAccount.number, ...deadline },
      };
    case 'FACE':
      return {
        check,
        input: {
          applicationId,
          idNumber: applicant.idNumber,
          name: applicant.name,
          selfie: documents.selfie!,
          ...deadline,
        },
      };
    case 'PUNISHMENT_LIST':
      return { check, input: { idNumber: applicant.idNumber, ...deadline } };
    case 'LINKED_APPLICANTS': {
      const { windowSeconds, identitiesAt } = linkedApplicantsPolicy(app);
      return {
        check,
        input: {
          idNumber: applicant.idNumber,
          // The start request's schema requires a device in v4, the only flow with this check.
          deviceId: app.input.device!.deviceId,
          ...(applicant.mobile && { mobile: applicant.mobile }),
          // The application's start, not the call's: a retried check counts as of the same moment.
          at: workflowInfo().startTime.toISOString(),
          windowSeconds,
          identitiesAt,
          ...deadline,
        },
      };
    }
  }
}

/** The policy's linked-applicants settings (defaults for an input that lacks them). */
const linkedApplicantsPolicy = (app: Application) =>
  app.policy.linkedApplicants ?? defaultPolicy.linkedApplicants!;

/** v4's first step: the declaration must be `true` itself, not merely present. */
const confirmIntent = (intent: OnboardingInput['intent']): StepResult =>
  intent?.declaresNoRentOrSale === true ? pass('INTENT') : reject('INTENT', 'INTENT_NOT_CONFIRMED');

/**
 * v4: the rating from what the checks found (domain/risk-rules.ts), taken once they all passed
 * (and the code, where the flow has one), before the account is opened with it.
 */
function rate(app: Application): void {
  const verdict = rateRisk({
    doubts: app.reviewReasons,
    rankOnDevice: app.links?.rankOnDevice ?? 0,
    rankOnMobile: app.links?.rankOnMobile ?? 0,
    identitiesAt: linkedApplicantsPolicy(app).identitiesAt,
    channel: app.input.channel,
    ...(app.input.intent && { purpose: app.input.intent.purpose }),
  });
  app.riskRating = verdict.rating;
  app.riskRule = verdict.rule;
}

/** What the opening sends core banking beyond v3's: the rating, and the policy's lower limits for HIGH. */
function ratingAtOpening(app: Application) {
  if (!app.riskRating) return {};
  const limits = app.riskRating === 'HIGH' ? app.policy.highRiskLimits : undefined;
  return { riskRating: app.riskRating, ...(limits && { limits }) };
}

/**
 * A check's answer as a step result. The card's end date goes to core banking with the account
 * (the expiry lifecycle), not into the steps; the four-element check keeps UnionPay's handle for
 * the code.
 */
function absorb(app: Application, check: CheckName, answer: CheckAnswer): StepResult {
  if (check === 'ID_DOCUMENT') {
    const { validUntil, ...result } = answer as StepResult & { validUntil?: string };
    app.idValidUntil = validUntil;
    return result;
  }
  if (check === 'LINKED_APPLICANTS') {
    const { result, rankOnDevice, rankOnMobile } = answer as LinkedApplicantsAnswer;
    app.links = { rankOnDevice, rankOnMobile };
    return result;
  }
  if (check === 'CARD_FOUR_ELEMENTS') {
    const card = answer as CardCheckAnswer;
    app.verificationId = card.verificationId;
    if (card.verificationId) app.codeSent(card.codeExpiresAt);
    return card.result;
  }
  return answer as StepResult;
}

/** A check that answered, or the reason it could not. */
type Settled = { check: CheckName; result: StepResult } | { check: CheckName; reason: ReasonCode };

const settle = (check: CheckName, result: Promise<StepResult>): Promise<Settled> =>
  result.then(
    (r) => ({ check, result: r }),
    (err: unknown) => {
      if (!isActivityFailure(err)) throw err;
      return { check, reason: providerFailure(err) };
    },
  );

/**
 * The checks within the deadline. A rejection is an answer and wins: the application is
 * rejected with every reason given. Otherwise a check that could not answer (refused for good, a
 * broken contract, a missing document, the deadline) fails the application at the first such
 * step of the flow. They go in one local activity: one activation and one history event for all
 * of them, where one each would cost its own.
 */
async function runChecks(app: Application): Promise<void> {
  const activities = untilDeadline(app.deadlineAt);
  const deadline = { deadlineAt: new Date(app.deadlineAt).toISOString() };
  const settled = await runChecksInOneCall(app, activities, deadline);
  const results = settled.flatMap((s) => ('result' in s ? [s.result] : []));
  app.record(...results);
  const failed = settled.find((s) => 'reason' in s);
  if (app.status === 'CHECKING' && failed && 'reason' in failed) app.fail(failed.check, failed.reason);
}

/**
 * Every check tried once in one call, in the flow's order; a check whose fault may pass is then
 * retried alone, as its own local activity, until the deadline. Should the call itself fail (its
 * attempt timed out, or the deadline came), every check goes its own way.
 */
async function runChecksInOneCall(
  app: Application,
  activities: ReturnType<typeof untilDeadline>,
  deadline: { deadlineAt: string },
): Promise<Settled[]> {
  let outcomes: CheckOutcome[];
  try {
    outcomes = await activities.runChecks({
      calls: app.flow.checks.map((check) => checkCall(app, check, deadline)),
    });
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    outcomes = app.flow.checks.map((check) => ({ check, retry: true }));
  }
  return Promise.all(
    outcomes.map((o): Settled | Promise<Settled> => {
      if ('answer' in o) return { check: o.check, result: absorb(app, o.check, o.answer) };
      if ('failedForGood' in o) {
        return {
          check: o.check,
          reason: reasonOfFailureType(o.failedForGood, 'PROVIDER_REFUSED', 'PROVIDER_CONTRACT_ERROR'),
        };
      }
      return settle(o.check, runCheck(app, o.check, activities, deadline));
    }),
  );
}

/**
 * Waits for the code as long as the code lives (UnionPay's expiry, capped by the policy's wait),
 * and again for each new code the app asks for; never past the deadline. A code or a new code in
 * flight when the time is up is let finish. Abandoned when the last code expired unanswered;
 * FAILED when the deadline came first.
 */
async function awaitSmsCodeWhileItLives(app: Application): Promise<void> {
  app.status = 'AWAITING_SMS_CODE';
  upsertSearchAttributes(funnelAttributes(app));
  while (app.status === 'AWAITING_SMS_CODE') {
    const sentAt = app.codeSentAt;
    const until = Math.min(app.codeExpiresAt ?? app.deadlineAt, app.deadlineAt);
    const waitMs = Math.ceil(until - Date.now());
    const moved =
      waitMs > 0 &&
      (await conditionOrLapse(() => app.status !== 'AWAITING_SMS_CODE' || app.codeSentAt !== sentAt, waitMs));
    if (moved) continue;
    await condition(() => !app.checkingCode && !app.resending);
    if (app.status !== 'AWAITING_SMS_CODE' || app.codeSentAt !== sentAt) continue;
    if (Date.now() >= app.deadlineAt && (app.codeExpiresAt ?? 0) > app.deadlineAt) {
      app.fail('SMS_CODE', 'DEADLINE_EXCEEDED');
    } else {
      app.abandon('SMS_CODE_NOT_SUBMITTED');
    }
  }
}

/**
 * `condition(fn, ms)` without its cancel: true once `fn` holds, false once `ms` have passed. The
 * timer is left to lapse rather than cancelled when `fn` comes first: a cancel is a history event
 * on every application that sends its code, and a timer still pending when the workflow ends costs
 * nothing (one that fires while the application goes on only wakes it to look again).
 */
async function conditionOrLapse(fn: () => boolean, ms: number): Promise<boolean> {
  let lapsed = false;
  void sleep(ms).then(() => {
    lapsed = true;
  });
  await condition(() => lapsed || fn());
  return fn();
}

/** Core banking's calls, retried until it answers, but never past the deadline; a refusal is final. */
const bankUntilOptions = (deadlineAt: number) =>
  coreBankingOptions({ within: Math.max(1, Math.ceil(deadlineAt - Date.now())), final: [REFUSED] });

const bankUntil = (deadlineAt: number) => proxyActivities<Activities>(bankUntilOptions(deadlineAt));

/**
 * Core banking's open and bind as local activities: the first try runs in the workflow task of
 * the code, which saves a workflow task, three activity events and a server round trip each; a
 * retry waits on a durable timer (RETRY_ON_A_TIMER). Each call carries the deadline, which the
 * activity checks before each try.
 */
function coreBanking(app: Application) {
  const activities = proxyLocalActivities<Activities>({
    ...bankUntilOptions(app.deadlineAt),
    localRetryThreshold: RETRY_ON_A_TIMER,
  });
  const deadlineAt = new Date(app.deadlineAt).toISOString();
  return {
    openAccount: (input: Parameters<Activities['openAccount']>[0]) =>
      activities.openAccount({ ...input, deadlineAt }),
    bindAccount: (input: Parameters<Activities['bindAccount']>[0]) =>
      activities.bindAccount({ ...input, deadlineAt }),
  };
}

/**
 * Opens the account (core banking applies its per-person cap), starts the review where one is
 * due, then binds the card. A refusal or broken contract fails the application; once the
 * account exists, it is restricted at once (the policy's hold), and ops hear either way.
 */
async function openReviewAndBind(app: Application): Promise<void> {
  const { applicationId, applicant, boundAccount, channel, partnerId } = app.input;
  if (Date.now() >= app.deadlineAt) return app.fail('OPEN_ACCOUNT', 'DEADLINE_EXCEEDED');
  let opened: Awaited<ReturnType<Activities['openAccount']>>;
  app.accountOpened = 'UNKNOWN';
  try {
    opened = await coreBanking(app).openAccount({
      applicationId,
      applicant,
      channel,
      ...(partnerId && { partnerId }),
      ...(app.idValidUntil && { idValidUntil: app.idValidUntil }),
      ...ratingAtOpening(app),
    });
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    const reason = failureReason(err, 'ACCOUNT_OPENING_REFUSED', 'CORE_BANKING_CONTRACT_ERROR');
    // Refused: nothing was opened. A broken answer or the deadline: core banking may hold one.
    if (reason === 'ACCOUNT_OPENING_REFUSED') app.accountOpened = 'NO';
    app.fail('OPEN_ACCOUNT', reason);
    if (app.accountOpened === 'UNKNOWN') await settleUnknownOpening(app);
    return;
  }
  app.accountOpened = 'refused' in opened ? 'NO' : 'YES';
  if ('refused' in opened) return app.reject(opened.refused);
  app.accountNumber = opened.accountNumber;

  // The doubt has its owner before anything else can fail: a review that outlives this workflow.
  if (app.needsReview) await startReview(app.input, opened.accountNumber, app.reviewReasons);

  const doubtHold = restrictingDoubtHold(app, opened.accountNumber);
  if (doubtHold) {
    try {
      await bankUntil(app.deadlineAt).placeHold(doubtHold);
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      // Never OPENED with a doubt that restricts and no restriction: failed, and frozen instead.
      app.fail('OPEN_ACCOUNT', failureReason(err, 'ACCOUNT_OPENING_REFUSED', 'CORE_BANKING_CONTRACT_ERROR'));
      await restrict(app, opened.accountNumber);
      return;
    }
  }

  try {
    await coreBanking(app).bindAccount({
      applicationId,
      accountNumber: opened.accountNumber,
      boundAccount,
    });
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    app.fail('BIND_ACCOUNT', failureReason(err, 'ACCOUNT_BINDING_REFUSED', 'CORE_BANKING_CONTRACT_ERROR'));
    await restrict(app, opened.accountNumber);
    return;
  }
  app.status = 'OPENED';
}

/**
 * The receive-only hold (只收不付) the review places for a doubt in its policy's
 * `restrictingReasons` (workflows/review/review.ts, `restrictForDoubts`): the same id, type and
 * reason, so core banking keeps one hold and the review's own placement changes nothing (a
 * repeated hold id is the same hold, sent under the same Idempotency-Key with the same body).
 * Placed by the onboarding too, so that OPENED is never answered before it lands. Undefined when no doubt restricts.
 */
function restrictingDoubtHold(app: Application, accountNumber: string) {
  const restricting = app.input.policy.review.restrictingReasons;
  const doubts = app.reviewReasons.filter((reason) => restricting.includes(reason));
  if (doubts.length === 0) return undefined;
  return {
    accountNumber,
    holdId: `${reviewWorkflowId(app.input.applicationId)}:doubt:RECEIVE_ONLY`,
    type: 'RECEIVE_ONLY' as const,
    reason: doubts.join(','),
  };
}

/**
 * An opening that neither answered nor was refused (its answer lost or off contract, or the
 * deadline first), settled by reading core banking by the application's reference instead of leaving it to reconciliation: an account found is the
 * application's, and is restricted like one whose bind failed (the policy's hold, ops told, loudly
 * if the hold fails too); none found, nothing was opened. Restricted, not closed: the state ops and
 * reconciliation already know, and one a person can undo, where closing is final and an account
 * that money reached cannot close anyway. No review is started for a doubt: the account is frozen
 * and ops settle it. Should core banking not answer the read in the policy's time, it stays
 * UNKNOWN, for ops and reconciliation as before.
 */
async function settleUnknownOpening(app: Application): Promise<void> {
  let found: AccountOfApplication;
  try {
    found = await afterFailure(app).findAccountOfApplication({ applicationId: app.input.applicationId });
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    return;
  }
  if (!found.found) {
    app.accountOpened = 'NO';
    return;
  }
  app.accountOpened = 'YES';
  app.accountNumber = found.accountNumber;
  app.foundAfterFailure = true;
  if (!found.closed) await restrict(app, found.accountNumber);
}

/** The hold on an account whose application failed: idempotent by its id, retried for the policy's time. */
export const failedApplicationHoldId = (applicationId: string) => `application-${applicationId}:failed`;

/** Core banking's calls once the application has failed: retried for the policy's time, past the deadline. */
const afterFailure = ({ policy }: Application) =>
  proxyActivities<Activities>(
    coreBankingOptions({ within: policy.restrictionGiveUpSeconds * 1000, final: [REFUSED] }),
  );

async function restrict(app: Application, accountNumber: string): Promise<void> {
  const { policy } = app;
  const activities = afterFailure(app);
  try {
    await activities.placeHold({
      accountNumber,
      holdId: failedApplicationHoldId(app.input.applicationId),
      type: policy.failedAccountRestriction,
      reason: 'APPLICATION_FAILED',
    });
    app.restriction = 'PLACED';
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    app.restriction = 'FAILED';
  }
}

function startReview(input: OnboardingInput, accountNumber: string, reasons: ReasonCode[]) {
  const reviewInput: ReviewInput = {
    applicationId: input.applicationId,
    accountNumber,
    flowVersion: input.flowVersion,
    channel: input.channel,
    ...(input.partnerId && { partnerId: input.partnerId }),
    applicant: { name: input.applicant.name, idNumber: input.applicant.idNumber },
    reasons,
    policy: input.policy.review,
    // The photos staff judge (the console's case file).
    ...(input.documents.idFront &&
      input.documents.idBack && {
        documents: { idFront: input.documents.idFront, idBack: input.documents.idBack },
      }),
  };
  return startChild<typeof review>('review', {
    workflowId: reviewWorkflowId(input.applicationId),
    args: [reviewInput],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    memo: { accountNumber },
    typedSearchAttributes: newReviewSearchAttributes(reasons, input),
  });
}

/** The funnel's search attributes as the application stands, where it failed included. */
const funnelAttributes = (app: Application) => funnelSearchAttributes(app, app.failedStep);

/** Funnel search attributes when the application is decided (and when it starts waiting for its code). */
function publishFunnel(app: Application): void {
  upsertSearchAttributes(funnelAttributes(app));
}

/** The decision's webhook: the opened account, why the application was rejected, or why it failed. */
function announceDecision(app: Application): void {
  const { applicationId, partnerId, channel } = app.input;
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
  } else if (app.status === 'FAILED') {
    // The app hears that it failed, never of an account: one opened first is the bank's to settle.
    app.outbox.send({
      eventId: `${applicationId}:APPLICATION_FAILED`,
      type: 'APPLICATION_FAILED',
      applicationId,
      data: { reasons: app.reasons, failedStep: app.failedStep },
    });
    const account = app.accountNumber
      ? {
          accountNumber: app.accountNumber,
          restriction: app.restriction,
          hold: app.restriction === 'PLACED' ? app.policy.failedAccountRestriction : 'NONE',
          review: app.review,
        }
      : {};
    app.opsOutbox.send(
      {
        eventId: `${applicationId}:OPS_APPLICATION_FAILED`,
        type: 'OPS_APPLICATION_FAILED',
        applicationId,
        data: {
          reasons: app.reasons,
          failedStep: app.failedStep,
          channel,
          ...(partnerId && { partnerId }),
          // UNKNOWN: core banking may hold an account for it that nobody knows of; reconciliation will tell.
          accountOpened: app.accountOpened,
          ...account,
        },
      },
      'ops',
    );
    if (app.restriction === 'FAILED') {
      app.opsOutbox.send(
        {
          eventId: `${applicationId}:OPS_ACCOUNT_NOT_RESTRICTED`,
          type: 'OPS_ACCOUNT_NOT_RESTRICTED',
          applicationId,
          data: {
            severity: 'CRITICAL',
            accountNumber: app.accountNumber,
            wanted: app.policy.failedAccountRestriction,
            holdId: failedApplicationHoldId(applicationId),
            action: 'restrict this account by hand now: its application failed and money could move',
          },
        },
        'ops',
      );
    }
  }
}
