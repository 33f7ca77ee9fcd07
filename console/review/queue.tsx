/**
 * The queue: filters (status, escalated, hold, reason, flow version, channel), oldest case first,
 * the SLA due time, who holds a case, and paging by the API's page tokens. Escalated cases and
 * frozen accounts stand out. Keys: j/k move, Enter opens.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { flowVersionSchema } from '../../domain/identifiers';
import type { ApiClient, CallerView, ReviewFilterInput, ReviewPage } from '../../sdk/index';
import { formatTime, messageOf, relative } from '../shared/format';
import { CHANNEL, HOLD, label, REASON, STATUS } from './labels';
import { useListKeys } from './list-keys';

export interface QueueState {
  filter: ReviewFilterInput;
  /** The tokens of the pages before this one, and of this one (undefined: the first page). */
  tokens: (string | undefined)[];
  page?: ReviewPage;
  selected: number;
}

export const PAGE_SIZE = 50;
export const emptyQueue = (): QueueState => ({
  filter: { status: 'PENDING', limit: PAGE_SIZE },
  tokens: [undefined],
  selected: 0,
});

interface Props {
  api: ApiClient;
  me: CallerView;
  state: QueueState;
  setState: (update: (s: QueueState) => QueueState) => void;
  open: (reviewId: string) => void;
}

const FILTERS = {
  status: { label: '状态', options: STATUS },
  escalated: { label: '已升级', options: { true: '是', false: '否' } },
  hold: { label: '账户限制', options: HOLD },
  reason: { label: '原因', options: REASON },
  // Every flow the service runs, from the one list of them.
  flowVersion: {
    label: '流程版本',
    options: Object.fromEntries(flowVersionSchema.options.map((v) => [v, v])),
  },
  channel: { label: '渠道', options: CHANNEL },
} as const;
type FilterKey = keyof typeof FILTERS;

export function QueuePage({ api, me, state, setState, open }: Props) {
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const token = state.tokens[state.tokens.length - 1];
  const table = useRef<HTMLTableElement>(null);
  const rows = state.page?.reviews ?? [];

  // Loads the page of the current filter and token; visibility may lag a new case by a moment.
  const [reload, setReload] = useState(0);
  const filterKey = JSON.stringify(state.filter);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    api
      .listReviewPage({ ...state.filter, ...(token && { pageToken: token }) })
      .then(
        (page) =>
          live && setState((s) => ({ ...s, page, selected: Math.min(s.selected, page.reviews.length - 1) })),
      )
      .catch((err: unknown) => live && setError(messageOf(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, filterKey, token, reload]);

  // j/k and Enter, unless the operator is typing in a field.
  useListKeys(
    rows,
    state.selected,
    (selected) => setState((s) => ({ ...s, selected })),
    (r) => open(r.reviewId),
  );

  useEffect(() => {
    table.current?.querySelector<HTMLElement>('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [state.selected]);

  const setFilter = (key: FilterKey, value: string) =>
    setState((s) => {
      const filter: ReviewFilterInput = { ...s.filter };
      if (value) (filter as Record<string, string>)[key] = value;
      else delete (filter as Record<string, unknown>)[key];
      return { ...s, filter, tokens: [undefined], page: undefined, selected: 0 };
    });

  const now = Date.now();
  return (
    <main class="queue">
      <h1>审核队列</h1>
      <form class="filters" aria-label="筛选" onSubmit={(e) => e.preventDefault()}>
        {(Object.keys(FILTERS) as FilterKey[]).map((key) => (
          <label key={key}>
            {FILTERS[key].label}
            <select
              name={key}
              value={String((state.filter as Record<string, unknown>)[key] ?? '')}
              onChange={(e) => setFilter(key, e.currentTarget.value)}
            >
              <option value="">全部</option>
              {Object.entries(FILTERS[key].options).map(([code, text]) => (
                <option key={code} value={code}>
                  {text}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          每页
          <select
            name="limit"
            value={String(state.filter.limit ?? PAGE_SIZE)}
            onChange={(e) => {
              const limit = Number(e.currentTarget.value);
              setState((st) => ({
                ...st,
                filter: { ...st.filter, limit },
                tokens: [undefined],
                page: undefined,
                selected: 0,
              }));
            }}
          >
            {[50, 100, 200, 500].map((n) => (
              <option key={n} value={n}>
                {n} 件
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          刷新
        </button>
      </form>
      <p class="hint">
        最早的案件在前。快捷键：<kbd>j</kbd>/<kbd>k</kbd> 上下移动，<kbd>Enter</kbd> 打开案件（打开即认领）。
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <table ref={table} aria-busy={loading} aria-label="待审核案件">
        <thead>
          <tr>
            <th scope="col">开案时间</th>
            <th scope="col">SLA 到期</th>
            <th scope="col">账户</th>
            <th scope="col">状态</th>
            <th scope="col">轮次</th>
            <th scope="col">原因</th>
            <th scope="col">流程 / 渠道</th>
            <th scope="col">账户限制</th>
            <th scope="col">处理人</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const overdue = r.slaDueAt !== undefined && new Date(r.slaDueAt).getTime() < now;
            const classes = [
              i === state.selected && 'selected',
              r.escalated && 'escalated',
              r.hold === 'FROZEN' && 'frozen',
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <tr
                key={r.reviewId}
                class={classes}
                data-review={r.reviewId}
                aria-selected={i === state.selected}
                onClick={() => open(r.reviewId)}
              >
                <td>{formatTime(r.openedAt)}</td>
                <td class={overdue ? 'overdue' : undefined}>
                  {r.slaDueAt ? (
                    <>
                      {formatTime(r.slaDueAt)}
                      <br />
                      <small>{relative(r.slaDueAt, now)}</small>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <a
                    href={`#/case/${r.reviewId}`}
                    onClick={(e) => {
                      e.preventDefault();
                      open(r.reviewId);
                    }}
                  >
                    {r.accountNumber}
                  </a>
                </td>
                <td>
                  {label(STATUS, r.status)}
                  {r.escalated && <span class="tag escalated">已升级</span>}
                </td>
                <td>{r.round}</td>
                <td>{r.reasons.map((code) => label(REASON, code)).join('、')}</td>
                <td>
                  {r.flowVersion ?? '—'} / {r.channel ? label(CHANNEL, r.channel) : '—'}
                </td>
                <td>
                  <span class={`tag hold-${r.hold}`}>{label(HOLD, r.hold)}</span>
                </td>
                <td>
                  {r.claim
                    ? `${r.claim.claimedBy === me.id ? '我' : r.claim.claimedBy}（至 ${formatTime(r.claim.until).slice(-5)}）`
                    : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!loading && rows.length === 0 && !error && <p class="empty">没有符合条件的案件。</p>}
      <nav class="pager" aria-label="翻页">
        <button
          type="button"
          disabled={state.tokens.length <= 1}
          onClick={() =>
            setState((s) => ({ ...s, tokens: s.tokens.slice(0, -1), page: undefined, selected: 0 }))
          }
        >
          上一页
        </button>
        <span>
          第 {state.tokens.length} 页 · 本页 {rows.length} 件
        </span>
        <button
          type="button"
          disabled={!state.page?.nextPageToken}
          onClick={() =>
            setState((s) => ({
              ...s,
              tokens: [...s.tokens, s.page?.nextPageToken],
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
