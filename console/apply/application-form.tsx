/** The application: the applicant, the card, the ID photos, and (v4) the purpose and declaration. */
import { useState } from 'preact/hooks';
import type { Device } from '../../domain/opening-intent';
import { type ApiClient, ApiError } from '../../sdk/index';
import { messageOf } from '../shared/format';
import { Field, imageType, PhotoInput } from './fields';
import { emptyIntent, type IntentDraft, IntentStep, intentOf } from './intent-step';
import type { Current, SessionScope, Stage } from './stage';
import { FIELD_IDS } from './texts';

export function ApplicationForm({
  api,
  scope,
  device,
  started,
}: {
  api: ApiClient;
  scope?: SessionScope;
  /** From the host: with it the page asks for flow v4 (intent and device), without it for v3. */
  device?: Device;
  started(s: Stage, c: Current): void;
}) {
  const [v, setV] = useState({
    name: '',
    idNumber: '',
    mobile: '',
    card: '',
    kind: 'DEBIT' as 'DEBIT' | 'CREDIT',
  });
  const [front, setFront] = useState<File>();
  const [back, setBack] = useState<File>();
  const [intentDraft, setIntentDraft] = useState<IntentDraft>(emptyIntent);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!front || !imageType(front)) local.idFront = '请拍摄或选择身份证人像面照片（JPG 或 PNG）';
    if (!back || !imageType(back)) local.idBack = '请拍摄或选择身份证国徽面照片（JPG 或 PNG）';
    const intent = device ? intentOf(intentDraft) : undefined;
    if (intent && 'errors' in intent) Object.assign(local, intent.errors);
    setErrors(local);
    setProblem(undefined);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const [idFront, idBack] = await Promise.all([
        api.uploadDocument(front!, imageType(front!)!),
        api.uploadDocument(back!, imageType(back!)!),
      ]);
      // A session starts the application it was minted for and no other.
      const applicationId = scope?.applicationId ?? crypto.randomUUID();
      const answer = await api.startApplication({
        applicationId,
        ...(device && intent && 'intent' in intent
          ? { flowVersion: 'v4', intent: intent.intent, device }
          : { flowVersion: 'v3' }),
        applicant: {
          name: v.name.trim(),
          idNumber: v.idNumber.trim().toUpperCase(),
          mobile: v.mobile.trim(),
        },
        boundAccount: { number: v.card.replace(/\s+/g, ''), kind: v.kind },
        documents: { idFront, idBack },
      });
      if (answer.status === 'AWAITING_SMS_CODE') {
        started(
          {
            kind: 'code',
            applicationId,
            attemptsLeft: answer.smsAttemptsLeft,
            heading: `${device ? 4 : 3}. 输入短信验证码`,
          },
          { applicationId },
        );
      } else if (answer.status === 'OPENED' && answer.accountNumber) {
        started(
          {
            kind: 'opened',
            applicationId,
            accountNumber: answer.accountNumber,
            review: answer.review ?? 'NONE',
          },
          { applicationId, accountNumber: answer.accountNumber },
        );
      } else {
        started({ kind: 'rejected', reasons: answer.reasons ?? [] }, { applicationId });
      }
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const byField: Record<string, string> = {};
        for (const f of err.errors) {
          const id = FIELD_IDS[f.field];
          if (id) byField[id] = `填写有误：${f.message}`;
        }
        setErrors(byField);
        setProblem(
          Object.keys(byField).length
            ? '请修改标出的内容后再提交。'
            : // The device is the host's to send: nothing the customer can fix on this page.
              err.errors.some((f) => f.field.startsWith('body.device'))
              ? '无法读取本机的设备信息，请更新 App 后重新进入。'
              : err.detail,
        );
      } else if (err instanceof ApiError && err.code === 'LIMIT_REACHED') {
        setProblem('今日申请次数已达上限，请明天再试。');
      } else {
        setProblem(`提交失败：${messageOf(err)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-busy={busy} noValidate>
      <fieldset disabled={busy}>
        <legend>1. 填写信息</legend>
        <Field
          id="name"
          label="姓名"
          value={v.name}
          onInput={set('name')}
          autocomplete="name"
          error={errors.name}
        />
        <Field
          id="idNumber"
          label="身份证号"
          value={v.idNumber}
          onInput={set('idNumber')}
          autocomplete="off"
          hint="18 位，末位可以是 X"
          error={errors.idNumber}
        />
        <Field
          id="mobile"
          label="银行预留手机号"
          value={v.mobile}
          onInput={set('mobile')}
          inputMode="tel"
          autocomplete="tel-national"
          error={errors.mobile}
        />
        <Field
          id="card"
          label="绑定的银行卡号"
          value={v.card}
          onInput={set('card')}
          inputMode="numeric"
          autocomplete="cc-number"
          hint="本人名下的一类借记卡或信用卡"
          error={errors.card}
        />
        <div class="field" role="radiogroup" aria-labelledby="kind-label">
          <span id="kind-label" class="label">
            卡类型
          </span>
          <label class="inline">
            <input
              type="radio"
              name="kind"
              checked={v.kind === 'DEBIT'}
              onChange={() => set('kind')('DEBIT')}
            />
            借记卡（一类户）
          </label>
          <label class="inline">
            <input
              type="radio"
              name="kind"
              checked={v.kind === 'CREDIT'}
              onChange={() => set('kind')('CREDIT')}
            />
            信用卡
          </label>
        </div>
      </fieldset>
      <fieldset disabled={busy}>
        <legend>2. 拍摄身份证</legend>
        <div class="photo-inputs">
          <PhotoInput
            id="idFront"
            label="身份证人像面"
            file={front}
            onFile={setFront}
            error={errors.idFront}
          />
          <PhotoInput id="idBack" label="身份证国徽面" file={back} onFile={setBack} error={errors.idBack} />
        </div>
      </fieldset>
      {device && (
        <IntentStep
          legend="3. 开户用途与承诺"
          value={intentDraft}
          onChange={setIntentDraft}
          errors={errors}
        />
      )}
      {problem && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? '正在核验，请稍候…' : '提交并获取验证码'}
      </button>
    </form>
  );
}
