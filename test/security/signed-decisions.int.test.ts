/**
 * Whoever may write to the Temporal namespace (the CLI, the Web UI, a client with its
 * credentials) may send a review an update naming any operator. A review takes decisions, claims
 * and releases only as the API signed them (workflows/review/message-signature.ts): one sent
 * straight to the workflow is refused before anything is recorded.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { Reviews } from '../../api/services/reviews';
import type { ReviewInput } from '../../domain/review';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { createWorker } from '../../worker/create-worker';
import { signUpdate, UNSIGNED_MESSAGE } from '../../workflows/review/message-signature';
import { claim, decide, releaseClaim } from '../../workflows/review/messages';
import { newReviewSearchAttributes } from '../../workflows/search-attributes';
import { apiPerFile, bearer } from '../support/api';
import { sandboxPorts, TEST_DECISION_SIGNING_KEY } from '../support/harness';
import { openWithReview } from '../support/review';

const t = apiPerFile();

const OTHER_KEY = 'another-decision-signing-key-0123456789';
const reject = {
  round: 1,
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'the number is blurred',
} as const;
/** What a forger would send: the case approved in the supervisor's name. */
const forged = {
  round: 1,
  decision: 'APPROVE',
  reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION',
  operator: 'sup-carol',
  supervisor: true,
} as const;

const decideOverHttp = (reviewId: string, body: Record<string, unknown>) =>
  t.api.inject({
    method: 'POST',
    url: `/v1/reviews/${reviewId}/decisions`,
    headers: bearer('operator', 'op-bob'),
    payload: body,
  });

/** The validator's refusal of an update that must not be accepted. */
async function refusalOf(update: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await update.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(UNSIGNED_MESSAGE);
  return cause as ApplicationFailure;
}

const historyOf = (reviewId: string) => t.h.client.workflow.getHandle(reviewId).fetchHistory();

describe('a decision through the API', () => {
  it('is accepted, and the history holds its signature but not the key', async () => {
    const { reviewId } = await openWithReview(t.h);
    const decided = await decideOverHttp(reviewId, reject);
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'AWAITING_RESUBMISSION',
      decisions: [{ round: 1, decision: 'REJECT', operator: 'op-bob' }],
    });

    const history = await historyOf(reviewId);
    const accepted = history.events?.find(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'decide',
    )?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads;
    const { namespace, loadedDataConverter } = t.h.client.options;
    const recorded = await decodeFromPayloadsAtIndex<Record<string, unknown>>(
      loadedDataConverter,
      0,
      accepted,
      { type: 'workflow', namespace, workflowId: reviewId },
    );
    expect(recorded).toMatchObject({
      ...reject,
      operator: 'op-bob',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(recorded)).not.toContain(TEST_DECISION_SIGNING_KEY);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.includes(TEST_DECISION_SIGNING_KEY)).toBe(false);
  });
});

