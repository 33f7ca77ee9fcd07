/**
 * The review console: sign in with an operator's or supervisor's token (kept in this tab's
 * sessionStorage only, sent as a bearer header, never in a URL), work the queue oldest first,
 * open a case (which claims it), decide it from the keyboard, and read the funnel. Every call
 * goes through the SDK to the same /v1 routes, roles and checks as any other client.
 */
import '../shared/zod-config';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { isDeciding } from '../../domain/review-status';
import {
  ApiClient,
  ApiError,
  type CallerView,
  type ReviewSummary,
  type RiskLifeListItem,
} from '../../sdk/index';
import { messageOf } from '../shared/format';
import { CasePage } from './case';
import { FunnelPage } from './funnel';
import { emptyQueue, QueuePage, type QueueState } from './queue';
import {
  emptyRiskLifeList,
  ReVerificationAccountPage,
  ReVerificationListPage,
  type RiskLifeListState,
} from './re-verifications';
import './console.css';

const TOKEN_KEY = 'account-opening.console.token';

type View =
  | { page: 'queue' }
  | { page: 'case'; reviewId: string }
  | { page: 'funnel' }
  | { page: 're-verifications' }
  | { page: 'account'; applicationId: string };

/** Hash routes carry review ids only (workflow ids hold no personal data): #/case/review-<uuid>. */
function viewOf(hash: string): View {
  const m = /^#\/case\/(review-[0-9a-f-]{36})$/.exec(hash);
  if (m) return { page: 'case', reviewId: m[1]! };
  if (hash === '#/funnel') return { page: 'funnel' };
  // The risk-life lists: an account by the application that opened it, never its number.
  const a = /^#\/re-verifications\/([0-9A-Fa-f-]{36})$/.exec(hash);
  if (a) return { page: 'account', applicationId: a[1]! };
  if (hash === '#/re-verifications') return { page: 're-verifications' };
  return { page: 'queue' };
}

const go = (hash: string) => {
  if (location.hash !== hash) location.hash = hash;
};

