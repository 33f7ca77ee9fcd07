/**
 * The funnel as a chart: per flow version and channel, for applications started in the chosen
 * period, how many reached each step and how they left it (passed, rejected, abandoned, still
 * waiting). One SVG of stacked bars per row, with the same numbers in a table beside it for
 * screen readers and copying.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, FunnelRow } from '../../sdk/index';
import { messageOf } from '../shared/format';
import { CHANNEL, label, STEP } from './labels';
import { ReVerificationFunnelSection } from './re-verification-funnel';

const PERIODS = {
  '1h': { label: '最近 1 小时', ms: 3600_000 },
  '24h': { label: '最近 24 小时', ms: 24 * 3600_000 },
  '7d': { label: '最近 7 天', ms: 7 * 24 * 3600_000 },
  '30d': { label: '最近 30 天', ms: 30 * 24 * 3600_000 },
  all: { label: '全部', ms: 0 },
} as const;
type Period = keyof typeof PERIODS;

const PARTS = [
  ['passed', '通过'],
  ['rejected', '拒绝'],
  ['abandoned', '放弃'],
  ['waiting', '等待中'],
] as const;

export function FunnelPage({ api }: { api: ApiClient }) {
  const [period, setPeriod] = useState<Period>('24h');
  const [rows, setRows] = useState<FunnelRow[]>();
  const [error, setError] = useState<string>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    const ms = PERIODS[period].ms;
    setError(undefined);
    api
      .funnel(ms ? { from: new Date(Date.now() - ms).toISOString() } : {})
      .then((r) => live && setRows(r))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [api, period, reload]);

  const shown = rows?.filter((r) => r.started > 0) ?? [];
  return (
    <main class="funnel">
      <h1>转化漏斗</h1>
      <form class="filters" aria-label="时间段" onSubmit={(e) => e.preventDefault()}>
        <label>
          申请开始于
          <select name="period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
            {Object.entries(PERIODS).map(([key, p]) => (
              <option key={key} value={key}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          刷新
        </button>
      </form>
      <ul class="legend" aria-hidden="true">
        {PARTS.map(([key, text]) => (
          <li key={key}>
            <span class={`swatch ${key}`} />
            {text}
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {rows && shown.length === 0 && <p class="empty">这段时间没有申请。</p>}
      {shown.map((row) => (
        <FunnelChart key={`${row.flowVersion}-${row.channel}`} row={row} />
      ))}
      <ReVerificationFunnelSection api={api} periodMs={PERIODS[period].ms} reload={reload} />
    </main>
  );
}

function FunnelChart({ row }: { row: FunnelRow }) {
  const title = `${row.flowVersion} · ${label(CHANNEL, row.channel)} · 共 ${row.started} 件申请`;
  const barHeight = 26;
  const gap = 10;
  const labelWidth = 120;
  const width = 640;
  const plot = width - labelWidth - 60;
  const height = row.steps.length * (barHeight + gap) + gap;
  const scale = (n: number) => (row.started ? (n / row.started) * plot : 0);
  const id = `funnel-${row.flowVersion}-${row.channel}`;
  return (
    <section class="funnel-row" aria-labelledby={id} data-funnel={`${row.flowVersion}-${row.channel}`}>
      <h2 id={id}>{title}</h2>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title}：每一步的到达、通过、拒绝、放弃与等待人数`}
      >
        {row.steps.map((s, i) => {
          const y = gap + i * (barHeight + gap);
          let x = labelWidth;
          return (
            <g key={s.step}>
              <text
                x={labelWidth - 8}
                y={y + barHeight / 2}
                text-anchor="end"
                dominant-baseline="middle"
                class="step"
              >
                {label(STEP, s.step)}
              </text>
              {PARTS.map(([key]) => {
                const w = scale(s[key]);
                const rect = w > 0 && (
                  <rect key={key} x={x} y={y} width={w} height={barHeight} class={`bar ${key}`}>
                    <title>{`${label(STEP, s.step)}：${PARTS.find((p) => p[0] === key)![1]} ${s[key]}`}</title>
                  </rect>
                );
                x += w;
                return rect;
              })}
              <text x={x + 6} y={y + barHeight / 2} dominant-baseline="middle" class="count">
                {s.reached}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="funnel-table">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">步骤</th>
            <th scope="col">到达</th>
            {PARTS.map(([key, text]) => (
              <th key={key} scope="col">
                {text}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row.steps.map((s) => (
            <tr key={s.step} data-step={s.step}>
              <th scope="row">{label(STEP, s.step)}</th>
              <td data-col="reached">{s.reached}</td>
              {PARTS.map(([key]) => (
                <td key={key} data-col={key}>
                  {s[key]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