describe('sent straight to the workflow', () => {
  it('a decision unsigned, signed with another key, or signed for another case, round, operator or update is refused, and the case is unchanged', async () => {
    const { reviewId } = await openWithReview(t.h);
    const handle = t.h.client.workflow.getHandle(reviewId);
    const send = (args: Record<string, unknown>, updateId: string) =>
      refusalOf(handle.executeUpdate(decide, { args: [args as typeof forged], updateId }));
    const signed = (
      args: Record<string, unknown>,
      scope: { updateId: string; workflowId?: string; key?: string },
    ) =>
      signUpdate(
        scope.key ?? TEST_DECISION_SIGNING_KEY,
        { update: 'decide', workflowId: scope.workflowId ?? reviewId, updateId: scope.updateId },
        args,
      );

    expect((await send(forged, randomUUID())).message).toMatch(/^unsigned decision/);

    const mismatch = /^decision signature does not match/;
    let id = randomUUID();
    expect(
      (await send({ ...forged, signature: signed(forged, { updateId: id, key: OTHER_KEY }) }, id)).message,
    ).toMatch(mismatch);
    id = randomUUID();
    const anotherCase = reviewWorkflowId(randomUUID());
    expect(
      (await send({ ...forged, signature: signed(forged, { updateId: id, workflowId: anotherCase }) }, id))
        .message,
    ).toMatch(mismatch);
    id = randomUUID();
    expect(
      (await send({ ...forged, signature: signed({ ...forged, round: 2 }, { updateId: id }) }, id)).message,
    ).toMatch(mismatch);
    id = randomUUID();
    const asAlice = { ...forged, operator: 'op-alice', supervisor: false };
    expect((await send({ ...forged, signature: signed(asAlice, { updateId: id }) }, id)).message).toMatch(
      mismatch,
    );
    expect(
      (await send({ ...forged, signature: signed(forged, { updateId: randomUUID() }) }, randomUUID()))
        .message,
    ).toMatch(mismatch);

    expect(
      (await refusalOf(handle.executeUpdate(claim, { args: [{ operator: 'sup-carol' }] }))).message,
    ).toMatch(/^unsigned claim:/);
    const claimId = randomUUID();
    const claimSignature = signUpdate(
      OTHER_KEY,
      { update: 'claim', workflowId: reviewId, updateId: claimId },
      { operator: 'sup-carol' },
    );
    expect(
      (
        await refusalOf(
          handle.executeUpdate(claim, {
            args: [{ operator: 'sup-carol', signature: claimSignature }],
            updateId: claimId,
          }),
        )
      ).message,
    ).toMatch(/^claim signature does not match/);
    expect(
      (
        await refusalOf(
          handle.executeUpdate(releaseClaim, { args: [{ operator: 'sup-carol', supervisor: true }] }),
        )
      ).message,
    ).toMatch(/^unsigned claim release/);

    const view = await t.h.reviews.get(reviewId);
    expect(view).toMatchObject({ status: 'PENDING', round: 1, decisions: [] });
    expect(view.claim).toBeUndefined();
    const events = (await historyOf(reviewId)).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);

    // The case still takes the API's decision.
    expect((await decideOverHttp(reviewId, reject)).statusCode).toBe(200);
  });

  it('a decision from an API holding another key than the worker is refused, untranslated (the API answers 500)', async () => {
    const { reviewId } = await openWithReview(t.h);
    const misconfigured = new Reviews(t.h.client, {
      taskQueue: t.h.taskQueue,
      decisionSigningKey: OTHER_KEY,
    });
    const err = await misconfigured.decide(reviewId, reject, 'op-bob').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/^decision signature does not match/);
    expect((await t.h.reviews.get(reviewId)).decisions).toEqual([]);
  });
});

describe('a worker that bundles its own code, as worker/main.ts does', () => {
  it("checks operators' messages with the key it was given", async () => {
    const taskQueue = `signed-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue,
      ports: sandboxPorts(t.h.documentsDir, t.h.keyring),
      dataConverter: encryptedDataConverter(t.h.keyring),
      decisionSigningKey: TEST_DECISION_SIGNING_KEY,
    });
    const applicationId = randomUUID();
    const input: ReviewInput = {
      applicationId,
      accountNumber: '6230000000000000001',
      flowVersion: 'v3',
      channel: 'OWN_APP',
      applicant: { name: '张伟', idNumber: '11010519491231002X' },
      reasons: ['ID_IMAGE_BLURRED'],
      policy: defaultReviewPolicy,
    };
    const reviewId = reviewWorkflowId(applicationId);
    await worker.runUntil(async () => {
      const handle = await t.h.client.workflow.start('review', {
        taskQueue,
        workflowId: reviewId,
        args: [input],
        typedSearchAttributes: newReviewSearchAttributes(input.reasons, input),
      });
      const signedWithOther = new Reviews(t.h.client, { decisionSigningKey: OTHER_KEY });
      const refused = await signedWithOther.claim(reviewId, 'op-alice').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(
        /^claim signature does not match/,
      );
      expect(await t.h.reviews.claim(reviewId, 'op-alice')).toMatchObject({ claimedBy: 'op-alice' });
      await handle.terminate('test over');
    });
    await connection.close();
  });
});
