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
 *
 * Each step is a component of its own beside this file: application-form, code-form, opened,
 * rejected, token-prompt.
 */
import '../shared/zod-config';
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Device } from '../../domain/opening-intent';
import { ApiClient } from '../../sdk/index';
import { ApplicationForm } from './application-form';
import { CodeForm } from './code-form';
import { hostDevice, hostToken } from './host';
import { Opened } from './opened';
import { Rejected } from './rejected';
import { type Current, PRODUCTION, SESSION_KEY, type SessionScope, type Stage } from './stage';
import { TokenPrompt } from './token-prompt';
import './apply.css';

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
          <Rejected
            reasons={stage.reasons}
            fromSession={scope !== undefined}
            restart={() => {
              sessionStorage.removeItem(SESSION_KEY);
              setCurrent(undefined);
              setStage({ kind: 'form' });
            }}
          />
        )}
      </div>
    </main>
  );
}

render(<Apply />, document.getElementById('app')!);
