/** A proposal waiting for its second decision, and its confirmation for those offered it. */
import { useState } from 'preact/hooks';
import type { ApiClient, CallerView, ReviewCase } from '../../../sdk/index';
import { formatTime } from '../../shared/format';
import { decisionText, mayConfirm, needsNote, needsSupervisor, proposalOf } from './rules';
import { useDecide } from './use-decide';

/**
 * The first decision of the round, waiting for its second: who proposed what, who must confirm
 * it, and, for those who may, the confirmation (the same decision and reason, with their note).
 */
export function Proposal(props: {
  api: ApiClient;
  me: CallerView;
  review: ReviewCase;
  canDecide: boolean;
  after(updated: ReviewCase): void;
}) {
  const { api, me, review, canDecide } = props;
  const proposal = proposalOf(review)!;
  const { send, busy, refusal } = useDecide(api, review, props.after);
  const [note, setNote] = useState('');
  const { name, reason } = decisionText(proposal);
  const terminal = needsSupervisor(proposal.decision);
  const confirm = (e?: Event) => {
    e?.preventDefault();
    if (!canDecide) return;
    void send({
      round: review.round,
      decision: proposal.decision,
      reasonCode: proposal.reasonCode,
      ...(note.trim() && { note: note.trim() }),
    });
  };
  return (
    <section class="proposal" aria-labelledby="proposal-title">
      <h2 id="proposal-title">待复核的提议</h2>
      <p>
        <strong>{proposal.operator}</strong>
        {proposal.supervisor && '（主管）'} 于 {formatTime(proposal.decidedAt)} 提议
        <strong class="proposed">{name}</strong>：{reason}
        {proposal.note && <q>{proposal.note}</q>}
      </p>
      <p>
        {terminal
          ? `须由主管发送相同的决定（${name}）确认后生效。`
          : '须由另一位审核员同样批准后生效（名单疑似命中须两人批准）。'}
        其他决定将取代此提议。
      </p>
      {proposal.operator === me.id ? (
        <p class="hint">这是你的提议：须由他人复核，你不能再决定本轮。</p>
      ) : mayConfirm(me, proposal) ? (
        <form onSubmit={confirm}>
          <fieldset disabled={!canDecide || busy}>
            <label class="block">
              复核备注{needsNote(proposal.decision) && '（必填）'}
              <textarea
                name="confirm-note"
                rows={2}
                maxLength={1000}
                required={needsNote(proposal.decision)}
                value={note}
                onInput={(e) => setNote(e.currentTarget.value)}
                onKeyDown={(e) => {
                  // Ctrl+Enter here confirms the proposal, not whatever the form below has chosen.
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    e.stopPropagation();
                    confirm();
                  }
                }}
              />
            </label>
            <button type="submit" class={proposal.decision === 'APPROVE' ? 'approve' : 'reject'}>
              确认{name}
              {terminal && '（主管）'}
            </button>
          </fieldset>
          {!canDecide && <p class="hint">需先认领本案才能确认。</p>}
        </form>
      ) : (
        <p class="hint">你不是主管，不能确认此提议；可以在下方作出不同的决定。</p>
      )}
      {refusal && (
        <p role="alert" class="error refusal">
          {refusal}
        </p>
      )}
    </section>
  );
}
