/**
 * One case: opening it to decide claims it (a lease the API enforces); the ID photos side by
 * side with zoom and rotate (each view audited by the API); the applicant's entries masked until
 * revealed (audited); each check's outcome; the decision history as a timeline; holds and the
 * account's status; a proposal awaiting its second decision, and core banking's unfinished part;
 * the decision form with its keyboard shortcuts.
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
  type DecisionRequest,
  type ReviewCase,
} from '../../sdk/index';
import { formatTime, messageOf, relative } from '../shared/format';
import { CaseRisk } from './case-risk';
import {
  ACCOUNT_STATUS,
  BANK_ACTION,
  BANK_ERROR,
  CHANNEL,
  DECISION,
  type DecisionKind,
  HOLD,
  label,
  NEEDS_SUPERVISOR,
  OUTCOME,
  REASON,
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

/** Statuses in which the open round takes a decision: its first, or the second a proposal needs. */
const DECIDING: readonly ReviewCase['status'][] = ['PENDING', 'AWAITING_SECOND_DECISION'];

/** The first decision on the table, while it waits for its second. */
const proposalOf = (r: ReviewCase) => (r.status === 'AWAITING_SECOND_DECISION' ? r.proposal : undefined);

/** Who may send the same decision to confirm a proposal: someone else, a supervisor for a terminal one. */
function mayConfirm(me: CallerView, proposal: NonNullable<ReviewCase['proposal']>): boolean {
  if (proposal.operator === me.id) return false;
  return !NEEDS_SUPERVISOR.includes(proposal.decision) || me.role === 'supervisor';
}

const needsNote = (d: DecisionKind) => d !== 'APPROVE';

/**
 * Sends a decision; a refusal is the API's own words, after what kind of refusal it is. A 403 is
 * four eyes (the rejecter approving, the proposer deciding again) unless the caller, not being a
 * supervisor, sent a terminal proposal's decision again: that one wants a supervisor.
 */
function useDecide(api: ApiClient, me: CallerView, review: ReviewCase, after: (r: ReviewCase) => void) {
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (request: DecisionRequest) => {
    if (busy) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      after(await api.decide(review.reviewId, request, crypto.randomUUID()));
    } catch (err) {
      if (err instanceof ApiError) {
        const proposal = proposalOf(review);
        const wantsSupervisor =
          proposal?.decision === request.decision &&
          NEEDS_SUPERVISOR.includes(request.decision) &&
          me.role !== 'supervisor';
        const why =
          err.status === 403
            ? wantsSupervisor
              ? '需主管确认：'
              : '四眼原则不允许：'
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
  return { send, busy, refusal };
}

function decisionText(d: Pick<ReviewCase['decisions'][number], 'decision' | 'reasonCode'>) {
  const { name, reasons } = DECISION[d.decision];
  return { name, reason: `${label(reasons, d.reasonCode)}（${d.reasonCode}）` };
}

export function CasePage({ api, me, reviewId, next, previous, back, decided }: Props) {
  const [review, setReview] = useState<ReviewCase>();
  const [file, setFile] = useState<CaseFile>();
  const [application, setApplication] = useState<ApplicationView>();
  const [account, setAccount] = useState<AccountView>();
  const [claim, setClaim] = useState<ClaimState>({ kind: 'claiming' });
  const [error, setError] = useState<string>();

  const load = useCallback(async (): Promise<ReviewCase | undefined> => {
    try {
      const [r, f] = await Promise.all([api.getReview(reviewId), api.getCaseFile(reviewId)]);
      setReview(r);
      setFile(f);
      // The checks and the account are read beside the claim, which waits only for the case.
      void Promise.allSettled([api.getApplication(r.applicationId), api.getAccount(r.accountNumber)]).then(
        ([app, acc]) => {
          if (app.status === 'fulfilled') setApplication(app.value);
          if (acc.status === 'fulfilled') setAccount(acc.value);
        },
      );
      return r;
    } catch (err) {
      setError(messageOf(err));
      return undefined;
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
    let live = true;
    void load().then((r) => {
      if (!live) return;
      // Nothing to decide: no claim to ask for (an ended review's workflow no longer takes one).
      if (r && !DECIDING.includes(r.status)) {
        setClaim({
          kind: 'closed',
          why: `本案为「${label(STATUS, r.status)}」（${r.status}），没有待决定的轮次。`,
        });
      } else if (r && proposalOf(r)?.operator === me.id) {
        // The proposer cannot decide the round again, and a claim would keep out whoever must.
        setClaim({
          kind: 'closed',
          why: '你已提出本轮的决定，正等待他人复核；本页不认领本案，以免挡住复核人。',
        });
      } else void takeClaim();
    });
    return () => {
      live = false;
      if (mine.current) void api.releaseClaim(reviewId).catch(() => {});
    };
  }, [api, me.id, reviewId, takeClaim, load]);

  // Renew the lease half-way through while the case stays open.
  useEffect(() => {
    if (claim.kind !== 'mine') return;
    const left = new Date(claim.claim.until).getTime() - Date.now();
    const timer = setTimeout(() => void takeClaim(), Math.max(5_000, left / 2));
    return () => clearTimeout(timer);
  }, [claim, takeClaim]);

  const afterDecision = (updated: ReviewCase) => {
    mine.current = false;
    decided(reviewId, updated.status);
    next();
  };

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
          {review.pendingAction && <PendingAction action={review.pendingAction} />}
          {proposalOf(review) && (
            <Proposal
              api={api}
              me={me}
              review={review}
              canDecide={claim.kind === 'mine'}
              after={afterDecision}
            />
          )}
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
              <CaseRisk application={application} />
              <Timeline review={review} />
            </section>
          </div>
          <DecisionForm
            api={api}
            me={me}
            review={review}
            canDecide={claim.kind === 'mine' && DECIDING.includes(review.status)}
            after={afterDecision}
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

/** Core banking has not done its part of a decision yet: the review retries it with back-off. */
function PendingAction({ action }: { action: NonNullable<ReviewCase['pendingAction']> }) {
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

/**
 * The first decision of the round, waiting for its second: who proposed what, who must confirm
 * it, and, for those who may, the confirmation (the same decision and reason, with their note).
 */
function Proposal(props: {
  api: ApiClient;
  me: CallerView;
  review: ReviewCase;
  canDecide: boolean;
  after(updated: ReviewCase): void;
}) {
  const { api, me, review, canDecide } = props;
  const proposal = proposalOf(review)!;
  const { send, busy, refusal } = useDecide(api, me, review, props.after);
  const [note, setNote] = useState('');
  const { name, reason } = decisionText(proposal);
  const terminal = NEEDS_SUPERVISOR.includes(proposal.decision);
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

function DecisionForm(props: {
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
  const { send, busy, refusal } = useDecide(api, me, review, props.after);
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
          {NEEDS_SUPERVISOR.includes(decision) && (
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
