/**
 * Issue 11, items 2 to 5, on the real dev server: holds and lifts core banking refuses (through
 * the sandbox's `refuse` knob), doubts that restrict the account from the start, decisions that
 * need a second person, the terminal outcomes (closed, fraud confirmed, frozen too long), capped
 * re-submissions, a deadline that fires while photos are being checked, concurrent decisions and
 * a review that continues as new. Outcomes are read in core banking, in the review's answers, in
 * the queue and in the webhooks the sandbox received. The file has sandboxes of its own: its
 * refusals and latency must not reach the files running beside it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reviewQueueGauges } from '../../api/metrics';
import { ConflictError, ForbiddenError } from '../../api/services/errors';
import { Reviews } from '../../api/services/reviews';
import { ProjectMetrics } from '../../config/metrics';
import type { DecisionRequest } from '../../domain/review';
import type { ReviewStatus } from '../../domain/review-status';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import {
  type Harness,
  newApplication,
  readAccount,
  readSmsCode,
  startHarness,
  TEST_DECISION_SIGNING_KEY,
} from '../support/harness';
import { newPerson } from '../support/people';
import { eventually, newPhotos, openWithReview } from '../support/review';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
/** Core banking's part retried every second or two; two failed re-submissions per round. */
let h: Harness;
/** Timers in seconds: the re-submission deadline, the frozen deadline; continues as new after 3 updates. */
let fast: Harness;

const quick = { bankActionWindowSeconds: 1, bankActionBackoffSeconds: 1, bankActionMaxBackoffSeconds: 2 };

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  const urls = { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl };
  h = await startHarness({ review: { ...quick, maxFailedResubmissionsPerRound: 2 } }, urls);
  fast = await startHarness(
    {
      review: {
        ...quick,
        resubmissionDeadlineSeconds: 2,
        frozenDeadlineSeconds: 1,
        continueAsNewAtUpdates: 3,
      },
    },
    urls,
  );
});
afterEach(async () => {
  await setFaults({});
  await refuse(sandboxes.coreBankingUrl, []);
});
afterAll(async () => {
  await h?.stop();
  await fast?.stop();
  await sandboxes?.close();
});

