/** The SMS code: submitted to open the account, or sent again. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiClient, ApiError } from '../../sdk/index';
import { messageOf } from '../shared/format';
import type { Stage } from './stage';

export function CodeForm({
  api,
  stage,
  done,
}: {
  api: ApiClient;
  stage: Extract<Stage, { kind: 'code' }>;
  done(s: Stage): void;
}) {
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [resend, setResend] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const again = async () => {
    setBusy(true);
    try {
      const { resendsLeft } = await api.resendSmsCode(stage.applicationId, crypto.randomUUID());
      setResend(`新的验证码已发送${resendsLeft > 0 ? `，还可以再重发 ${resendsLeft} 次` : '，不能再重发'}。`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'RESEND_TOO_EARLY') {
        setResend(`请 ${err.retryAfterSeconds ?? 60} 秒后再重发。`);
      } else if (err instanceof ApiError && err.code === 'RESEND_FAILED') {
        setResend('新的验证码未能发出，请稍后再试；之前收到的验证码仍然有效。');
      } else if (err instanceof ApiError && err.code === 'CODE_IN_FLIGHT') {
        setResend('验证码正在核验或发送中，请稍候再试。');
      } else if (err instanceof ApiError && err.status === 409) {
        // RESENDS_EXHAUSTED, or an application no longer waiting for a code (WRONG_STATE).
        setResend('不能再重发验证码了。');
      } else setResend(`重发失败：${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const answer = await api.submitSmsCode(stage.applicationId, code.trim(), crypto.randomUUID());
      if (answer.status === 'WRONG_CODE') {
        setMessage(`验证码不正确，还可以再试 ${answer.attemptsLeft} 次。`);
        setCode('');
        input.current?.focus();
      } else if (answer.status === 'OPENED') {
        done({
          kind: 'opened',
          applicationId: stage.applicationId,
          accountNumber: answer.accountNumber,
          review: answer.review,
        });
      } else {
        done({ kind: 'rejected', reasons: answer.reasons });
      }
    } catch (err) {
      setMessage(
        err instanceof ApiError && (err.code === 'INVALID_CODE' || err.code === 'INVALID_REQUEST')
          ? '请输入 6 位数字验证码。'
          : `提交失败：${messageOf(err)}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-busy={busy}>
      <h2 tabIndex={-1}>{stage.heading}</h2>
      <p>验证码已发送到您的银行预留手机号。</p>
      <div class="field">
        <label for="code">6 位验证码</label>
        <input
          ref={input}
          id="code"
          name="code"
          inputMode="numeric"
          autocomplete="one-time-code"
          maxLength={6}
          pattern="\d{6}"
          value={code}
          aria-describedby={message ? 'code-message' : undefined}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </div>
      <p id="code-message" role="status" aria-live="polite" class={message ? 'error' : 'sr-only'}>
        {message ?? ''}
      </p>
      <button type="submit" class="primary" disabled={busy || code.trim().length !== 6}>
        确认开户
      </button>
      <button type="button" onClick={again} disabled={busy}>
        没收到？重发验证码
      </button>
      <p role="status" aria-live="polite" class={resend ? 'notice' : 'sr-only'}>
        {resend ?? ''}
      </p>
    </form>
  );
}
