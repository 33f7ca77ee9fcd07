/**
 * One application: its state, the view apps read, and the messages apps send it (the queries,
 * and the updates with their validators). The process it goes through is onboarding.ts.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  type ApplicationStatus,
  type ApplicationView,
  type OnboardingInput,
  type SubmitCodeResult,
  smsCodeSchema,
} from '../../domain/application';
import { type FlowDefinition, flows } from '../../domain/flows';
import { pass, type ReasonCode, reject, type StepResult } from '../../domain/steps';
import { checks } from '../activity-options';
import type { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { awaitFirstAnswer, getApplication, getRequestFingerprint, submitSmsCode } from './messages';

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

  constructor(
    readonly input: OnboardingInput,
    readonly outbox: Outbox,
  ) {
    this.smsAttemptsLeft = input.policy.smsCodeMaxAttempts;
    this.flow = flows[input.flowVersion];
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
      answer = await checks.confirmSmsCode({ verificationId: this.verificationId!, code });
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
    return this.status === 'OPENED'
      ? {
          status: 'OPENED',
          accountNumber: this.accountNumber!,
          review: this.needsReview ? 'PENDING' : 'NONE',
        }
      : { status: 'REJECTED', reasons: this.reasons };
  }

  validateSmsCode(code: string): void {
    const parsed = smsCodeSchema.safeParse(code);
    if (!parsed.success) refuse('INVALID_CODE', `code ${parsed.error.issues[0]?.message}`);
    if (this.status !== 'AWAITING_SMS_CODE') {
      refuse('WRONG_STATE', `the application is ${this.status}, not waiting for a code`);
    }
    if (this.checkingCode) {
      refuse('CODE_IN_FLIGHT', 'a code for this application is being checked; try again in a moment');
    }
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

  get needsReview(): boolean {
    return this.steps.some((s) => s.outcome === 'REVIEW');
  }

  /** Every reason a step gave for a human look. */
  get reviewReasons(): ReasonCode[] {
    return this.steps.filter((s) => s.outcome === 'REVIEW').flatMap((s) => s.reasons);
  }

  get isDecided(): boolean {
    return this.status === 'OPENED' || this.status === 'REJECTED' || this.status === 'ABANDONED';
  }

  view(): ApplicationView {
    const { applicationId, flowVersion, channel, partnerId, warnings } = this.input;
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
      ...(this.status === 'AWAITING_SMS_CODE' && { smsAttemptsLeft: this.smsAttemptsLeft }),
      ...(this.accountNumber && {
        accountNumber: this.accountNumber,
        review: this.needsReview ? ('PENDING' as const) : ('NONE' as const),
      }),
    };
  }
}
