/** Core banking's unfinished part of a decision, retried by the review. */
import type { ReviewCase } from '../../../sdk/index';
import { formatTime, relative } from '../../shared/format';
import { BANK_ACTION, BANK_ERROR, label } from '../labels';

/** Core banking has not done its part of a decision yet: the review retries it with back-off. */
export function PendingAction({ action }: { action: NonNullable<ReviewCase['pendingAction']> }) {
  return (
    <section class="pending-action" aria-labelledby="pending-action-title">
      <h2 id="pending-action-title">核心系统尚未完成</h2>
      <dl>
        <div>
          <dt>待办</dt>
          <dd>
            {label(BANK_ACTION, action.action)}（{action.action}）
            {action.holdId && (
              <>
                {' '}
                · <code>{action.holdId}</code>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>已尝试</dt>
          <dd>
            {action.attempts} 轮，自 {formatTime(action.since)} 起
          </dd>
        </div>
        <div>
          <dt>最近错误</dt>
          <dd>
            {label(BANK_ERROR, action.lastError)}（{action.lastError}）
          </dd>
        </div>
        <div>
          <dt>下次尝试</dt>
          <dd>
            {formatTime(action.nextAttemptAt)}（{relative(action.nextAttemptAt)}）
          </dd>
        </div>
      </dl>
      <p class="hint">系统会自动重试，运营已收到告警；完成后本案继续。</p>
    </section>
  );
}
