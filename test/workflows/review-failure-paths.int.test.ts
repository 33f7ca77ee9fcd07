/**
 * Issue 20, the review's failure paths, on the real dev server: a re-submission whose check does
 * not answer gives up within the policy's time and changes nothing while the deadline runs on;
 * accepted photos of a valid card lift the ID-expiry sweep's holds; and a review's input holds
 * its whole policy. The file has sandboxes of its own: its fault knobs must not reach the files
 * running beside it.
 */
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../api/services/errors';
import { idExpiryHoldId } from '../../domain/id-expiry';
import { type ReviewInput, reviewPolicySchema } from '../../domain/review';
import { type Harness, readAccount, startHarness } from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
/** Each call of a re-submission tried for one second. */
let h: Harness;
/** The same, and the re-submission deadline three seconds after a rejection. */
let fast: Harness;

const bounded = {
  resubmissionCallSeconds: 1,
  bankActionWindowSeconds: 1,
  bankActionBackoffSeconds: 1,
  bankActionMaxBackoffSeconds: 2,
};

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  const urls = { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl };
  h = await startHarness({ review: bounded }, urls);
  fast = await startHarness({ review: { ...bounded, resubmissionDeadlineSeconds: 3 } }, urls);
});
afterEach(async () => {
  await setProviderFaults({});
  await refuse(sandboxes.coreBankingUrl, []);
});
afterAll(async () => {
  await h?.stop();
  await fast?.stop();
  await sandboxes?.close();
});

async function setProviderFaults(faults: object) {
  const res = await fetch(`${sandboxes.providersUrl}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.ok).toBe(true);
}

/** A hold as the ID-expiry sweep places it (activities/id-expiry.ts). */
async function placeExpiryHold(accountNumber: string, holdId: string) {
  const res = await fetch(`${sandboxes.coreBankingUrl}/core/v1/accounts/${accountNumber}/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `${accountNumber}:${holdId}` },
    body: JSON.stringify({ holdId, type: 'RECEIVE_ONLY', reason: 'ID_CARD_EXPIRED' }),
  });
  expect(res.ok).toBe(true);
}

const reject = { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'glare' } as const;
const holdIds = async (accountNumber: string) =>
  (await readAccount(sandboxes.coreBankingUrl, accountNumber)).holds.map((x) => x.holdId).sort();

describe('a re-submission whose check does not answer', () => {
  it('is refused with a retryable 409 and changes nothing; the deadline freezes the account meanwhile', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(fast);
    const photos = await newPhotos(fast, req.applicant);
    await fast.reviews.decide(reviewId, reject, 'op-alice');
    // OCR answers 503 to everything: retried, never answered.
    await setProviderFaults({ errorRate: 1 });

    const refused = fast.reviews.resubmit(req.applicationId, photos);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(
      /could not be checked within 1 s; nothing changed: send them again/,
    );
    expect(await fast.reviews.get(reviewId)).toMatchObject({ round: 1, resubmissions: [] });

    // The outage goes on past the re-submission deadline: the account is frozen all the same.
    const frozen = await eventually(
      () => fast.reviews.get(reviewId),
      (c) => c.hold === 'FROZEN',
    );
    expect(frozen).toMatchObject({ status: 'AWAITING_RESUBMISSION', round: 1, hold: 'FROZEN' });
    expect((await readAccount(sandboxes.coreBankingUrl, accountNumber)).status).toBe('FROZEN');

    await setProviderFaults({});
    expect(await fast.reviews.resubmit(req.applicationId, photos)).toMatchObject({
      accepted: true,
      round: 2,
    });
  });
});

describe('accepted photos of a valid card', () => {
  it("lift the ID-expiry sweep's holds and keep the review's own until it is approved", async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const expiryHold = idExpiryHoldId('2025-01-01', 'RECEIVE_ONLY');
    await placeExpiryHold(accountNumber, expiryHold);
    const photos = await newPhotos(h, req.applicant);
    await h.reviews.decide(reviewId, reject, 'op-alice');
    const reviewHold = `${reviewId}:round-1:RECEIVE_ONLY`;
    expect(await holdIds(accountNumber)).toEqual([expiryHold, reviewHold].sort());

    const result = await h.reviews.resubmit(req.applicationId, photos);
    expect(result).toMatchObject({ accepted: true, round: 2 });
    expect(await holdIds(accountNumber)).toEqual([reviewHold]);
    const types = await eventually(
      async () => (await receivedEvents(sandboxes.providersUrl, req.applicationId)).map((e) => e.type),
      (t) => t.includes('ID_RENEWED'),
    );
    expect(types).toContain('ID_RENEWED');

    const cleared = await h.reviews.decide(
      reviewId,
      { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' },
      'op-bob',
    );
    expect(cleared).toMatchObject({ status: 'CLEARED', hold: 'NONE' });
    expect(await readAccount(sandboxes.coreBankingUrl, accountNumber)).toMatchObject({
      status: 'ACTIVE',
      holds: [],
    });
  });

  it('a lift core banking refuses fails the re-submission with a retryable 409 and the review is unchanged', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const expiryHold = idExpiryHoldId('2025-01-01', 'RECEIVE_ONLY');
    await placeExpiryHold(accountNumber, expiryHold);
    await h.reviews.decide(reviewId, reject, 'op-alice');
    const photos = await newPhotos(h, req.applicant);
    await refuse(sandboxes.coreBankingUrl, ['lift']);

    const refused = h.reviews.resubmit(req.applicationId, photos);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/nothing changed in the review: send the photos again/);
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'AWAITING_RESUBMISSION',
      round: 1,
      resubmissions: [],
    });
    expect(await holdIds(accountNumber)).toContain(expiryHold);

    await refuse(sandboxes.coreBankingUrl, []);
    expect(await h.reviews.resubmit(req.applicationId, photos)).toMatchObject({ accepted: true, round: 2 });
    expect(await holdIds(accountNumber)).not.toContain(expiryHold);
  });
});

describe("a review's policy", () => {
  it('is written whole into the input of a review the API starts, with the settings it was given', async () => {
    const { reviewId } = await openWithReview(h);
    const history = await h.client.workflow.getHandle(reviewId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    const { namespace, loadedDataConverter } = h.client.options;
    const input = await decodeFromPayloadsAtIndex<ReviewInput>(loadedDataConverter, 0, started, {
      type: 'workflow',
      namespace,
      workflowId: reviewId,
    });
    // Every setting present: none is left for the worker's code to fill in at run time.
    const missing = Object.keys(reviewPolicySchema.shape).filter((key) => !(key in input.policy));
    expect(missing).toEqual([]);
    expect(reviewPolicySchema.safeParse(input.policy).success).toBe(true);
    expect(input.policy).toMatchObject({ resubmissionCallSeconds: 1, bankActionWindowSeconds: 1 });
  });
});
