/**
 * One signing of an agreement with a payment institution (domain/agreement-signing.ts): the
 * holder's elements checked against the account, an SMS code to the holder's mobile, and on the
 * right code the agreement registered in core banking under the number the bank issues, with
 * limits never above the bank's policy. Ends SIGNED, REFUSED, EXPIRED or CANCELLED; a signed
 * agreement lives on in core banking, which enforces it on every debit.
 */
import {
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { grantedLimits } from '../../domain/agreement-limits';
import type {
  AgreementInput,
  AgreementLimits,
  AgreementSigningStatus,
  AgreementSigningView,
  SigningRefusal,
  SubmitAgreementCodeResult,
} from '../../domain/agreement-signing';
import { SMS_CODE_MESSAGE, SMS_CODE_PATTERN } from '../../domain/sms-code';
import { checkOptions, REFUSED } from '../activity-options';
import { isActivityFailure } from '../onboarding/failures';
import { refuse } from '../refuse';
import {
  awaitSigningAnswer,
  cancelSigning,
  getSigning,
  getSigningFingerprint,
  submitAgreementCode,
} from './messages';

/**
 * Every call is a short idempotent one, in the workflow task that asked for it; retried while the
 * signing lives, never after: an institution's customer is waiting at the checkout.
 */
const callsUntil = (deadline: number) =>
  proxyLocalActivities<Activities>(
    checkOptions({ within: Math.max(1000, deadline - Date.now()), final: [REFUSED] }),
  );

class Signing {
  status: AgreementSigningStatus = 'CHECKING';
  reason: SigningRefusal | undefined;
  attemptsLeft: number;
  limits: AgreementLimits | undefined;
  otpId: string | undefined;
  /** When the code and the signing stop (workflow time, ms). */
  expiresAt: number;
  checkingCode = false;

  constructor(readonly input: AgreementInput) {
    this.attemptsLeft = input.policy.smsCodeMaxAttempts;
    this.expiresAt = workflowInfo().startTime.getTime() + input.policy.signingExpirySeconds * 1000;
  }

  handleMessages(): void {
    setHandler(getSigning, () => this.view());
    setHandler(getSigningFingerprint, () => this.input.requestFingerprint);
    setHandler(
      awaitSigningAnswer,
      async () => {
        await condition(() => this.status !== 'CHECKING');
        return this.view();
      },
      {
        validator: (fingerprint) => {
          if (fingerprint !== this.input.requestFingerprint)
            refuse('REQUEST_MISMATCH', 'this reference was already used with a different signing request');
        },
      },
    );
    setHandler(submitAgreementCode, (code) => this.submitCode(code), {
      validator: (code) => {
        if (!SMS_CODE_PATTERN.test(code)) refuse('INVALID_CODE', SMS_CODE_MESSAGE);
        if (this.status !== 'AWAITING_SMS_CODE') refuse('WRONG_STATE', `the signing is ${this.status}`);
        if (this.checkingCode) refuse('CODE_IN_FLIGHT', 'a code for this signing is being checked');
      },
    });
    setHandler(
      cancelSigning,
      (_by) => {
        this.status = 'CANCELLED';
        return this.view();
      },
      {
        validator: (_by) => {
          if (this.status !== 'CHECKING' && this.status !== 'AWAITING_SMS_CODE')
            refuse('WRONG_STATE', `the signing is ${this.status}`);
          if (this.checkingCode) refuse('CODE_IN_FLIGHT', 'a code for this signing is being checked');
        },
      },
    );
  }

  refuse(reason: SigningRefusal): void {
    this.status = 'REFUSED';
    this.reason = reason;
  }

  private async submitCode(code: string): Promise<SubmitAgreementCodeResult> {
    this.checkingCode = true;
    try {
      const calls = callsUntil(this.expiresAt);
      const { result } = await calls.verifyAgreementCode({ otpId: this.otpId!, code });
      if (result === 'EXPIRED') {
        this.status = 'EXPIRED';
        return { status: 'EXPIRED' };
      }
      if (result === 'MISMATCH') {
        this.attemptsLeft -= 1;
        if (this.attemptsLeft > 0) return { status: 'AWAITING_SMS_CODE', attemptsLeft: this.attemptsLeft };
        this.refuse('SMS_CODE_TRIES_EXHAUSTED');
        return { status: 'REFUSED', reason: 'SMS_CODE_TRIES_EXHAUSTED' };
      }
      const { agreementNumber, institution, request } = this.input;
      const limits = this.limits!;
      const registered = await calls.registerAgreement({
        agreementNumber,
        accountNumber: request.accountNumber,
        institution,
        scope: request.scope,
        ...(request.payee && { payee: request.payee }),
        ...(request.period && { period: request.period }),
        ...limits,
      });
      if ('refused' in registered) {
        this.refuse('REGISTRATION_REFUSED');
        return { status: 'REFUSED', reason: 'REGISTRATION_REFUSED' };
      }
      this.status = 'SIGNED';
      return { status: 'SIGNED', agreementNumber, ...limits };
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      this.refuse('NOT_COMPLETED');
      return { status: 'REFUSED', reason: 'NOT_COMPLETED' };
    } finally {
      this.checkingCode = false;
    }
  }

  view(): AgreementSigningView {
    const { agreementId, institution, request, agreementNumber } = this.input;
    return {
      agreementId,
      institution,
      accountNumber: request.accountNumber,
      scope: request.scope,
      ...(request.payee && { payee: request.payee }),
      ...(request.period && { period: request.period }),
      status: this.status,
      ...(this.reason && { reason: this.reason }),
      ...(this.status === 'AWAITING_SMS_CODE' && {
        attemptsLeft: this.attemptsLeft,
        expiresAt: new Date(this.expiresAt).toISOString(),
      }),
      ...(this.status === 'SIGNED' && { agreementNumber, ...this.limits }),
    };
  }
}

export async function agreement(input: AgreementInput): Promise<AgreementSigningView> {
  const s = new Signing(input);
  s.handleMessages();
  await checkAndSendCode(s);
  if (s.status === 'AWAITING_SMS_CODE') {
    const answered = await condition(
      () => s.status !== 'AWAITING_SMS_CODE',
      Math.max(1, s.expiresAt - Date.now()),
    );
    if (!answered) {
      // A code being checked when the time is up is let finish.
      await condition(() => !s.checkingCode);
      if (s.status === 'AWAITING_SMS_CODE') s.status = 'EXPIRED';
    }
  }
  await condition(allHandlersFinished);
  return s.view();
}

/** The elements against the account's holder, the account's state, the limits, then the code. */
async function checkAndSendCode(s: Signing): Promise<void> {
  const { request, policy, agreementId } = s.input;
  const calls = callsUntil(s.expiresAt);
  try {
    const holder = await calls.checkAgreementHolder({
      accountNumber: request.accountNumber,
      holder: request.holder,
    });
    if (s.status !== 'CHECKING') return;
    if (holder.result !== 'MATCH') return s.refuse('HOLDER_MISMATCH');
    if (holder.accountStatus === 'FROZEN') return s.refuse('ACCOUNT_FROZEN');
    if (holder.accountStatus === 'CLOSED') return s.refuse('ACCOUNT_CLOSED');
    const asked = { perDebitLimitCny: request.perDebitLimitCny, dailyLimitCny: request.dailyLimitCny };
    const scoped = grantedLimits(asked, policy.limits[request.scope]);
    // The bank sets limits to the customer's risk: an unsettled doubt holds them low.
    s.limits =
      holder.accountStatus === 'RECEIVE_ONLY'
        ? grantedLimits(scoped, policy.restrictedAccountLimits)
        : scoped;
    const otp = await calls.sendAgreementCode({ agreementId, mobile: request.holder.mobile, attempt: 1 });
    if (s.status !== 'CHECKING') return;
    s.otpId = otp.otpId;
    s.expiresAt = Math.min(s.expiresAt, Date.parse(otp.expiresAt));
    s.status = 'AWAITING_SMS_CODE';
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    if (s.status === 'CHECKING') s.refuse('NOT_COMPLETED');
  }
}
