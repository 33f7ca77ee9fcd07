/** The review loop on the real dev server: decisions, holds in core banking, re-submission, timers. */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, FieldError, ForbiddenError } from '../../api/services/errors';
import type { ReviewInput } from '../../domain/review';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { signUpdate } from '../../workflows/review/message-signature';
import { decide } from '../../workflows/review/messages';
import { newReviewSearchAttributes } from '../../workflows/search-attributes';
import {
  appEvents,
  type Harness,
  newApplication,
  readAccount,
  readSmsCode,
  startHarness,
  TEST_DECISION_SIGNING_KEY,
} from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const approve = { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' } as const;
const reject = {
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'glare covers the number',
} as const;

describe('review paths', () => {
  it('a clean application starts no review', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(opened).toMatchObject({ status: 'OPENED', review: 'NONE' });
    await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    await expect(h.reviews.get(reviewWorkflowId(req.applicationId))).rejects.toThrow(/no review/);
  });

  it('approved at once: cleared, no hold ever placed', async () => {
    const { reviewId, accountNumber } = await openWithReview(h);
    const pending = await h.reviews.get(reviewId);
    expect(pending).toMatchObject({
      status: 'PENDING',
      round: 1,
      reasons: ['ID_IMAGE_BLURRED'],
      hold: 'NONE',
    });

    const cleared = await h.reviews.decide(reviewId, { round: 1, ...approve }, 'op-alice');
    expect(cleared).toMatchObject({ status: 'CLEARED', hold: 'NONE' });
    expect(cleared.decisions).toEqual([
      expect.objectContaining({
        round: 1,
        decision: 'APPROVE',
        operator: 'op-alice',
        ruleVersion: 'review-rules-2026-11',
      }),
    ]);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
  });

  it('rejected: hold → re-submission → approved by another operator → hold lifted', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const held = await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
    expect(held).toMatchObject({ status: 'AWAITING_RESUBMISSION', hold: 'RECEIVE_ONLY', round: 1 });
    const account = await readAccount(h.coreBankingUrl, accountNumber);
    expect(account.status).toBe('RECEIVE_ONLY');
    expect(account.holds).toHaveLength(1);

    const resubmitted = await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    expect(resubmitted).toEqual({ reviewId, round: 2, accepted: true, reasons: [] });
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'PENDING',
      round: 2,
      hold: 'RECEIVE_ONLY',
    });

    await expect(h.reviews.decide(reviewId, { round: 2, ...approve }, 'op-alice')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const cleared = await h.reviews.decide(
      reviewId,
      { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' },
      'op-bob',
    );
    expect(cleared).toMatchObject({ status: 'CLEARED', hold: 'NONE', round: 2 });
    expect(cleared.decisions.map((d) => [d.round, d.decision, d.operator])).toEqual([
      [1, 'REJECT', 'op-alice'],
      [2, 'APPROVE', 'op-bob'],
    ]);
    const after = await readAccount(h.coreBankingUrl, accountNumber);
    expect(after).toMatchObject({ status: 'ACTIVE', holds: [] });

    const handle = h.client.workflow.getHandle(reviewId);
    await handle.result();
    const types = (await appEvents(h.providersUrl, req.applicationId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['ACCOUNT_OPENED', 'HOLD_APPLIED', 'RESUBMISSION_REQUESTED', 'HOLD_LIFTED']),
    );
    console.log(
      `[figures] review rejected → re-submitted → approved: ${(await handle.fetchHistory()).events?.length} history events`,
    );
  });

  it('a still-bad re-submitted photo keeps the hold and asks again; a second rejection stacks no hold', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
    const bad = await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant, ['BLURRED']));
    expect(bad).toEqual({ reviewId, round: 1, accepted: false, reasons: ['ID_IMAGE_BLURRED'] });
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'AWAITING_RESUBMISSION',
      hold: 'RECEIVE_ONLY',
    });

    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await h.reviews.decide(reviewId, { round: 2, ...reject, note: 'still not the applicant' }, 'op-bob');
    const account = await readAccount(h.coreBankingUrl, accountNumber);
    expect(account.holds).toHaveLength(1);
    expect(account.status).toBe('RECEIVE_ONLY');
  });
});