async function setFaults(faults: object) {
  const res = await fetch(`${sandboxes.providersUrl}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.ok).toBe(true);
}

const approve = { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' } as const;
const reject = {
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'glare covers the number',
} as const;
const close = {
  decision: 'CLOSE_ACCOUNT',
  reasonCode: 'CUSTOMER_UNREACHABLE',
  note: 'three calls unanswered',
} as const;
const fraud = {
  decision: 'CONFIRM_FRAUD',
  reasonCode: 'FORGED_DOCUMENT',
  note: 'the photo is a montage',
} as const;
const supervisor = (id: string) => ({ id, role: 'supervisor' });
const decision = (round: number, d: Omit<DecisionRequest, 'round'>): DecisionRequest => ({ round, ...d });

const events = async (applicationId: string) =>
  (await receivedEvents(sandboxes.providersUrl, applicationId)).map((e) => e.type);
const finished = (harness: Harness, reviewId: string) => harness.client.workflow.getHandle(reviewId).result();

/** The queue's first page for a status, as visibility answers it (eventually consistent). */
const queued = async (harness: Harness, status: ReviewStatus) =>
  (await harness.reviews.list({ status, limit: 50 })).map((r) => r.reviewId);

describe('item 2: holds and lifts core banking refuses', () => {
  it('a refused hold leaves the case ACTION_PENDING, alerts ops, and is placed once core banking takes it', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await refuse(sandboxes.coreBankingUrl, ['hold']);
    const answer = await h.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    expect(answer).toMatchObject({
      status: 'ACTION_PENDING',
      hold: 'NONE',
      pendingAction: { action: 'PLACE_HOLD', lastError: 'REFUSED', attempts: 1 },
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
    await eventually(
      () => queued(h, 'ACTION_PENDING'),
      (ids) => ids.includes(reviewId),
      100,
    );
    expect(await queued(h, 'ACTION_PENDING')).toContain(reviewId);
    expect(await queued(h, 'PENDING')).not.toContain(reviewId);
    const retried = await eventually(
      () => h.reviews.get(reviewId),
      (c) => (c.pendingAction?.attempts ?? 0) >= 2,
    );
    expect(retried.status).toBe('ACTION_PENDING');
    // Ops watch the API's queue gauges: the case counts under ACTION_PENDING.
    const metrics = new ProjectMetrics('api', { defaultMetrics: false });
    reviewQueueGauges(metrics, {
      client: h.client,
      reviews: new Reviews(h.client, {
        taskQueue: h.taskQueue,
        decisionSigningKey: TEST_DECISION_SIGNING_KEY,
      }),
      taskQueue: h.taskQueue,
    });
    expect(await metrics.registry.metrics()).toMatch(
      /review_queue_depth\{[^}]*status="ACTION_PENDING"[^}]*\} [1-9]/,
    );

    await refuse(sandboxes.coreBankingUrl, []);
    const held = await eventually(
      () => h.reviews.get(reviewId),
      (c) => c.status === 'AWAITING_RESUBMISSION',
    );
    expect(held).toMatchObject({ status: 'AWAITING_RESUBMISSION', hold: 'RECEIVE_ONLY' });
    expect(held.pendingAction).toBeUndefined();
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
    const types = await eventually(
      () => events(req.applicationId),
      (t) => t.includes('HOLD_APPLIED'),
    );
    expect(types.filter((t) => t === 'OPS_REVIEW_ACTION_FAILED')).toHaveLength(1);
    expect(types).toContain('HOLD_APPLIED');
  });

  it('a refused lift keeps an approved case out of CLEARED until the hold is lifted', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await refuse(sandboxes.coreBankingUrl, ['lift']);
    const answer = await h.reviews.decide(
      reviewId,
      decision(2, { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' }),
      'op-bob',
    );
    expect(answer).toMatchObject({
      status: 'ACTION_PENDING',
      hold: 'RECEIVE_ONLY',
      pendingAction: { action: 'LIFT_HOLD', lastError: 'REFUSED' },
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');

    await refuse(sandboxes.coreBankingUrl, []);
    expect(await finished(h, reviewId)).toMatchObject({ status: 'CLEARED', hold: 'NONE' });
    expect(await readAccount(h.coreBankingUrl, accountNumber)).toMatchObject({ status: 'ACTIVE', holds: [] });
    expect(await events(req.applicationId)).toEqual(
      expect.arrayContaining(['OPS_REVIEW_ACTION_FAILED', 'HOLD_LIFTED']),
    );
  });

  it('a terminated review is not listed as pending', async () => {
    const { reviewId } = await openWithReview(h);
    await eventually(
      () => queued(h, 'PENDING'),
      (ids) => ids.includes(reviewId),
      100,
    );
    expect(await queued(h, 'PENDING')).toContain(reviewId);
    await h.client.workflow.getHandle(reviewId).terminate('test: a review that ended without clearing');
    const after = await eventually(
      () => queued(h, 'PENDING'),
      (ids) => !ids.includes(reviewId),
      100,
    );
    expect(after).not.toContain(reviewId);
  });
});

describe('item 3: doubts restrict', () => {
  it('a possible watch-list match opens the account receive-only; clearing it takes two different operators', async () => {
    const req = await newApplication(h.documents, { person: newPerson('周疑似') });
    await h.applications.start(req);
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(opened).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    if (opened.status !== 'OPENED') throw new Error('not opened');
    const reviewId = reviewWorkflowId(req.applicationId);
    const restricted = await eventually(
      () => h.reviews.get(reviewId),
      (c) => c.hold === 'RECEIVE_ONLY',
    );
    expect(restricted).toMatchObject({
      status: 'PENDING',
      hold: 'RECEIVE_ONLY',
      reasons: ['WATCHLIST_POSSIBLE_MATCH'],
    });
    expect((await readAccount(h.coreBankingUrl, opened.accountNumber)).status).toBe('RECEIVE_ONLY');

    const first = await h.reviews.decide(reviewId, decision(1, approve), 'op-alice');
    expect(first).toMatchObject({
      status: 'AWAITING_SECOND_DECISION',
      hold: 'RECEIVE_ONLY',
      proposal: { decision: 'APPROVE', operator: 'op-alice', stage: 'FIRST' },
    });
    expect((await readAccount(h.coreBankingUrl, opened.accountNumber)).status).toBe('RECEIVE_ONLY');
    await expect(h.reviews.decide(reviewId, decision(1, approve), 'op-alice')).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    const cleared = await h.reviews.decide(reviewId, decision(1, approve), 'op-bob');
    expect(cleared).toMatchObject({ status: 'CLEARED', hold: 'NONE' });
    expect(cleared.decisions.map((d) => [d.operator, d.stage])).toEqual([
      ['op-alice', 'FIRST'],
      ['op-bob', 'SECOND'],
    ]);
    expect(await readAccount(h.coreBankingUrl, opened.accountNumber)).toMatchObject({
      status: 'ACTIVE',
      holds: [],
    });
  });

  it('a blurred photo alone opens the account fully active, and one approval clears it', async () => {
    const { reviewId, accountNumber } = await openWithReview(h);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
    expect(await h.reviews.decide(reviewId, decision(1, approve), 'op-alice')).toMatchObject({
      status: 'CLEARED',
    });
  });
});

describe('item 4: terminal outcomes', () => {
  it("closing the account takes an operator's decision and a supervisor's confirmation", async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const proposed = await h.reviews.decide(reviewId, decision(1, close), 'op-alice');
    expect(proposed).toMatchObject({
      status: 'AWAITING_SECOND_DECISION',
      proposal: { decision: 'CLOSE_ACCOUNT' },
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
    await expect(h.reviews.decide(reviewId, decision(1, close), 'op-bob')).rejects.toThrow(/supervisor/);
    await expect(
      h.reviews.decide(reviewId, decision(1, close), supervisor('op-alice')),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const closed = await h.reviews.decide(reviewId, decision(1, close), supervisor('sup-carol'));
    expect(closed).toMatchObject({ status: 'CLOSED' });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('CLOSED');
    expect(await finished(h, reviewId)).toMatchObject({ status: 'CLOSED' });
    expect(await events(req.applicationId)).toContain('ACCOUNT_CLOSED');
  });

  it('confirmed fraud freezes the account and marks the case for reporting', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, decision(1, fraud), 'op-alice');
    const confirmed = await h.reviews.decide(reviewId, decision(1, fraud), supervisor('sup-carol'));
    expect(confirmed).toMatchObject({ status: 'FRAUD_CONFIRMED', hold: 'FROZEN', reportable: true });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('FROZEN');
    await finished(h, reviewId);
    const received = await receivedEvents(sandboxes.providersUrl, req.applicationId);
    expect(received.map((e) => e.type)).toEqual(
      expect.arrayContaining(['ACCOUNT_FROZEN', 'OPS_FRAUD_CONFIRMED']),
    );
  });

  it("a supervisor's different decision replaces the proposal and takes effect", async () => {
    const { reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, decision(1, close), 'op-alice');
    const rejected = await h.reviews.decide(reviewId, decision(1, reject), supervisor('sup-carol'));
    expect(rejected).toMatchObject({ status: 'AWAITING_RESUBMISSION', hold: 'RECEIVE_ONLY' });
    expect(rejected.proposal).toBeUndefined();
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
  });

  it('frozen past the deadline: the policy closes the account', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(fast);
    await fast.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    expect(await finished(fast, reviewId)).toMatchObject({ status: 'CLOSED' });
    expect((await readAccount(fast.coreBankingUrl, accountNumber)).status).toBe('CLOSED');
    expect(await events(req.applicationId)).toEqual(
      expect.arrayContaining(['ACCOUNT_FROZEN', 'ACCOUNT_CLOSED']),
    );
  });
});

describe('item 5: bounded reviews', () => {
  it('failed re-submissions are capped per round; the case then goes back to an operator, escalated', async () => {
    const { req, reviewId } = await openWithReview(h);
    await h.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    const bad = () => newPhotos(h, req.applicant, ['BLURRED']);
    expect(await h.reviews.resubmit(req.applicationId, await bad())).toMatchObject({
      accepted: false,
      round: 1,
    });
    expect(await h.reviews.resubmit(req.applicationId, await bad())).toMatchObject({
      accepted: false,
      round: 2,
    });
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'PENDING',
      round: 2,
      reasons: ['RESUBMISSIONS_EXHAUSTED'],
      escalated: true,
      hold: 'RECEIVE_ONLY',
    });
    await expect(h.reviews.resubmit(req.applicationId, await bad())).rejects.toBeInstanceOf(ConflictError);
    const types = await eventually(
      () => events(req.applicationId),
      (t) => t.includes('REVIEW_ESCALATED'),
    );
    expect(types).toContain('REVIEW_ESCALATED');
  });

  it("accepted re-submitted photos record the new card's end date with the account", async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).idValidUntil).toBe('2040-01-01');
    await h.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).idValidUntil).toBe('2041-02-03');
  });

  it('two concurrent decisions on one round: exactly one takes effect', async () => {
    const { reviewId, accountNumber } = await openWithReview(h);
    const answers = await Promise.allSettled([
      h.reviews.decide(reviewId, decision(1, approve), 'op-alice'),
      h.reviews.decide(reviewId, decision(1, reject), 'op-bob'),
    ]);
    const took = answers.filter((a) => a.status === 'fulfilled');
    const refused = answers.filter((a) => a.status === 'rejected');
    expect(took).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const view = await h.reviews.get(reviewId);
    expect(view.decisions).toHaveLength(1);
    const account = await readAccount(h.coreBankingUrl, accountNumber);
    if (view.decisions[0]!.decision === 'APPROVE') {
      expect(view.status).toBe('CLEARED');
      expect(account.status).toBe('ACTIVE');
    } else {
      expect(view.status).toBe('AWAITING_RESUBMISSION');
      expect(account.holds).toHaveLength(1);
    }
  });

  it('photos being checked when the re-submission deadline fires are decided before any freeze', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(fast);
    const photos = await newPhotos(fast, req.applicant);
    await fast.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    // The check takes longer than the 2-second deadline has left.
    await setFaults({ latencyMs: 3000 });
    const result = await fast.reviews.resubmit(req.applicationId, photos);
    expect(result).toMatchObject({ accepted: true, round: 2 });
    expect(await fast.reviews.get(reviewId)).toMatchObject({
      status: 'PENDING',
      round: 2,
      hold: 'RECEIVE_ONLY',
    });
    const account = await readAccount(fast.coreBankingUrl, accountNumber);
    expect(account.status).toBe('RECEIVE_ONLY');
    expect(account.holds).toHaveLength(1);
  });

  it('continues as new past its update bound and finishes with its decision history intact', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(fast);
    await fast.reviews.decide(reviewId, decision(1, reject), 'op-alice');
    await fast.reviews.resubmit(req.applicationId, await newPhotos(fast, req.applicant));
    // The third update of the run: the review continues as new, its claim carried over.
    await fast.reviews.claim(reviewId, 'op-bob');
    const runs = await eventually(
      async () => {
        const found = [];
        for await (const run of fast.client.workflow.list({ query: `WorkflowId = '${reviewId}'` }))
          found.push(run);
        return found;
      },
      (found) => found.length >= 2,
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const carried = await fast.reviews.get(reviewId);
    expect(carried).toMatchObject({
      status: 'PENDING',
      round: 2,
      hold: 'RECEIVE_ONLY',
      claim: { claimedBy: 'op-bob' },
    });

    const cleared = await fast.reviews.decide(
      reviewId,
      decision(2, { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' }),
      'op-bob',
    );
    expect(cleared).toMatchObject({ status: 'CLEARED', hold: 'NONE' });
    expect(cleared.decisions.map((d) => [d.round, d.decision, d.operator])).toEqual([
      [1, 'REJECT', 'op-alice'],
      [2, 'APPROVE', 'op-bob'],
    ]);
    expect(cleared.resubmissions).toHaveLength(1);
    expect(await readAccount(fast.coreBankingUrl, accountNumber)).toMatchObject({
      status: 'ACTIVE',
      holds: [],
    });
    await finished(fast, reviewId);
    expect(await events(req.applicationId)).toEqual(
      expect.arrayContaining(['HOLD_APPLIED', 'RESUBMISSION_REQUESTED', 'HOLD_LIFTED']),
    );
  });
});
