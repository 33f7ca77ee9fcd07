/**
 * Re-verification outcomes beside the funnel's charts: of the cases started in the chosen period,
 * how many passed, failed (by the class of the reason that stopped them), are being checked, or
 * ended without an outcome, as GET /v1/funnel/re-verifications counts them through visibility.
 * One stacked bar and the same numbers in a table.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, ReVerificationFunnel } from '../../sdk/index';
import { messageOf } from '../shared/format';
import { FAILURE_CLASS, label } from './labels';

type Part = { key: string; text: string; n: number; bar: string };

const partsOf = (f: ReVerificationFunnel): Part[] => [
  { key: 'passed', text: '通过', n: f.passed, bar: 'passed' },
  ...Object.entries(f.failedBy).map(([cls, n]) => ({
    key: `failed-${cls}`,
    text: `未通过：${label(FAILURE_CLASS, cls)}`,
    n,
    bar: 'rejected',
  })),
  { key: 'inProgress', text: '核验中', n: f.inProgress, bar: 'waiting' },
  { key: 'undecided', text: '未得出结果', n: f.undecided, bar: 'abandoned' },
];

export function ReVerificationFunnelSection(props: { api: ApiClient; periodMs: number; reload: number }) {
  const { api, periodMs, reload } = props;
  const [funnel, setFunnel] = useState<ReVerificationFunnel>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    api
      .reVerificationFunnel(periodMs ? { from: new Date(Date.now() - periodMs).toISOString() } : {})
      .then((f) => live && setFunnel(f))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [api, periodMs, reload]);

  const title = `重新核验 · 共 ${funnel?.started ?? 0} 件`;
  const width = 640;
  const height = 36;
  let x = 0;
  return (
    <section class="funnel-row re-verification-funnel" aria-labelledby="funnel-re-verification">
      <h2 id="funnel-re-verification">{title}</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {funnel && funnel.started === 0 && <p class="empty">这段时间没有重新核验。</p>}
      {funnel && funnel.started > 0 && (
        <>
          <svg
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-label={`${title}：通过、未通过、核验中与未得出结果`}
          >
            {partsOf(funnel).map((p) => {
              const w = (p.n / funnel.started) * width;
              const rect = w > 0 && (
                <rect key={p.key} x={x} y={4} width={w} height={height - 8} class={`bar ${p.bar}`}>
                  <title>{`${p.text} ${p.n}`}</title>
                </rect>
              );
              x += w;
              return rect;
            })}
          </svg>
          <table class="funnel-table">
            <caption>{title}</caption>
            <tbody>
              <tr data-outcome="started">
                <th scope="row">开始</th>
                <td>{funnel.started}</td>
              </tr>
              {partsOf(funnel).map((p) => (
                <tr key={p.key} data-outcome={p.key}>
                  <th scope="row">{p.text}</th>
                  <td>{p.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
