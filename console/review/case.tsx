/**
 * One case: opening it to decide claims it (a lease the API enforces); the ID photos side by
 * side with zoom and rotate (each view audited by the API); the applicant's entries masked until
 * revealed (audited); each check's outcome; the decision history as a timeline; holds and the
 * account's status; the decision form with its keyboard shortcuts.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  type AccountView,
  type ApiClient,
  ApiError,
  type ApplicationView,
  type CallerView,
  type CaseFile,
  type Claim,
  type ReviewCase,
} from '../../sdk/index';
import { formatTime, messageOf, relative } from '../shared/format';
import {
  ACCOUNT_STATUS,
  APPROVE_REASONS,
  CHANNEL,
  HOLD,
  label,
  OUTCOME,
  REASON,
  REJECT_REASONS,
  STATUS,
  STEP,
} from './labels';

type ClaimState =
  | { kind: 'claiming' }
  | { kind: 'mine'; claim: Claim }
  | { kind: 'theirs'; claimedBy: string; until?: string }
  | { kind: 'closed'; why: string }
  | { kind: 'released' };

interface Props {
  api: ApiClient;
  me: CallerView;
  reviewId: string;
  next(): void;
  previous(): void;
  back(): void;
  decided(reviewId: string, status: ReviewCase['status']): void;
}

export const SHORTCUTS: [string, string][] = [
  ['j', '下一件'],
  ['k', '上一件'],
  ['a', '批准'],
  ['r', '驳回'],
  ['n', '填写备注'],
  ['Ctrl+Enter', '提交决定'],
  ['q', '返回队列'],
];

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;

export function CasePage({ api, me, reviewId, next, previous, back, decided }: Props) {
  const [review, setReview] = useState<ReviewCase>();
  const [file, setFile] = useState<CaseFile>();
  const [application, setApplication] = useState<ApplicationView>();
  const [account, setAccount] = useState<AccountView>();
  const [claim, setClaim] = useState<ClaimState>({ kind: 'claiming' });
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const [r, f] = await Promise.all([api.getReview(reviewId), api.getCaseFile(reviewId)]);
      setReview(r);
      setFile(f);
      const [app, acc] = await Promise.allSettled([
        api.getApplication(r.applicationId),
        api.getAccount(r.accountNumber),
      ]);
      if (app.status === 'fulfilled') setApplication(app.value);
      if (acc.status === 'fulfilled') setAccount(acc.value);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [api, reviewId]);

  const takeClaim = useCallback(async () => {
    try {
      setClaim({ kind: 'mine', claim: await api.claimReview(reviewId) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.claimedBy) {
        setClaim({ kind: 'theirs', claimedBy: err.claimedBy, until: err.claimedUntil });
      } else if (err instanceof ApiError && err.status === 409) {
        setClaim({ kind: 'closed', why: err.detail });
      } else {
        setError(messageOf(err));
      }
    }
  }, [api, reviewId]);

  // Open = claim; leave = release (unless decided: the decision ended the claim).
  const mine = useRef(false);
  mine.current = claim.kind === 'mine';
  useEffect(() => {
    void takeClaim();
    void load();
    return () => {
      if (mine.current) void api.releaseClaim(reviewId).catch(() => {});
    };
  }, [api, reviewId, takeClaim, load]);

  // Renew the lease half-way through while the case stays open.
  useEffect(() => {
    if (claim.kind !== 'mine') return;
    const left = new Date(claim.claim.until).getTime() - Date.now();
    const timer = setTimeout(() => void takeClaim(), Math.max(5_000, left / 2));
    return () => clearTimeout(timer);
  }, [claim, takeClaim]);

  const release = async () => {
    try {
      await api.releaseClaim(reviewId);
      mine.current = false;
      setClaim({ kind: 'released' });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main class="case" aria-labelledby="case-title">
      <div class="case-head">
        <h1 id="case-title">
          案件 <code>{reviewId}</code>
        </h1>
        <button type="button" class="link" onClick={back}>
          返回队列 (q)
        </button>
      </div>
      <ClaimBanner claim={claim} me={me} release={release} retake={takeClaim} />
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {review && (
        <>
          <Summary review={review} account={account} />
          <div class="columns">
            <section class="photos-col" aria-labelledby="photos-title">
              <h2 id="photos-title">身份证照片</h2>
              {file ? (
                <Photos api={api} reviewId={reviewId} file={file} round={review.round} />
              ) : (
                <p>加载中…</p>
              )}
            </section>
            <section class="facts-col">
              {file && <Applicant api={api} reviewId={reviewId} file={file} />}
              <Checks application={application} />
              <Timeline review={review} />
            </section>
          </div>
          <DecisionForm
            api={api}
            review={review}
            canDecide={claim.kind === 'mine' && review.status === 'PENDING'}
            after={(updated) => {
              mine.current = false;
              decided(reviewId, updated.status);
              next();
            }}
            next={next}
            previous={previous}
            back={back}
          />
        </>
      )}
    </main>
  );
}

function ClaimBanner(props: { claim: ClaimState; me: CallerView; release(): void; retake(): void }) {
  const { claim, me } = props;
  switch (claim.kind) {
    case 'claiming':
      return <p class="claim">正在认领…</p>;
    case 'mine':
      return (
        <p class="claim mine" role="status">
          已由你认领，至 {formatTime(claim.claim.until)}。其他人在此期间不能决定本案。
          <button type="button" class="link" onClick={props.release}>
            释放
          </button>
        </p>
      );
    case 'theirs':
      return (
        <p class="claim theirs" role="alert">
          本案正由 <strong>{claim.claimedBy}</strong> 处理
          {claim.until && <>，至 {formatTime(claim.until)}</>}。在其释放或认领到期前，你不能作出决定。
          {me.role === 'supervisor' && (
            <button type="button" onClick={props.release}>
              以主管身份释放
            </button>
          )}
          <button type="button" class="link" onClick={props.retake}>
            重试认领
          </button>
        </p>
      );
    case 'closed':
      return (
        <p class="claim closed" role="status">
          本案当前无需决定：{claim.why}
        </p>
      );
    case 'released':
      return (
        <p class="claim" role="status">
          认领已释放。
          <button type="button" class="link" onClick={props.retake}>
            重新认领
          </button>
        </p>
      );
  }
}

function Summary({ review, account }: { review: ReviewCase; account?: AccountView }) {
  const frozen = review.hold === 'FROZEN' || account?.status === 'FROZEN';
  return (
    <dl class={`summary${review.escalated ? ' escalated' : ''}${frozen ? ' frozen' : ''}`}>
      <div>
        <dt>状态</dt>
        <dd>
          {label(STATUS, review.status)} · 第 {review.round} 轮
          {review.escalated && <span class="tag escalated">已升级（超 SLA）</span>}
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

/** One photo, fetched with the bearer token (never a token in a URL), zoomable and rotatable. */
function Photo({
  api,
  reviewId,
  documentId,
  title,
}: {
  api: ApiClient;
  reviewId: string;
  documentId: string;
  title: string;
}) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const [zoom, setZoom] = useState(1);
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    api
      .getReviewDocument(reviewId, documentId)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        if (live) setUrl(objectUrl);
      })
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, reviewId, documentId]);
  return (
    <figure class="photo">
      <figcaption>{title}</figcaption>
      <div class="frame">
        {url ? (
          <img src={url} alt={title} style={{ transform: `rotate(${turn * 90}deg) scale(${zoom})` }} />
        ) : (
          <p>{error ?? '加载中…'}</p>
        )}
      </div>
      <fieldset class="tools" aria-label={`${title}：缩放与旋转`}>
        <button type="button" aria-label="放大" onClick={() => setZoom((z) => Math.min(4, z * 1.25))}>
          ＋
        </button>
        <button type="button" aria-label="缩小" onClick={() => setZoom((z) => Math.max(0.5, z / 1.25))}>
          －
        </button>
        <button type="button" aria-label="旋转 90 度" onClick={() => setTurn((t) => (t + 1) % 4)}>
          ⟳
        </button>
        <button
          type="button"
          aria-label="复位"
          onClick={() => {
            setZoom(1);
            setTurn(0);
          }}
        >
          复位
        </button>
      </fieldset>
    </figure>
  );
}

