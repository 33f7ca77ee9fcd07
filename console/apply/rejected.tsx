/** The application was not accepted: why, in plain words, and how to apply again. */
import { reasonText } from './texts';

export function Rejected({
  reasons,
  fromSession,
  restart,
}: {
  reasons: string[];
  /** A session is for one application: a new one starts from the host app. */
  fromSession: boolean;
  restart(): void;
}) {
  return (
    <section aria-labelledby="rejected-title">
      <h2 id="rejected-title" tabIndex={-1}>
        很抱歉，暂时无法为您开户
      </h2>
      <ul class="reasons">
        {(reasons.length ? reasons : ['']).map((r) => (
          <li key={r}>{r ? reasonText(r) : '申请未通过。'}</li>
        ))}
      </ul>
      {fromSession ? (
        <p class="notice">如需重新申请，请返回 App 重新进入。</p>
      ) : (
        <button type="button" onClick={restart}>
          重新申请
        </button>
      )}
    </section>
  );
}
