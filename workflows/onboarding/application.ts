/**
 * One application: its state, the view apps read, and the messages apps send it (the queries,
 * and the updates with their validators). The process it goes through is onboarding.ts.
 */
import {
  ApplicationFailure,
  condition,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type {
  ApplicationStatus,
  ApplicationView,
  OnboardingInput,
  Policy,
  ResendCodeResult,
  SubmitCodeResult,
} from '../../domain/application';
import { type FlowDefinition, flows } from '../../domain/flows';
import { policyWithDefaults } from '../../domain/policy-defaults';
import type { RiskRating } from '../../domain/risk-rating';
import type { RiskRule } from '../../domain/risk-rules';
import { SMS_CODE_MESSAGE, SMS_CODE_PATTERN } from '../../domain/sms-code';
import { pass, reject } from '../../domain/step-results';
import type { FailedStep, ReasonCode, StepResult } from '../../domain/steps';
import { checkOptions, REFUSED } from '../activity-options';
import type { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { isActivityFailure, providerFailure } from './failures';
import {
  awaitFirstAnswer,
  getApplication,
  getRequestFingerprint,
  resendSmsCode,
  submitSmsCode,
} from './messages';

/** What became of an account opened for an application that then failed. */
export type Restriction = 'PLACED' | 'FAILED';

export class Application {
  status: ApplicationStatus = 'CHECKING';
  readonly steps: StepResult[] = [];
  reasons: ReasonCode[] = [];
  accountNumber?: string;
  verificationId?: string;
  smsAttemptsLeft: number;
  /** True while a submitted code is with UnionPay, so a second submission waits its turn. */
  checkingCode = false;
  readonly flow: FlowDefinition;
  /** The input's policy, with defaults for settings added since (domain/policy.ts). */
  readonly policy: Policy;

  /** Flow v4: the intent, the punishment list, linked applicants and the rating (docs/flow-v4.md). */
  readonly v4: boolean;
  /** v4: this identity's rank on its device and its mobile (linked applicants). */
  links?: { rankOnDevice: number; rankOnMobile: number };
  /** v4: the rating the account opens with, and the rule that gave it (staff read both). */
  riskRating?: RiskRating;
  riskRule?: RiskRule;
  /** When the business deadline passes (workflow time, ms): the application's start plus the policy's deadline. */
  readonly deadlineAt: number;
  /** FAILED: where it stopped; and, for an account opened first, whether it was restricted. */
  failedStep?: FailedStep;
  restriction?: Restriction;
  /** Whether core banking opened an account for it: UNKNOWN after an open that neither answered nor was refused. */
  accountOpened: 'YES' | 'NO' | 'UNKNOWN' = 'NO';
  /** The ID card's end date as the photo check read it (YYYY-MM-DD or LONG): kept with the account. */
  idValidUntil: string | undefined;
  /** When the last code was sent and when it expires (workflow time, ms). */
  codeSentAt?: number;
  codeExpiresAt?: number;
  resendsUsed = 0;
  /** True while UnionPay sends a new code: no code is checked meanwhile (it would be the old one). */
  resending = false;

  constructor(
    readonly input: OnboardingInput,
    readonly outbox: Outbox,
    /** Alerts for the bank's operations team: not in the app's delivery log. */
    readonly opsOutbox: Outbox,
  ) {
    this.policy = policyWithDefaults(input.policy);
    this.smsAttemptsLeft = this.policy.smsCodeMaxAttempts;
    this.flow = flows[input.flowVersion];
    this.v4 = this.flow.intentAndDevice === true;
    this.deadlineAt = workflowInfo().startTime.getTime() + this.policy.applicationDeadlineSeconds * 1000;
  }

  /**
   * The queries and the updates, each update with its validator; before the workflow's first
   * await, so the update sent with the start finds its handler.
   */
  handleMessages(): void {
    setHandler(getApplication, () => this.view());
    setHandler(getRequestFingerprint, () => this.input.requestFingerprint);
    setHandler(awaitFirstAnswer, () => this.firstAnswer(), {
      validator: (fingerprint) => this.validateStart(fingerprint),
    });
    setHandler(submitSmsCode, (code) => this.submitSmsCode(code), {
      validator: (code) => this.validateSmsCode(code),
    });
    setHandler(resendSmsCode, () => this.resendSmsCode(), {
      validator: () => this.validateResend(),
    });
  }

  /** With a code to wait for, the app hears as soon as it may send it; without (v2), once decided. */
  async firstAnswer(): Promise<ApplicationView> {
    await condition(() => (this.flow.smsCode ? this.status !== 'CHECKING' : this.isDecided));
    return this.view();
  }

  validateStart(fingerprint: string): void {
    if (fingerprint !== this.input.requestFingerprint) {
      refuse('REQUEST_MISMATCH', 'this applicationId was already used with a different request');
    }
  }

  /** UnionPay checks the code; the answer is the opened account, the tries left, or the rejection. */
  async submitSmsCode(code: string): Promise<SubmitCodeResult> {
    this.checkingCode = true;
    let answer: Awaited<ReturnType<Activities['confirmSmsCode']>>;
    try {
      answer = await this.confirm(code);
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      this.fail('SMS_CODE', providerFailure(err));
      return { status: 'FAILED', reasons: this.reasons };
    } finally {
      this.checkingCode = false;
    }
    if (answer === 'OK') {
      this.record(pass('SMS_CODE'));
      this.status = 'OPENING';
      await condition(() => this.isDecided);
    } else if (answer === 'EXPIRED') {
      this.record(reject('SMS_CODE', 'SMS_CODE_EXPIRED'));
    } else {
      this.smsAttemptsLeft -= 1;
      if (this.smsAttemptsLeft > 0) return { status: 'WRONG_CODE', attemptsLeft: this.smsAttemptsLeft };
      this.record(reject('SMS_CODE', 'SMS_CODE_TRIES_EXHAUSTED'));
    }
    if (this.status === 'OPENED') {
      return {
        status: 'OPENED',
        accountNumber: this.accountNumber!,
        review: this.needsReview ? 'PENDING' : 'NONE',
      };
    }
    return this.status === 'FAILED'
      ? { status: 'FAILED', reasons: this.reasons }
      : { status: 'REJECTED', reasons: this.reasons };
  }

  /** The code to UnionPay, within what is left of the deadline. */
  private confirm(code: string) {
    return untilDeadline(this.deadlineAt).confirmSmsCode({
      verificationId: this.verificationId!,
      code,
      deadlineAt: new Date(this.deadlineAt).toISOString(),
    });
  }

  validateSmsCode(code: string): void {
    // A hand check, not smsCodeSchema: building a zod schema in workflow code costs every
    // application its evaluation (reuseV8Context evaluates modules per workflow).
    if (typeof code !== 'string' || !SMS_CODE_PATTERN.test(code))
      refuse('INVALID_CODE', `code ${SMS_CODE_MESSAGE}`);
    if (this.status !== 'AWAITING_SMS_CODE') {
      refuse('WRONG_STATE', `the application is ${this.status}, not waiting for a code`);
    }
    if (this.checkingCode) {
      refuse('CODE_IN_FLIGHT', 'a code for this application is being checked; try again in a moment');
    }
    if (this.resending) {
      refuse('CODE_IN_FLIGHT', 'a new code is being sent; enter it once it arrives');
    }
  }

  /** UnionPay sends a new code for the same verification; the tries left carry over. */
  async resendSmsCode(): Promise<ResendCodeResult> {
    this.resending = true;
    const resend = this.resendsUsed + 1;
    try {
      // The app waits on this call: half a minute at most, and never past the deadline.
      const giveUpAt = Math.min(this.deadlineAt, Date.now() + RESEND_WAIT_MS);
      const sent = await untilDeadline(giveUpAt).resendSmsCode({
        applicationId: this.input.applicationId,
        verificationId: this.verificationId!,
        resend,
        deadlineAt: new Date(giveUpAt).toISOString(),
      });
      this.resendsUsed = resend;
      this.codeSent(sent.codeExpiresAt);
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      // No new code went out: the last one still counts, until it expires.
      throw ApplicationFailure.create({
        type: 'RESEND_FAILED',
        message: 'UnionPay did not send a new code; the last code sent still counts until it expires',
        nonRetryable: true,
      });
    } finally {
      this.resending = false;
    }
    return { resendsLeft: this.resendsLeft };
  }

  validateResend(): void {
    if (!this.flow.smsCode) {
      refuse('WRONG_STATE', 'this application cannot be sent a new code');
    }
    if (this.status !== 'AWAITING_SMS_CODE') {
      refuse('WRONG_STATE', `the application is ${this.status}, not waiting for a code`);
    }
    if (this.checkingCode || this.resending) {
      refuse('CODE_IN_FLIGHT', 'a code for this application is being checked or sent; try again in a moment');
    }
    if (this.resendsLeft <= 0) {
      refuse(
        'RESENDS_EXHAUSTED',
        `no new codes are left (${this.policy.smsMaxResends} were allowed); enter the last code sent`,
      );
    }
    const waitMs = (this.codeSentAt ?? 0) + this.policy.smsResendIntervalSeconds * 1000 - Date.now();
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      refuse('RESEND_TOO_EARLY', `a new code may be asked for in ${seconds} s`, {
        retryAfterSeconds: seconds,
      });
    }
  }

  /** A code went out now; it lives until UnionPay's expiry, and no longer than the policy's wait. */
  codeSent(codeExpiresAt: string | undefined): void {
    const now = Date.now();
    const longest = now + this.policy.smsCodeWaitSeconds * 1000;
    const vendor = codeExpiresAt ? Date.parse(codeExpiresAt) : Number.NaN;
    this.codeSentAt = now;
    this.codeExpiresAt = Number.isFinite(vendor) ? Math.min(vendor, longest) : longest;
  }

  get resendsLeft(): number {
    return Math.max(0, this.policy.smsMaxResends - this.resendsUsed);
  }

  record(...results: StepResult[]): void {
    this.steps.push(...results);
    const rejected = results.filter((r) => r.outcome === 'REJECT');
    if (rejected.length > 0) this.reject(...rejected.flatMap((r) => r.reasons));
  }

  reject(...reasons: ReasonCode[]): void {
    this.status = 'REJECTED';
    this.reasons = reasons;
  }

  abandon(reason: ReasonCode): void {
    this.status = 'ABANDONED';
    this.reasons = [reason];
  }

  /** Terminal: the application could not finish at `step`. */
  fail(step: FailedStep, reason: ReasonCode): void {
    this.status = 'FAILED';
    this.failedStep = step;
    this.reasons = [reason];
  }

  get needsReview(): boolean {
    return this.steps.some((s) => s.outcome === 'REVIEW');
  }

  /**
   * True for an account found only after its opening's answer was lost: the application had
   * failed by then, and no review was started for its doubts.
   */
  foundAfterFailure = false;

  /** Whether a review runs on the account: PENDING where a doubt was handed to one. */
  get review(): 'PENDING' | 'NONE' {
    return this.needsReview && !this.foundAfterFailure ? 'PENDING' : 'NONE';
  }

  /** Every reason a step gave for a human look. */
  get reviewReasons(): ReasonCode[] {
    return this.steps.filter((s) => s.outcome === 'REVIEW').flatMap((s) => s.reasons);
  }

  get isDecided(): boolean {
    return (
      this.status === 'OPENED' ||
      this.status === 'REJECTED' ||
      this.status === 'ABANDONED' ||
      this.status === 'FAILED'
    );
  }

  view(): ApplicationView {
    const { applicationId, flowVersion, channel, partnerId, warnings } = this.input;
    const waiting = this.status === 'AWAITING_SMS_CODE';
    return {
      applicationId,
      status: this.status,
      flowVersion,
      channel,
      ...(partnerId && { partnerId }),
      steps: [...this.steps],
      warnings,
      deliveries: this.outbox.deliveries.map((d) => ({ ...d })),
      ...(this.reasons.length > 0 && { reasons: [...this.reasons] }),
      ...(waiting && { smsAttemptsLeft: this.smsAttemptsLeft }),
      ...(waiting && { smsResendsLeft: this.resendsLeft }),
      ...(this.failedStep && { failedStep: this.failedStep }),
      ...(this.accountNumber && {
        accountNumber: this.accountNumber,
        review: this.review,
      }),
      ...this.v4View(),
    };
  }

  /**
   * What staff read of a v4 application (apps never: domain/public-reasons.ts): the intent, the
   * device without its id or address, how many identities share the device and the mobile
   * (counts only, never who), the rating.
   */
  private v4View(): Partial<ApplicationView> {
    if (!this.v4) return {};
    const { intent, device } = this.input;
    return {
      ...(intent && { intent }),
      ...(device && {
        device: { platform: device.platform, ...(device.appVersion && { appVersion: device.appVersion }) },
      }),
      ...(this.links && {
        links: { identitiesOnDevice: this.links.rankOnDevice, identitiesOnMobile: this.links.rankOnMobile },
      }),
      ...(this.riskRating && { riskRating: this.riskRating }),
    };
  }
}

const RESEND_WAIT_MS = 30_000;

/**
 * The checks' local-activity options, bounded by what is left of the deadline: a vendor down
 * until then fails the call (each call also carries the deadline, which the activity checks
 * before each try: a local activity retried inside a workflow task can outlive its timeout).
 */
export function untilDeadline(deadlineAt: number) {
  const left = Math.max(1, deadlineAt - Date.now());
  return proxyLocalActivities<Activities>({
    ...checkOptions({ within: Math.ceil(left), maximumInterval: '10 seconds', final: [REFUSED] }),
    localRetryThreshold: RETRY_ON_A_TIMER,
  });
}

/**
 * A local activity's retry waits on a durable timer, never inside the workflow task: a task with a local activity in flight holds back the queries that
 * apps read an application with, so a vendor or core banking that fails keeps the task short and
 * the application readable (its status reads answer while it retries). The first try still runs
 * in the task; only a failed one costs a timer and a task.
 */
export const RETRY_ON_A_TIMER = '1 ms';
