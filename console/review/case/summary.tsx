/** The case at a glance: status and round, SLA, reasons, the account, its holds, flow and channel. */
import type { AccountView, ReviewCase } from '../../../sdk/index';
import { formatTime, relative } from '../../shared/format';
import { ACCOUNT_STATUS, CHANNEL, HOLD, label, REASON, STATUS } from '../labels';

export function Summary({ review, account }: { review: ReviewCase; account?: AccountView }) {
  const frozen = review.hold === 'FROZEN' || account?.status === 'FROZEN';
  return (
    <dl class={`summary${review.escalated ? ' escalated' : ''}${frozen ? ' frozen' : ''}`}>
      <div>
        <dt>状态</dt>
        <dd>
          {label(STATUS, review.status)} · 第 {review.round} 轮
          {review.escalated && <span class="tag escalated">已升级（超 SLA）</span>}
          {review.reportable && <span class="tag reportable">须上报监管（reportable）</span>}
        </dd>
      </div>
      <div>
        <dt>SLA 到期</dt>
        <dd>{review.slaDueAt ? `${formatTime(review.slaDueAt)}（${relative(review.slaDueAt)}）` : '—'}</dd>
      </div>
      <div>
        <dt>原因</dt>
        <dd>{review.reasons.map((r) => `${label(REASON, r)} ${r}`).join('、')}</dd>
      </div>
      <div>
        <dt>账户</dt>
        <dd>
          {review.accountNumber}
          {account && (
            <>
              {' '}
              · <span class={`tag account-${account.status}`}>{label(ACCOUNT_STATUS, account.status)}</span>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>账户限制</dt>
        <dd>
          <span class={`tag hold-${review.hold}`}>{label(HOLD, review.hold)}</span>
          {account?.holds.length ? (
            <ul class="holds">
              {account.holds.map((h) => (
                <li key={h.holdId}>
                  {label(HOLD, h.type)} · {h.reason} · {formatTime(h.placedAt)}
                </li>
              ))}
            </ul>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>流程 / 渠道</dt>
        <dd>
          {review.flowVersion} / {label(CHANNEL, review.channel)}
        </dd>
      </div>
    </dl>
  );
}
