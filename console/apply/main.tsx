/**
 * The applicant's page: the v3 journey as a partner bank embeds it in its app's WebView. The
 * host app's backend mints a customer's session (POST /v1/sessions) and the host hands the page
 * its token through a JavaScript bridge (`window.AccountOpeningHost`, as Android's
 * addJavascriptInterface or iOS's WKScriptMessageHandler would), never in the URL; every call is
 * the SDK's, to the same /v1 routes as any app. The session names the application (or account)
 * the page works on. In production the page refuses a tenant's token: that one never belongs on
 * a phone. In development a tenant token still works (the page then makes up the applicationId).
 *
 * "Resend the code" is POST /v1/applications/{id}/sms-code/resend (202 with the resends left,
 * 429 with Retry-After while too early).
 */
import '../shared/zod-config';
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Device } from '../../domain/opening-intent';
import { type AccountView, ApiClient, ApiError } from '../../sdk/index';
import { messageOf } from '../shared/format';
import { hostDevice, hostToken, rememberTypedToken } from './host';
import { emptyIntent, type IntentDraft, IntentStep, intentOf } from './intent-step';
import './apply.css';

const SESSION_KEY = 'account-opening.apply.current';

/** What a public reason means to the customer, in plain words. */
const REASONS: Record<string, string> = {
  IDENTITY_NOT_VERIFIED: '无法核实您的身份信息，请确认姓名和身份证号填写正确。',
  CARD_NOT_VERIFIED: '银行卡验证未通过：请确认卡号、银行预留手机号正确，并且该卡已开通无卡支付。',
  DOCUMENT_NOT_ACCEPTED: '身份证照片未通过检查：可能不是身份证、证件已过期，或与填写的信息不一致。',
  FACE_NOT_VERIFIED: '人脸识别未通过。',
  UNDER_REVIEW: '您的资料需要人工复核；账户已开立，复核期间可以正常使用。',
  SMS_CODE_EXPIRED: '验证码已过期，请重新申请。',
  SMS_CODE_TRIES_EXHAUSTED: '验证码错误次数过多，本次申请已结束，请重新申请。',
  SMS_CODE_NOT_SUBMITTED: '未在规定时间内提交验证码，请重新申请。',
  ACCOUNT_LIMIT_REACHED: '您在本行开立的二类账户数量已达上限。',
  TRY_AGAIN_LATER: '今日验证次数过多，请明天再试。',
  ACCOUNT_OPENING_RESTRICTED:
    '根据相关规定，暂时无法为您开立账户。如有疑问，请携带本人身份证到本行网点咨询。',
  INTENT_NOT_CONFIRMED: '未确认开户用途及账户仅供本人使用的承诺，无法开户。',
};
/** The mode the API serves the page in (client/api/routes/console.ts). */
const PRODUCTION =
  document.querySelector('meta[name="account-opening-mode"]')?.getAttribute('content') === 'production';

/** What the session the host handed over acts for; absent on a tenant token (development only). */
interface SessionScope {
  applicationId: string;
  accountNumber?: string;
}

const reasonText = (r: string) => REASONS[r] ?? `申请未通过（${r}）。`;

const ACCOUNT_STATUS: Record<string, string> = {
  ACTIVE: '正常，可以收款和付款',
  RECEIVE_ONLY: '只能收款，暂不能付款',
  FROZEN: '已冻结，暂不能收款和付款',
};

/** Where each request field the API may name is on the page. */
const FIELD_IDS: Record<string, string> = {
  'body.applicant.name': 'name',
  'body.applicant.idNumber': 'idNumber',
  'body.applicant.mobile': 'mobile',
  'body.boundAccount.number': 'card',
  'body.documents.idFront': 'idFront',
  'body.documents.idBack': 'idBack',
  'body.intent.purpose': 'purpose',
  'body.intent.declaresNoRentOrSale': 'declaration',
};

interface Current {
  applicationId: string;
  accountNumber?: string;
  /** The last review round whose new photos were accepted: no need to ask again for it. */
  resubmittedRound?: number;
}

type Stage =
  | { kind: 'form' }
  | { kind: 'code'; applicationId: string; attemptsLeft?: number; heading: string }
  | { kind: 'opened'; applicationId: string; accountNumber: string; review: string }
  | { kind: 'rejected'; reasons: string[] };

function imageType(file: File): 'image/jpeg' | 'image/png' | undefined {
  return file.type === 'image/jpeg' || file.type === 'image/png' ? file.type : undefined;
}