function SignIn({ onSignedIn }: { onSignedIn: (token: string, me: CallerView) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await new ApiClient({ baseUrl: location.origin, token: token.trim() }).whoAmI();
      if (me.role === 'app') throw new Error('这是应用令牌：审核台需要审核员或主管的令牌');
      onSignedIn(token.trim(), me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? '令牌无效' : messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>开户审核台</h1>
      <form onSubmit={submit} aria-describedby="signin-help">
        <label for="token">审核员或主管令牌</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <p id="signin-help" class="hint">
          令牌只保存在本标签页中，关闭标签页即失效。
        </p>
        <button type="submit" disabled={busy || !token.trim()}>
          登录
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function App() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [me, setMe] = useState<CallerView>();
  const [view, setView] = useState<View>(() => viewOf(location.hash));
  const [queue, setQueue] = useState<QueueState>(emptyQueue);
  const [riskLife, setRiskLife] = useState<RiskLifeListState>(emptyRiskLifeList);
  const [signInError, setSignInError] = useState<string>();
  const api = useMemo(
    () => (token ? new ApiClient({ baseUrl: location.origin, token }) : undefined),
    [token],
  );

  useEffect(() => {
    const onHash = () => setView(viewOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // A token from this tab's storage: ask who it is (it may have been revoked).
  useEffect(() => {
    if (!token || me) return;
    new ApiClient({ baseUrl: location.origin, token })
      .whoAmI()
      .then(setMe)
      .catch((err: unknown) => {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken('');
        setSignInError(messageOf(err));
      });
  }, [token, me]);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken('');
    setMe(undefined);
    setQueue(emptyQueue());
    setRiskLife(emptyRiskLifeList());
  }, []);

  if (!token || !api) {
    return (
      <>
        {signInError && (
          <p role="alert" class="error banner">
            {signInError}
          </p>
        )}
        <SignIn
          onSignedIn={(t, who) => {
            sessionStorage.setItem(TOKEN_KEY, t);
            setToken(t);
            setMe(who);
          }}
        />
      </>
    );
  }
  if (!me) return <p class="loading">正在登录…</p>;

  /** The case after or before this one in the loaded queue page that waits for a decision and nobody else holds. */
  const neighbour = (reviewId: string, step: 1 | -1): ReviewSummary | undefined => {
    const rows = queue.page?.reviews ?? [];
    const at = rows.findIndex((r) => r.reviewId === reviewId);
    for (let i = at + step; i >= 0 && i < rows.length; i += step) {
      const row = rows[i]!;
      if (isDeciding(row.status) && (!row.claim || row.claim.claimedBy === me.id)) return row;
    }
    return undefined;
  };

  /** The account after or before this one in the loaded list page that nobody else holds. */
  const neighbourAccount = (applicationId: string, step: 1 | -1): RiskLifeListItem | undefined => {
    const rows = riskLife.page?.accounts ?? [];
    const at = rows.findIndex((r) => r.applicationId === applicationId);
    for (let i = at + step; i >= 0 && i < rows.length; i += step) {
      const row = rows[i]!;
      if (!row.claim || row.claim.claimedBy === me.id) return row;
    }
    return undefined;
  };
  const listed =
    view.page === 'account'
      ? riskLife.page?.accounts.find((r) => r.applicationId === view.applicationId)
      : undefined;

  return (
    <>
      <header class="top">
        <span class="brand">开户审核台</span>
        <nav aria-label="主导航">
          <a href="#/queue" aria-current={view.page === 'queue' ? 'page' : undefined}>
            审核队列
          </a>
          <a
            href="#/re-verifications"
            aria-current={view.page === 're-verifications' || view.page === 'account' ? 'page' : undefined}
          >
            复核名单
          </a>
          <a href="#/funnel" aria-current={view.page === 'funnel' ? 'page' : undefined}>
            转化漏斗
          </a>
        </nav>
        <span class="who">
          {me.id}（{me.role === 'supervisor' ? '主管' : '审核员'}）
          <button type="button" class="link" onClick={signOut}>
            退出
          </button>
        </span>
      </header>
      {view.page === 'queue' && (
        <QueuePage api={api} me={me} state={queue} setState={setQueue} open={(id) => go(`#/case/${id}`)} />
      )}
      {view.page === 'case' && (
        <CasePage
          key={view.reviewId}
          api={api}
          me={me}
          reviewId={view.reviewId}
          next={() => {
            const n = neighbour(view.reviewId, 1);
            go(n ? `#/case/${n.reviewId}` : '#/queue');
          }}
          previous={() => {
            const p = neighbour(view.reviewId, -1);
            if (p) go(`#/case/${p.reviewId}`);
          }}
          back={() => go('#/queue')}
          decided={(reviewId, status) =>
            setQueue((q) =>
              q.page
                ? {
                    ...q,
                    page: {
                      ...q.page,
                      reviews: q.page.reviews.map((r) =>
                        r.reviewId === reviewId ? { ...r, status, claim: undefined } : r,
                      ),
                    },
                  }
                : q,
            )
          }
        />
      )}
      {view.page === 'funnel' && <FunnelPage api={api} />}
      {view.page === 're-verifications' && (
        <ReVerificationListPage
          api={api}
          me={me}
          state={riskLife}
          setState={setRiskLife}
          open={(item) => go(`#/re-verifications/${item.applicationId}`)}
        />
      )}
      {view.page === 'account' && !listed && (
        <main>
          <p class="empty">
            该账户不在已加载的名单页中。<a href="#/re-verifications">返回复核名单</a>
          </p>
        </main>
      )}
      {view.page === 'account' && listed && (
        <ReVerificationAccountPage
          key={listed.accountNumber}
          api={api}
          me={me}
          accountNumber={listed.accountNumber}
          next={() => {
            const n = neighbourAccount(listed.applicationId, 1);
            go(n ? `#/re-verifications/${n.applicationId}` : '#/re-verifications');
          }}
          previous={() => {
            const p = neighbourAccount(listed.applicationId, -1);
            if (p) go(`#/re-verifications/${p.applicationId}`);
          }}
          back={() => go('#/re-verifications')}
        />
      )}
    </>
  );
}

render(<App />, document.getElementById('app')!);
