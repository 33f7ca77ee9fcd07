/** The decision on the open round: kind, reason and note, with the keyboard shortcuts. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { DECIDING } from '../../../domain/review-status';
import type { ApiClient, CallerView, DecisionRequest, ReviewCase } from '../../../sdk/index';
import { DECISION, type DecisionKind } from '../labels';
import { isTyping } from '../list-keys';
import { needsNote, needsSupervisor, proposalOf } from './rules';
import { Shortcuts } from './shortcuts';
import { useDecide } from './use-decide';

export function DecisionForm(props: {
  api: ApiClient;
  me: CallerView;
  review: ReviewCase;
  canDecide: boolean;
  after(updated: ReviewCase): void;
  next(): void;
  previous(): void;
  back(): void;
}) {
  const { api, me, review } = props;
  const proposal = proposalOf(review);
  // The proposer may not decide the round again; the proposal's own kind, sent again, is the
  // confirmation above: this form offers the decisions that replace it.
  const canDecide = props.canDecide && proposal?.operator !== me.id;
  const kinds = (Object.keys(DECISION) as DecisionKind[]).filter((k) => k !== proposal?.decision);
  const defaultReason = (d: DecisionKind) =>
    d === 'APPROVE'
      ? review.round > 1
        ? 'RESUBMITTED_DOCUMENT_VERIFIED'
        : 'DOCUMENT_LEGIBLE_ON_INSPECTION'
      : d === 'REJECT'
        ? 'DOCUMENT_ILLEGIBLE'
        : Object.keys(DECISION[d].reasons)[0]!;
  const [decision, setDecision] = useState<DecisionKind>(kinds[0]!);
  const [reason, setReason] = useState(defaultReason(kinds[0]!));
  const [note, setNote] = useState('');
  const { send, busy, refusal } = useDecide(api, review, props.after);
  const reasonRef = useRef<HTMLSelectElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);

  /** From a shortcut, the note gets the focus: Ctrl+Enter decides from there (Shift+Tab: the reason). */
  const choose = (d: DecisionKind, focus = false) => {
    if (!kinds.includes(d)) return;
    setDecision(d);
    setReason(defaultReason(d));
    if (focus) noteRef.current?.focus();
  };

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (!canDecide) return;
    await send({
      round: review.round,
      decision,
      reasonCode: reason as DecisionRequest['reasonCode'],
      ...(note.trim() && { note: note.trim() }),
    });
  };
  const submitRef = useRef(submit);
  submitRef.current = submit;
  const chooseRef = useRef(choose);
  chooseRef.current = choose;
  const { next, previous, back } = props;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void submitRef.current();
        return;
      }
      if (e.key === 'Escape' && isTyping(e.target)) {
        (e.target as HTMLElement).blur();
        return;
      }
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const actions: Record<string, () => void> = {
        j: next,
        k: previous,
        q: back,
        a: () => chooseRef.current('APPROVE', true),
        r: () => chooseRef.current('REJECT', true),
        n: () => noteRef.current?.focus(),
      };
      const action = actions[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [next, previous, back]);

  const { name, reasons } = DECISION[decision];
  return (
    <section class="decide" aria-labelledby="decide-title">
      <h2 id="decide-title">决定第 {review.round} 轮</h2>
      <form onSubmit={submit}>
        <fieldset disabled={!canDecide || busy}>
          <legend>{proposal ? `决定（将取代 ${proposal.operator} 的提议）` : '决定'}</legend>
          {kinds.map((k) => (
            <label key={k}>
              <input
                type="radio"
                name="decision"
                value={k}
                checked={decision === k}
                onChange={() => choose(k)}
              />
              {DECISION[k].name}
              {k === 'APPROVE' ? ' (a)' : k === 'REJECT' ? ' (r)' : ''}
            </label>
          ))}
          {needsSupervisor(decision) && (
            <p class="hint">{name}须经主管确认才生效：提交后本案待复核，账户暂不变动。</p>
          )}
          <label class="block">
            原因代码
            <select
              ref={reasonRef}
              name="reasonCode"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            >
              {Object.entries(reasons).map(([code, text]) => (
                <option key={code} value={code}>
                  {text}（{code}）
                </option>
              ))}
            </select>
          </label>
          <label class="block">
            备注 (n){needsNote(decision) && `，${name}时必填`}
            <textarea
              ref={noteRef}
              name="note"
              rows={3}
              maxLength={1000}
              required={needsNote(decision)}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class={decision === 'APPROVE' ? 'approve' : 'reject'}>
            {name}并进入下一件 (Ctrl+Enter)
          </button>
        </fieldset>
        {!canDecide && (
          <p class="hint">
            {proposal?.operator === me.id
              ? '本轮的决定已由你提出，等待他人复核。'
              : DECIDING.includes(review.status)
                ? '需先认领待审核的案件才能决定。'
                : '本案当前没有待决定的轮次。'}
          </p>
        )}
        {refusal && (
          <p role="alert" class="error refusal">
            {refusal}
          </p>
        )}
      </form>
      <Shortcuts />
    </section>
  );
}