/** A photo input with a preview: the camera on a phone (capture), a file picker on a desktop. */
function PhotoInput(props: {
  id: string;
  label: string;
  file?: File;
  onFile(f: File | undefined): void;
  error?: string;
}) {
  const [preview, setPreview] = useState<string>();
  useEffect(() => {
    if (!props.file) return setPreview(undefined);
    const url = URL.createObjectURL(props.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [props.file]);
  return (
    <div class="photo-input">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type="file"
        accept="image/jpeg,image/png"
        capture="environment"
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onFile(e.currentTarget.files?.[0])}
      />
      {preview && <img src={preview} alt={`${props.label}预览`} />}
      {props.error && (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput(v: string): void;
  error?: string;
  inputMode?: 'numeric' | 'text' | 'tel';
  autocomplete?: string;
  pattern?: string;
  hint?: string;
}) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        value={props.value}
        inputMode={props.inputMode}
        autocomplete={props.autocomplete}
        pattern={props.pattern}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

function ApplicationForm({
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
      } else if (err instanceof ApiError && err.status === 429) {
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

function CodeForm({
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
      if (err instanceof ApiError && err.status === 429) {
        setResend(`请 ${err.retryAfterSeconds ?? 60} 秒后再重发。`);
      } else if (err instanceof ApiError && err.status === 409) {
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
        err instanceof ApiError && err.status === 400
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

function Opened({
  api,
  stage,
  current,
  save,
}: {
  api: ApiClient;
  stage: Extract<Stage, { kind: 'opened' }>;
  current: Current;
  save(c: Current): void;
}) {
  const [account, setAccount] = useState<AccountView>();
  const [askedRound, setAskedRound] = useState<number>();
  const [lifted, setLifted] = useState(false);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [front, setFront] = useState<File>();
  const [back, setBack] = useState<File>();

  const refresh = async () => {
    setBusy(true);
    try {
      const [acc, events] = await Promise.all([
        api.getAccount(stage.accountNumber),
        api.listEvents(stage.applicationId),
      ]);
      setAccount(acc);
      const rounds = events
        .filter((e) => e.type === 'RESUBMISSION_REQUESTED')
        .map((e) => Number(/:round-(\d+):/.exec(e.eventId)?.[1] ?? 0));
      const latest = rounds.length ? Math.max(...rounds) : undefined;
      const asked =
        latest !== undefined && latest > (current.resubmittedRound ?? 0) && acc.status !== 'ACTIVE';
      setAskedRound(asked ? latest : undefined);
      setLifted(acc.status === 'ACTIVE' && events.some((e) => e.type === 'HOLD_LIFTED'));
    } catch (err) {
      setMessage(`刷新失败：${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  const resubmit = async (e: Event) => {
    e.preventDefault();
    if (!front || !back || !imageType(front) || !imageType(back)) {
      setMessage('请拍摄或选择身份证正反两面的照片（JPG 或 PNG）。');
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      const [idFront, idBack] = await Promise.all([
        api.uploadDocument(front, imageType(front)!),
        api.uploadDocument(back, imageType(back)!),
      ]);
      const result = await api.resubmitIdDocuments(
        stage.accountNumber,
        { idFront, idBack },
        crypto.randomUUID(),
      );
      if (result.accepted) {
        save({ ...current, resubmittedRound: askedRound });
        setAskedRound(undefined);
        setMessage('照片已提交，正在等待复核。复核通过后账户将恢复正常。');
      } else {
        setMessage(
          `照片仍不清晰，请重新拍摄：${result.reasons.map((r) => (r.startsWith('ID_IMAGE') ? '照片模糊、反光或被遮挡' : r)).join('、')}`,
        );
      }
    } catch (err) {
      setMessage(`提交失败：${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="opened-title">
      <h2 id="opened-title" tabIndex={-1}>
        账户已开立
      </h2>
      <dl class="account">
        <div>
          <dt>账号</dt>
          <dd data-account={stage.accountNumber}>{stage.accountNumber}</dd>
        </div>
        <div>
          <dt>账户类别</dt>
          <dd>二类账户</dd>
        </div>
        <div>
          <dt>状态</dt>
          <dd data-status={account?.status}>
            {account ? (ACCOUNT_STATUS[account.status] ?? account.status) : '…'}
          </dd>
        </div>
      </dl>
      {lifted ? (
        <p class="notice">复核已通过，账户已恢复正常。</p>
      ) : (
        stage.review === 'PENDING' &&
        askedRound === undefined &&
        account?.status !== 'RECEIVE_ONLY' && <p class="notice">{REASONS.UNDER_REVIEW}</p>
      )}
      {askedRound !== undefined && (
        <form onSubmit={resubmit} class="resubmit" aria-busy={busy}>
          <h3>请重新上传身份证</h3>
          <p>复核未通过：您的身份证照片无法辨认，账户暂时只能收款。请在光线充足处重新拍摄身份证正反两面。</p>
          <div class="photo-inputs">
            <PhotoInput id="reFront" label="身份证人像面" file={front} onFile={setFront} />
            <PhotoInput id="reBack" label="身份证国徽面" file={back} onFile={setBack} />
          </div>
          <button type="submit" class="primary" disabled={busy}>
            提交新照片
          </button>
        </form>
      )}
      {message && (
        <p role="status" aria-live="polite" class="notice">
          {message}
        </p>
      )}
      <button type="button" onClick={refresh} disabled={busy}>
        刷新账户状态
      </button>
    </section>
  );
}

function TokenPrompt({ onToken }: { onToken(t: string): void }) {
  const [t, setT] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        rememberTypedToken(t.trim());
        onToken(t.trim());
      }}
    >
      <p class="notice">未检测到宿主 App 提供的令牌（开发模式）。</p>
      <div class="field">
        <label for="apptoken">应用令牌</label>
        <input
          id="apptoken"
          type="password"
          autocomplete="off"
          value={t}
          onInput={(e) => setT(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="primary" disabled={!t.trim()}>
        继续
      </button>
    </form>
  );
}

function Apply() {
  const [token, setToken] = useState<string | undefined>();
  const [ready, setReady] = useState(false);
  const [stage, setStage] = useState<Stage>({ kind: 'form' });
  const [current, setCurrent] = useState<Current | undefined>(() => {
    const saved = sessionStorage.getItem(SESSION_KEY);
    return saved ? (JSON.parse(saved) as Current) : undefined;
  });
  const [scope, setScope] = useState<SessionScope>();
  const [device, setDevice] = useState<Device>();
  const [refused, setRefused] = useState<string>();
  useEffect(() => {
    // A host whose bridge cannot say the device still gets the page, in v3.
    hostDevice()
      .then(setDevice)
      .catch(() => undefined);
    hostToken(PRODUCTION)
      .then(setToken)
      .catch(() => setReady(true));
  }, []);
  // Who the token is: a session names its application (and account); a tenant's token is
  // refused in production, where only a session may run on the customer's device.
  useEffect(() => {
    if (!token) {
      if (token === undefined && !ready) setReady(!window.AccountOpeningHost?.getToken);
      return;
    }
    new ApiClient({ baseUrl: location.origin, token })
      .whoAmI()
      .then((me) => {
        if (me.session) {
          setScope(me.session);
          const { applicationId, accountNumber } = me.session;
          if (accountNumber) save({ applicationId, accountNumber });
          else if (current && current.applicationId !== applicationId) {
            sessionStorage.removeItem(SESSION_KEY);
            setCurrent(undefined);
          }
        } else if (PRODUCTION) {
          setRefused('此页面只接受宿主 App 为本次申请提供的会话令牌，请返回 App 重新进入。');
        }
      })
      .catch(() => setRefused('会话已失效，请返回 App 重新进入。'))
      .finally(() => setReady(true));
  }, [token]);
  // A page reloaded after opening goes back to its account.
  useEffect(() => {
    if (current?.accountNumber && stage.kind === 'form') {
      setStage({
        kind: 'opened',
        applicationId: current.applicationId,
        accountNumber: current.accountNumber,
        review: 'NONE',
      });
    }
  }, [current, stage.kind]);
  const save = (c: Current) => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(c));
    setCurrent(c);
  };
  const api = useMemo(
    () => (token && !refused ? new ApiClient({ baseUrl: location.origin, token }) : undefined),
    [token, refused],
  );
  const headings = useRef<HTMLDivElement>(null);
  // Each stage's heading gets the focus, so a screen reader announces where the customer is.
  useEffect(() => {
    headings.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [stage.kind]);

  if (!ready) return <p class="notice">加载中…</p>;
  return (
    <main>
      <h1>开立二类账户</h1>
      <div ref={headings}>
        {refused && (
          <p role="alert" class="notice">
            {refused}
          </p>
        )}
        {!api && !refused && !PRODUCTION && <TokenPrompt onToken={setToken} />}
        {!api && !refused && PRODUCTION && (
          <p role="alert" class="notice">
            未获得宿主 App 提供的会话令牌，请返回 App 重新进入。
          </p>
        )}
        {api && stage.kind === 'form' && (
          <ApplicationForm
            api={api}
            {...(scope && { scope })}
            {...(device && { device })}
            started={(s, c) => {
              save(c);
              setStage(s);
            }}
          />
        )}
        {api && stage.kind === 'code' && (
          <CodeForm
            api={api}
            stage={stage}
            done={(s) => {
              if (s.kind === 'opened')
                save({ applicationId: s.applicationId, accountNumber: s.accountNumber });
              setStage(s);
            }}
          />
        )}
        {api && stage.kind === 'opened' && current && (
          <Opened api={api} stage={stage} current={current} save={save} />
        )}
        {stage.kind === 'rejected' && (
          <section aria-labelledby="rejected-title">
            <h2 id="rejected-title" tabIndex={-1}>
              很抱歉，暂时无法为您开户
            </h2>
            <ul class="reasons">
              {(stage.reasons.length ? stage.reasons : ['']).map((r) => (
                <li key={r}>{r ? reasonText(r) : '申请未通过。'}</li>
              ))}
            </ul>
            {scope ? (
              // A session is for one application: a new one starts from the host app.
              <p class="notice">如需重新申请，请返回 App 重新进入。</p>
            ) : (
              <button
                type="button"
                onClick={() => {
                  sessionStorage.removeItem(SESSION_KEY);
                  setCurrent(undefined);
                  setStage({ kind: 'form' });
                }}
              >
                重新申请
              </button>
            )}
          </section>
        )}
      </div>
    </main>
  );
}

render(<Apply />, document.getElementById('app')!);