function Photos({
  api,
  reviewId,
  file,
  round,
}: {
  api: ApiClient;
  reviewId: string;
  file: CaseFile;
  round: number;
}) {
  // The photos judged in the open round: the last accepted set for it, else the application's.
  const forRound = file.documents.filter((d) => d.round === round && d.accepted);
  const current = forRound.length ? forRound.slice(-2) : file.documents.slice(0, 2);
  const earlier = file.documents.filter((d) => !current.includes(d));
  const [showEarlier, setShowEarlier] = useState(false);
  if (!current.length) return <p>本案没有存档的证件照片。</p>;
  const title = (d: CaseFile['documents'][number]) =>
    `${d.side === 'FRONT' ? '人像面' : '国徽面'} · ${d.source === 'APPLICATION' ? '开户时上传' : '重新上传'} · 第 ${d.round} 轮${d.accepted ? '' : '（未通过检查）'}`;
  return (
    <>
      <div class="photos">
        {current.map((d) => (
          <Photo
            key={d.documentId}
            api={api}
            reviewId={reviewId}
            documentId={d.documentId}
            title={title(d)}
          />
        ))}
      </div>
      {earlier.length > 0 && (
        <details onToggle={(e) => setShowEarlier((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>此前的照片（{earlier.length} 张；查看会记入审计日志）</summary>
          {showEarlier && (
            <div class="photos small">
              {earlier.map((d) => (
                <Photo
                  key={d.documentId}
                  api={api}
                  reviewId={reviewId}
                  documentId={d.documentId}
                  title={title(d)}
                />
              ))}
            </div>
          )}
        </details>
      )}
    </>
  );
}

function Applicant({ api, reviewId, file }: { api: ApiClient; reviewId: string; file: CaseFile }) {
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

function Checks({ application }: { application?: ApplicationView }) {
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

function Timeline({ review }: { review: ReviewCase }) {
  const items = [
    ...review.decisions.map((d) => ({
      at: d.decidedAt,
      key: `d-${d.round}`,
      text: (
        <>
          <strong>{d.operator}</strong> {d.decision === 'APPROVE' ? '批准' : '驳回'}第 {d.round} 轮：
          {label(d.decision === 'APPROVE' ? APPROVE_REASONS : REJECT_REASONS, d.reasonCode)}（{d.reasonCode}）
          {d.note && <q>{d.note}</q>}
        </>
      ),
      kind: d.decision === 'APPROVE' ? 'approve' : 'reject',
    })),
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

function DecisionForm(props: {
  api: ApiClient;
  review: ReviewCase;
  canDecide: boolean;
  after(updated: ReviewCase): void;
  next(): void;
  previous(): void;
  back(): void;
}) {
  const { api, review, canDecide } = props;
  const [decision, setDecision] = useState<'APPROVE' | 'REJECT'>('APPROVE');
  const defaultReason = (d: 'APPROVE' | 'REJECT') =>
    d === 'REJECT'
      ? 'DOCUMENT_ILLEGIBLE'
      : review.round > 1
        ? 'RESUBMITTED_DOCUMENT_VERIFIED'
        : 'DOCUMENT_LEGIBLE_ON_INSPECTION';
  const [reason, setReason] = useState(defaultReason('APPROVE'));
  const [note, setNote] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLSelectElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  /** From a shortcut, the note gets the focus: Ctrl+Enter decides from there (Shift+Tab: the reason). */
  const choose = (d: 'APPROVE' | 'REJECT', focus = false) => {
    setDecision(d);
    setReason(defaultReason(d));
    if (focus) noteRef.current?.focus();
  };

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (!canDecide || busy) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      const updated = await api.decide(
        review.reviewId,
        {
          round: review.round,
          decision,
          reasonCode: reason as never,
          ...(note.trim() && { note: note.trim() }),
        },
        crypto.randomUUID(),
      );
      props.after(updated);
    } catch (err) {
      if (err instanceof ApiError) {
        const why =
          err.status === 403
            ? '四眼原则不允许：'
            : err.status === 409
              ? '无法决定：'
              : err.status === 400
                ? '请求有误：'
                : '';
        setRefusal(`${why}${err.detail}`);
      } else setRefusal(messageOf(err));
    } finally {
      setBusy(false);
    }
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

  const reasons = decision === 'APPROVE' ? APPROVE_REASONS : REJECT_REASONS;
  return (
    <section class="decide" aria-labelledby="decide-title">
      <h2 id="decide-title">决定第 {review.round} 轮</h2>
      <form ref={formRef} onSubmit={submit}>
        <fieldset disabled={!canDecide || busy}>
          <legend>决定</legend>
          <label>
            <input
              type="radio"
              name="decision"
              value="APPROVE"
              checked={decision === 'APPROVE'}
              onChange={() => choose('APPROVE')}
            />
            批准 (a)
          </label>
          <label>
            <input
              type="radio"
              name="decision"
              value="REJECT"
              checked={decision === 'REJECT'}
              onChange={() => choose('REJECT')}
            />
            驳回 (r)
          </label>
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
            备注 (n){decision === 'REJECT' && '，驳回时必填'}
            <textarea
              ref={noteRef}
              name="note"
              rows={3}
              maxLength={1000}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class={decision === 'APPROVE' ? 'approve' : 'reject'}>
            {decision === 'APPROVE' ? '批准' : '驳回'}并进入下一件 (Ctrl+Enter)
          </button>
        </fieldset>
        {!canDecide && <p class="hint">需先认领待审核的案件才能决定。</p>}
        {refusal && (
          <p role="alert" class="error refusal">
            {refusal}
          </p>
        )}
      </form>
      <aside class="shortcuts" aria-label="键盘快捷键">
        <h3>键盘快捷键</h3>
        <dl>
          {SHORTCUTS.map(([key, what]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </aside>
    </section>
  );
}