describe('decisions refused at once', () => {
  it('stale, future and already-decided rounds are conflicts', async () => {
    const { req, reviewId } = await openWithReview(h);
    await expect(h.reviews.decide(reviewId, { round: 2, ...approve }, 'op-alice')).rejects.toBeInstanceOf(
      ConflictError,
    );
    await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
    await expect(h.reviews.decide(reviewId, { round: 1, ...approve }, 'op-bob')).rejects.toBeInstanceOf(
      ConflictError,
    );
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await expect(h.reviews.decide(reviewId, { round: 1, ...approve }, 'op-bob')).rejects.toThrow(
      /round 1 is not open/,
    );
  });

  it('a rejection without a note, or a reason that does not fit the decision, is a field error', async () => {
    const { reviewId } = await openWithReview(h);
    await expect(
      h.reviews.decide(
        reviewId,
        { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE' },
        'op-alice',
      ),
    ).rejects.toBeInstanceOf(FieldError);
    await expect(
      h.reviews.decide(reviewId, { round: 1, decision: 'APPROVE', reasonCode: 'OTHER' }, 'op-alice'),
    ).rejects.toBeInstanceOf(FieldError);
    expect((await h.reviews.get(reviewId)).decisions).toEqual([]);
  });
});

describe('a restarted worker loses nothing', () => {
  it('continues a review from where it was', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
    await h.restartWorker();
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await h.restartWorker();
    const cleared = await h.reviews.decide(
      reviewId,
      { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' },
      'op-bob',
    );
    expect(cleared).toMatchObject({ status: 'CLEARED', round: 2 });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
  });
});

describe('timers from policy', () => {
  it('escalates a case nobody decides within the SLA, and it stays open', async () => {
    const fast = await startHarness({ review: { operatorSlaSeconds: 1 } });
    try {
      const { req, reviewId } = await openWithReview(fast);
      const escalated = await eventually(
        () => fast.reviews.get(reviewId),
        (c) => c.escalated,
      );
      expect(escalated).toMatchObject({ status: 'PENDING', escalated: true });
      const listed = await eventually(
        () => fast.reviews.list({ status: 'PENDING', escalated: 'true', limit: 500 }),
        (l) => l.some((r) => r.reviewId === reviewId),
      );
      expect(listed.find((r) => r.reviewId === reviewId)).toMatchObject({ escalated: true, round: 1 });
      const events = await eventually(
        () => appEvents(fast.providersUrl, req.applicationId),
        (e) => e.some((x) => x.type === 'REVIEW_ESCALATED'),
      );
      expect(events.map((e) => e.type)).toContain('REVIEW_ESCALATED');
      expect(await fast.reviews.decide(reviewId, { round: 1, ...approve }, 'op-alice')).toMatchObject({
        status: 'CLEARED',
      });
    } finally {
      await fast.stop();
    }
  });

  it('freezes the account when no re-submission comes before the deadline; approval later lifts both holds', async () => {
    const fast = await startHarness({ review: { resubmissionDeadlineSeconds: 1 } });
    try {
      const { req, reviewId, accountNumber } = await openWithReview(fast);
      await fast.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
      const frozen = await eventually(
        () => fast.reviews.get(reviewId),
        (c) => c.hold === 'FROZEN',
      );
      expect(frozen).toMatchObject({ status: 'AWAITING_RESUBMISSION', hold: 'FROZEN' });
      expect((await readAccount(fast.coreBankingUrl, accountNumber)).status).toBe('FROZEN');

      await fast.reviews.resubmit(req.applicationId, await newPhotos(fast, req.applicant));
      await fast.reviews.decide(
        reviewId,
        { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' },
        'op-bob',
      );
      expect(await readAccount(fast.coreBankingUrl, accountNumber)).toMatchObject({
        status: 'ACTIVE',
        holds: [],
      });
      // Events leave through the outbox after the decision answered: wait for the review to end.
      await fast.client.workflow.getHandle(reviewId).result();
      const types = (await appEvents(fast.providersUrl, req.applicationId)).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['HOLD_APPLIED', 'ACCOUNT_FROZEN', 'HOLD_LIFTED']));
    } finally {
      await fast.stop();
    }
  });
});

describe('a decision that comes with the review', () => {
  // Update-with-start puts the decision in the review's first task, as happens when an operator
  // decides before a worker has picked up a review the onboarding just started.
  it("is judged by the review's own rules, not refused as if the review predated them", async () => {
    const applicationId = randomUUID();
    const input: ReviewInput = {
      applicationId,
      accountNumber: '6230000000000000002',
      flowVersion: 'v3',
      channel: 'OWN_APP',
      applicant: { name: '张伟', idNumber: '11010519491231002X' },
      reasons: ['ID_IMAGE_BLURRED'],
      policy: defaultReviewPolicy,
    };
    const reviewId = reviewWorkflowId(applicationId);
    const updateId = randomUUID();
    const request = {
      round: 1,
      decision: 'CLOSE_ACCOUNT',
      reasonCode: 'CUSTOMER_UNREACHABLE',
      note: 'three calls unanswered',
      operator: 'op-alice',
      supervisor: false,
    } as const;
    const signature = signUpdate(
      TEST_DECISION_SIGNING_KEY,
      { update: 'decide', workflowId: reviewId, updateId },
      request,
    );
    const start = new WithStartWorkflowOperation('review', {
      taskQueue: h.taskQueue,
      workflowId: reviewId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: newReviewSearchAttributes(input.reasons, input),
    });
    const proposed = await h.client.workflow.executeUpdateWithStart(decide, {
      args: [{ ...request, signature }],
      updateId,
      startWorkflowOperation: start,
    });
    expect(proposed).toMatchObject({
      status: 'AWAITING_SECOND_DECISION',
      proposal: { decision: 'CLOSE_ACCOUNT', operator: 'op-alice' },
    });
    await (await start.workflowHandle()).terminate('test over');
  });
});
