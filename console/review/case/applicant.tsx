/** The applicant's entries, masked until revealed (each reveal audited by the API). */
import { useState } from 'preact/hooks';
import type { ApiClient, CaseFile } from '../../../sdk/index';
import { messageOf } from '../../shared/format';

export function Applicant({ api, reviewId, file }: { api: ApiClient; reviewId: string; file: CaseFile }) {
  const [shown, setShown] = useState<Partial<Record<'name' | 'idNumber', string>>>({});
  const [error, setError] = useState<string>();
  const reveal = async (field: 'name' | 'idNumber') => {
    try {
      const value = await api.revealApplicant(reviewId, field);
      setShown((s) => ({ ...s, [field]: value }));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const row = (field: 'name' | 'idNumber', title: string) => (
    <div>
      <dt>{title}</dt>
      <dd>
        <span class="entered" data-field={field}>
          {shown[field] ?? file.applicant[field]}
        </span>
        {shown[field] === undefined && (
          <button
            type="button"
            class="link"
            onClick={() => reveal(field)}
            aria-label={`显示完整${title}（记入审计日志）`}
          >
            显示
          </button>
        )}
      </dd>
    </div>
  );
  return (
    <section aria-labelledby="applicant-title">
      <h2 id="applicant-title">申请人填写的信息</h2>
      <dl class="applicant">
        {row('name', '姓名')}
        {row('idNumber', '身份证号')}
      </dl>
      <p class="hint">默认遮蔽；点“显示”会记入审计日志。</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </section>
  );
}
