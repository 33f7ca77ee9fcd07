/** Each check of the application, with its outcome and reasons. */
import type { ApplicationView } from '../../../sdk/index';
import { label, OUTCOME, REASON, STEP } from '../labels';

export function Checks({ application }: { application?: ApplicationView }) {
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">各项检查</h2>
      {application ? (
        <table class="checks">
          <thead>
            <tr>
              <th scope="col">检查</th>
              <th scope="col">结果</th>
              <th scope="col">原因</th>
            </tr>
          </thead>
          <tbody>
            {application.steps.map((s) => (
              <tr key={s.step} class={`outcome-${s.outcome}`}>
                <td>{label(STEP, s.step)}</td>
                <td>{label(OUTCOME, s.outcome)}</td>
                <td>{s.reasons.map((r) => `${label(REASON, r)} (${r})`).join('、') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="hint">申请记录不可读（可能已超过保留期）。</p>
      )}
    </section>
  );
}
