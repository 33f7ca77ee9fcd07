/**
 * The risk-life lists beside the review queue: accounts whose holder's re-verification is DUE
 * (asked, within the grace period) or OVERDUE (past it: receive-only once the sweep held it),
 * oldest due date first, and APPEALED (a bank restriction whose holder's appeal passed, awaiting
 * an operator's decision, the most recently proposed first), paged by the API's cursors. The
 * claim's holder decides an appealed account's restriction (lift or uphold, with a note) on its
 * page, through the restriction's decision route. The same mechanics as the queue: j/k move,
 * Enter opens, and opening claims the account (a lease the API keeps, so two operators do not
 * work one) while the API records the open in the audit log. Staff see the holder's name masked.
 *
 * Hash routes carry the opening application's id, never the account number: the account page
 * finds the number in the loaded list.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BankRestrictionCase, RestrictionDecisionRequest } from '../../domain/bank-restrictions';
import type { ProblemCode } from '../../domain/problem-codes';
import {
  type ApiClient,
  ApiError,
  type CallerView,
  type Claim,
  type RiskLifeAccount,
  type RiskLifeListItem,
  type RiskLifeListPage,
} from '../../sdk/index';
import { formatTime, messageOf, relative } from '../shared/format';
import {
  ACCOUNT_STATUS,
  CHANNEL,
  label,
  RESTRICTION_CATEGORY,
  RESTRICTION_STATUS,
  RISK_LIFE_LIST,
  RISK_RATING,
} from './labels';
import { isTyping, useListKeys } from './list-keys';

export type RiskLifeList = RiskLifeListItem['list'];

export interface RiskLifeListState {
  list: RiskLifeList;
  /** The cursors of the pages before this one, and of this one (undefined: the first page). */
  cursors: (string | undefined)[];
  page?: RiskLifeListPage;
  selected: number;
}

export const LIST_PAGE_SIZE = 50;
export const emptyRiskLifeList = (): RiskLifeListState => ({
  list: 'DUE',
  cursors: [undefined],
  selected: 0,
});

const claimText = (claim: Claim | undefined, me: CallerView) =>
  claim
    ? `${claim.claimedBy === me.id ? '我' : claim.claimedBy}（至 ${formatTime(claim.until).slice(-5)}）`
    : '—';

