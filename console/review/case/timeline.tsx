/** The case's history: decisions and re-submissions, oldest first. */
import type { ReviewCase } from '../../../sdk/index';
import { formatTime } from '../../shared/format';
import { label, REASON } from '../labels';
import { decisionText } from './rules';

export function Timeline({ review }: { review: ReviewCase }) {
  const items = [
    ...review.decisions.map((d, i) => {
      const { name, reason } = decisionText(d);
      const verb = d.stage === 'FIRST' ? `提议${name}` : d.stage === 'SECOND' ? `确认${name}` : name;
      return {
        at: d.decidedAt,
        // A round may hold two decisions (a proposal and its confirmation, or one replaced).
        key: `d-${i}`,
        text: (
          <>
            <strong>{d.operator}</strong>
            {d.supervisor && '（主管）'} {verb}第 {d.round} 轮：{reason}
            {d.note && <q>{d.note}</q>}
          </>
        ),
        kind: d.decision === 'APPROVE' ? 'approve' : 'reject',
      };
    }),
    ...review.resubmissions.map((r, i) => ({
      at: r.at,
      key: `r-${i}`,
      text: (
        <>
          客户重新上传证件（第 {r.round} 轮后）：
          {r.accepted
            ? '通过检查，开启下一轮'
            : `未通过：${r.reasons.map((c) => label(REASON, c)).join('、')}`}
        </>
      ),
      kind: 'resubmit',
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">决定记录</h2>
      {items.length ? (
        <ol class="timeline">
          {items.map((item) => (
            <li key={item.key} class={item.kind}>
              <time dateTime={item.at}>{formatTime(item.at)}</time> {item.text}
            </li>
          ))}
        </ol>
      ) : (
        <p class="hint">尚无决定。</p>
      )}
    </section>
  );
}
