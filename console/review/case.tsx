/**
 * One case: opening it to decide claims it (a lease the API enforces); the ID photos side by
 * side with zoom and rotate (each view audited by the API); the applicant's entries masked until
 * revealed (audited); each check's outcome; the decision history as a timeline; holds and the
 * account's status; a proposal awaiting its second decision, and core banking's unfinished part;
 * the decision form with its keyboard shortcuts. Each part is a component of its own in case/.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { DECIDING } from '../../domain/review-status';
import {
  type AccountView,
  type ApiClient,
  ApiError,
  type ApplicationView,
  type CallerView,
  type CaseFile,
  type ReviewCase,
} from '../../sdk/index';
import { messageOf } from '../shared/format';
import { Applicant } from './case/applicant';
import { Checks } from './case/checks';
import { ClaimBanner, type ClaimState } from './case/claim-banner';
import { DecisionForm } from './case/decision-form';
import { PendingAction } from './case/pending-action';
import { Photos } from './case/photos';
import { Proposal } from './case/proposal';
import { proposalOf } from './case/rules';
import { Summary } from './case/summary';
import { Timeline } from './case/timeline';
import { CaseRisk } from './case-risk';
import { label, STATUS } from './labels';

export { SHORTCUTS } from './case/shortcuts';

interface Props {
  api: ApiClient;
  me: CallerView;
  reviewId: string;
  next(): void;
  previous(): void;
  back(): void;
  decided(reviewId: string, status: ReviewCase['status']): void;
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
      // CLAIMED: another operator holds it (the answer names them); any other conflict
      // (NOT_CLAIMABLE, a review that has ended) leaves nothing to claim.
      if (err instanceof ApiError && err.code === 'CLAIMED' && err.claimedBy) {
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
