/** The state of one application and the view apps read; deterministic, no I/O. */
import type { ApplicationStatus, ApplicationView, OnboardingInput } from '../../domain/application';
import type { ReasonCode, StepResult } from '../../domain/steps';
import type { Outbox } from '../outbox';

export class Application {
  status: ApplicationStatus = 'CHECKING';
  readonly steps: StepResult[] = [];
  reasons: ReasonCode[] = [];
  accountNumber?: string;
  verificationId?: string;
  smsAttemptsLeft: number;
  /** True while a submitted code is with UnionPay, so a second submission waits its turn. */
  checkingCode = false;

  constructor(
    readonly input: OnboardingInput,
    readonly outbox: Outbox,
  ) {
    this.smsAttemptsLeft = input.policy.smsCodeMaxAttempts;
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