export function ReVerificationListPage(props: {
  api: ApiClient;
  me: CallerView;
  state: RiskLifeListState;
  setState: (update: (s: RiskLifeListState) => RiskLifeListState) => void;
  open: (item: RiskLifeListItem) => void;
}) {
  const { api, me, state, setState, open } = props;
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const table = useRef<HTMLTableElement>(null);
  const rows = state.page?.accounts ?? [];
  const cursor = state.cursors[state.cursors.length - 1];

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    api
      .listReVerificationsDue({ status: state.list, limit: LIST_PAGE_SIZE, ...(cursor && { cursor }) })
      .then(
        (page) =>
          live &&
          setState((s) => ({
            ...s,
            page,
            selected: Math.max(0, Math.min(s.selected, page.accounts.length - 1)),
          })),
      )
      .catch((err: unknown) => live && setError(messageOf(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, state.list, cursor, reload]);

  // j/k and Enter, as in the review queue.
  useListKeys(rows, state.selected, (selected) => setState((s) => ({ ...s, selected })), open);

  useEffect(() => {
    table.current?.querySelector<HTMLElement>('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [state.selected]);

  const choose = (list: RiskLifeList) =>
    setState((s) => (s.list === list ? s : { list, cursors: [undefined], selected: 0 }));
  const now = Date.now();
  return (
    <main class="queue re-verifications">
      <h1>复核名单</h1>
      <nav class="tabs" aria-label="名单">
        {(Object.keys(RISK_LIFE_LIST) as RiskLifeList[]).map((list) => (
          <button
            key={list}
            type="button"
            data-list={list}
            aria-pressed={state.list === list}
            onClick={() => choose(list)}
          >
            {RISK_LIFE_LIST[list]}
          </button>
        ))}
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          刷新
        </button>
      </nav>
      <p class="hint">
        {state.list === 'APPEALED' ? '最近提出的限制在前' : '到期日最早的在前'}。快捷键：<kbd>j</kbd>/
        <kbd>k</kbd> 上下移动，<kbd>Enter</kbd> 打开账户（打开即认领，并记入审计日志）。
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <table ref={table} aria-busy={loading} aria-label={RISK_LIFE_LIST[state.list]}>
        <thead>
          <tr>
            <th scope="col">{state.list === 'APPEALED' ? '决定期限' : '到期日'}</th>
            {state.list !== 'APPEALED' && <th scope="col">限制起始</th>}
            <th scope="col">账户</th>
            <th scope="col">户名</th>
            <th scope="col">风险等级</th>
            <th scope="col">账户状态</th>
            <th scope="col">渠道</th>
            <th scope="col">处理人</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              key={r.accountNumber}
              class={[i === state.selected && 'selected', r.held && 'frozen'].filter(Boolean).join(' ')}
              data-application={r.applicationId}
              aria-selected={i === state.selected}
              onClick={() => open(r)}
            >
              {r.restrictFrom === undefined ? (
                <td class={r.overdue ? 'overdue' : undefined}>
                  {formatTime(r.dueAt)}
                  <br />
                  <small>{relative(r.dueAt, now)}</small>
                </td>
              ) : (
                <>
                  <td>{formatTime(r.dueAt)}</td>
                  <td class={r.overdue ? 'overdue' : undefined}>
                    {formatTime(r.restrictFrom)}
                    <br />
                    <small>{relative(r.restrictFrom, now)}</small>
                  </td>
                </>
              )}
              <td>
                <a
                  href={`#/re-verifications/${r.applicationId}`}
                  onClick={(e) => {
                    e.preventDefault();
                    open(r);
                  }}
                >
                  {r.accountNumber}
                </a>
              </td>
              <td>{r.holderName}</td>
              <td>{r.riskRating ? label(RISK_RATING, r.riskRating) : '未评级'}</td>
              <td>
                <span class={`tag account-${r.accountStatus}`}>{label(ACCOUNT_STATUS, r.accountStatus)}</span>
              </td>
              <td>{label(CHANNEL, r.channel)}</td>
              <td>{claimText(r.claim, me)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && !error && <p class="empty">名单中没有账户。</p>}
      <nav class="pager" aria-label="翻页">
        <button
          type="button"
          disabled={state.cursors.length <= 1}
          onClick={() =>
            setState((s) => ({ ...s, cursors: s.cursors.slice(0, -1), page: undefined, selected: 0 }))
          }
        >
          上一页
        </button>
        <span>
          第 {state.cursors.length} 页 · 本页 {rows.length} 户
        </span>
        <button
          type="button"
          disabled={!state.page?.nextCursor}
          onClick={() =>
            setState((s) => ({
              ...s,
              cursors: [...s.cursors, s.page?.nextCursor],
              page: undefined,
              selected: 0,
            }))
          }
        >
          下一页
        </button>
      </nav>
    </main>
  );
}

/** One fact of the account: a term and its value, grouped so the summary's grid keeps them together. */
function Item(props: { term: string; field: string; children: ComponentChildren }) {
  return (
    <div data-field={props.field}>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

type ClaimState =
  | { kind: 'claiming' }
  | { kind: 'mine'; claim: Claim }
  | { kind: 'theirs'; claimedBy: string; until?: string }
  | { kind: 'none'; why: string };

/** One account opened from a list: claimed on open, released on leaving; j/k the next or previous, q the list. */
export function ReVerificationAccountPage(props: {
  api: ApiClient;
  me: CallerView;
  accountNumber: string;
  next: () => void;
  previous: () => void;
  back: () => void;
}) {
  const { api, me, accountNumber, next, previous, back } = props;
  const [account, setAccount] = useState<RiskLifeAccount>();
  const [error, setError] = useState<string>();
  const [claim, setClaim] = useState<ClaimState>({ kind: 'claiming' });
  const mine = useRef(false);
  mine.current = claim.kind === 'mine';

  const takeClaim = useCallback(async () => {
    try {
      setClaim({ kind: 'mine', claim: await api.claimReVerificationDue(accountNumber) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.claimedBy)
        setClaim({
          kind: 'theirs',
          claimedBy: err.claimedBy,
          ...(err.claimedUntil && { until: err.claimedUntil }),
        });
      else setClaim({ kind: 'none', why: messageOf(err) });
    }
  }, [api, accountNumber]);

  // Open = claim and read (the read is audited); leave = release.
  useEffect(() => {
    void takeClaim();
    api
      .openReVerificationDue(accountNumber)
      .then(setAccount)
      .catch((err: unknown) => setError(messageOf(err)));
    return () => {
      if (mine.current) void api.releaseReVerificationDueClaim(accountNumber).catch(() => {});
    };
  }, [api, accountNumber, takeClaim]);

  // Renew the lease a minute before it runs out while the page stays open.
  useEffect(() => {
    if (claim.kind !== 'mine') return;
    const left = new Date(claim.claim.until).getTime() - Date.now();
    const timer = setTimeout(() => void takeClaim(), Math.max(5_000, left - 60_000));
    return () => clearTimeout(timer);
  }, [claim, takeClaim]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const action = ({ j: next, k: previous, q: back } as Record<string, () => void>)[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [next, previous, back]);

  const release = async () => {
    try {
      await api.releaseReVerificationDueClaim(accountNumber);
      setClaim({ kind: 'none', why: '认领已释放。' });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main class="case re-verification-account">
      <p>
        <a href="#/re-verifications">← 返回复核名单 (q)</a>
      </p>
      <h1>账户 {accountNumber}</h1>
      {claim.kind === 'claiming' && <p class="claim">正在认领…</p>}
      {claim.kind === 'mine' && (
        <p class="claim mine" role="status">
          已由你认领，至 {formatTime(claim.claim.until)}。其他人在此期间不能认领本账户。
          <button type="button" class="link" onClick={release}>
            释放
          </button>
        </p>
      )}
      {claim.kind === 'theirs' && (
        <p class="claim theirs" role="alert">
          本账户正由 <strong>{claim.claimedBy}</strong> 处理
          {claim.until && <>，至 {formatTime(claim.until)}</>}。
          {me.role === 'supervisor' && (
            <button type="button" onClick={release}>
              以主管身份释放
            </button>
          )}
          <button type="button" class="link" onClick={() => void takeClaim()}>
            重试认领
          </button>
        </p>
      )}
      {claim.kind === 'none' && (
        <p class="claim closed" role="status">
          {claim.why}
        </p>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {account && (
        <dl class="summary" aria-label="账户">
          <Item term="名单" field="list">
            {account.list ? RISK_LIFE_LIST[account.list] : '已不在名单中（已重新核验或未到期）'}
          </Item>
          <Item term="户名" field="holderName">
            {account.holderName}
          </Item>
          <Item term="风险等级" field="riskRating">
            {account.riskRating ? label(RISK_RATING, account.riskRating) : '未评级'}
            {account.riskRatedAt && <small>（{formatTime(account.riskRatedAt)}）</small>}
          </Item>
          <Item term={account.list === 'APPEALED' ? '决定期限' : '到期日'} field="dueAt">
            <span class={account.overdue ? 'overdue' : undefined}>{formatTime(account.dueAt)}</span>
            {account.list === 'APPEALED' && account.overdue && <small>（已逾期，已上报运维）</small>}
          </Item>
          {account.restrictFrom && (
            <Item term="限制起始" field="restrictFrom">
              {formatTime(account.restrictFrom)}
            </Item>
          )}
          {account.bankRestriction && (
            <Item term="银行限制" field="bankRestriction">
              {label(RESTRICTION_CATEGORY, account.bankRestriction.category)} ·{' '}
              {label(RESTRICTION_STATUS, account.bankRestriction.status)}
              <div>{account.bankRestriction.note}</div>
              <small>
                {account.bankRestriction.proposedBy} 提出
                {account.bankRestriction.confirmedBy && <>，{account.bankRestriction.confirmedBy} 确认</>}
                {account.bankRestriction.appeal && (
                  <>，{formatTime(account.bankRestriction.appeal.appealedAt)} 申诉</>
                )}
              </small>
            </Item>
          )}
          <Item term="账户状态" field="accountStatus">
            <span class={`tag account-${account.accountStatus}`}>
              {label(ACCOUNT_STATUS, account.accountStatus)}
            </span>
          </Item>
          <Item term="开户" field="openedAt">
            {formatTime(account.openedAt)} · {label(CHANNEL, account.channel)}
          </Item>
          <Item term="账户限制" field="holds">
            {account.holds.length === 0
              ? '无'
              : account.holds.map((h) => (
                  <div key={h.holdId}>
                    {h.type} · {h.reason} · {formatTime(h.placedAt)}
                  </div>
                ))}
          </Item>
        </dl>
      )}
      {account?.list === 'APPEALED' && account.caseId && claim.kind === 'mine' && (
        <AppealDecision
          api={api}
          accountNumber={accountNumber}
          caseId={account.caseId}
          decided={(c) => setAccount({ ...account, bankRestriction: c, list: undefined })}
        />
      )}
      {account?.bankRestriction?.decision && (
        <p class="decided" role="status">
          已决定：{account.bankRestriction.decision.decision === 'LIFT' ? '解除限制' : '维持限制'}（
          {account.bankRestriction.decision.decidedBy}）。
        </p>
      )}
      <p class="hint">
        快捷键：<kbd>j</kbd>/<kbd>k</kbd> 下一户/上一户，<kbd>q</kbd> 返回名单。
      </p>
    </main>
  );
}

/** What kind of refusal a decision met, by its code, before the API's own words. */
const DECISION_REFUSED_AS: Partial<Record<ProblemCode, string>> = {
  RESTRICTION_NOT_AWAITING: '案件已不在待决定状态：',
  RESTRICTION_UNSIGNED: '签名未通过：',
  FORBIDDEN: '无权决定：',
  NOT_FOUND: '案件不存在：',
  CONFLICT: '无法决定：',
  INVALID_REQUEST: '请求有误：',
};

/** The claim holder's decision on an appealed restriction: lift or uphold, with a note. */
function AppealDecision(props: {
  api: ApiClient;
  accountNumber: string;
  caseId: string;
  decided: (c: BankRestrictionCase) => void;
}) {
  const [decision, setDecision] = useState<RestrictionDecisionRequest['decision']>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const send = async (e: Event) => {
    e.preventDefault();
    if (!decision || busy) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      props.decided(await props.api.decideRestriction(props.accountNumber, props.caseId, { decision, note }));
    } catch (err) {
      if (err instanceof ApiError)
        setRefusal(`${(err.code && DECISION_REFUSED_AS[err.code]) ?? ''}${err.detail}`);
      else setRefusal(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="decision appeal-decision" aria-label="申诉决定" onSubmit={send}>
      <fieldset>
        <legend>申诉决定</legend>
        <label>
          <input
            type="radio"
            name="decision"
            value="LIFT"
            checked={decision === 'LIFT'}
            onChange={() => setDecision('LIFT')}
          />
          解除限制
        </label>
        <label>
          <input
            type="radio"
            name="decision"
            value="UPHOLD"
            checked={decision === 'UPHOLD'}
            onChange={() => setDecision('UPHOLD')}
          />
          维持限制（客户须到网点处理）
        </label>
      </fieldset>
      <label>
        说明（必填）
        <textarea
          name="note"
          required
          value={note}
          onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      {refusal && (
        <p role="alert" class="error">
          {refusal}
        </p>
      )}
      <button type="submit" disabled={!decision || note.trim() === '' || busy}>
        提交决定
      </button>
    </form>
  );
}
