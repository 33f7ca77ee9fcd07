/**
 * GET /v1/funnel/re-verifications on the real dev server, over real re-verification runs of one
 * account: passed, failed by each class of reason (the declaration withheld, unreadable photos,
 * someone else's photos, a face that does not match), one held at its checks by a slow vendor, and
 * one that ended without an outcome (its selfie gone from the store). Counted through visibility,
 * scoped to this file's task queue, on sandboxes of its own (the slow vendor is this file's alone).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRiskLifePolicy } from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeSelfieImage } from '../../sandbox/providers/id-card-image';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import { bearer, startApi } from '../support/api';
import { type Harness, OWN_APP_TENANT, openCleanly, startHarness } from '../support/harness';
import { eventually, newPhotos } from '../support/review';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';

let sandboxes: OwnSandboxes;
const t = {} as { h: Harness; api: FastifyInstance };
beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  t.h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  t.api = await startApi(t.h);
});
afterAll(async () => {
  await t.api?.close();
  await t.h?.stop();
  await sandboxes?.close();
});

/** Sets the providers sandbox's fault knobs (latency on every vendor call). */
async function faults(settings: { latencyMs?: number }): Promise<void> {
  const res = await fetch(`${sandboxes.providersUrl}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`faults: ${res.status}`);
}
const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true } as const;

describe('the re-verification funnel', () => {
  it('counts started, passed, failed by class, in progress while a vendor is slow, and undecided cases', async () => {
    const { h } = t;
    const from = new Date().toISOString();
    const { req, accountNumber } = await openCleanly(h);
    const workflowId = reVerificationWorkflowId(req.applicationId);

    // One case at a time per account: each is awaited before the next.
    const reVerify = async (payload: object) => {
      const res = await t.api.inject({
        method: 'POST',
        url: `/v1/accounts/${accountNumber}/re-verifications`,
        headers: bearer('app'),
        payload,
      });
      expect(res.statusCode).toBe(202);
      const { caseId } = res.json() as { caseId: string };
      return h.client.workflow.getHandle<typeof reVerification>(workflowId, caseId).result();
    };
    const selfie = async (face: 'PASS' | 'MISMATCH') => ({
      selfie: await h.documents.put(makeSelfieImage({ face }), OWN_APP_TENANT),
    });

    expect(await reVerify({ documents: await newPhotos(h, req.applicant), intent })).toMatchObject({
      passed: true,
    });
    expect(
      await reVerify({
        documents: await newPhotos(h, req.applicant),
        intent: { ...intent, declaresNoRentOrSale: false },
      }),
    ).toMatchObject({ passed: false, reasons: ['INTENT_NOT_CONFIRMED'] });
    expect(
      await reVerify({ documents: await newPhotos(h, req.applicant, ['BLURRED']), intent }),
    ).toMatchObject({ passed: false, reasons: ['ID_IMAGE_BLURRED'] });
    expect(
      await reVerify({
        documents: await newPhotos(h, { name: '赵某', idNumber: '11010519491231002X' }),
        intent,
      }),
    ).toMatchObject({ passed: false, reasons: ['ID_DATA_MISMATCH'] });
    expect(await reVerify({ documents: await selfie('MISMATCH'), intent })).toMatchObject({
      passed: false,
      reasons: [expect.stringMatching(/^FACE_/)],
    });

    const ask = async () =>
      (
        await t.api.inject({
          url: `/v1/funnel/re-verifications?from=${encodeURIComponent(from)}`,
          headers: bearer('operator'),
        })
      ).json() as unknown;

    // A case held at its checks by a slow vendor counts as in progress until it ends.
    const photos = await newPhotos(h, req.applicant);
    await faults({ latencyMs: 8_000 });
    const slow = await t.api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload: { documents: photos, intent },
    });
    expect(slow.statusCode).toBe(202);
    const checking = { started: 6, passed: 1, failed: 4, inProgress: 1 };
    expect(await eventually(ask, (f) => JSON.stringify(f).includes('"inProgress":1'))).toMatchObject(
      checking,
    );
    await faults({});
    const { caseId: slowCase } = slow.json() as { caseId: string };
    expect(
      await h.client.workflow.getHandle<typeof reVerification>(workflowId, slowCase).result(),
    ).toMatchObject({
      passed: true,
    });

    // A selfie no longer in the store: the face check cannot run, the run fails with no outcome.
    const lost = await h.client.workflow.start<typeof reVerification>('reVerification', {
      workflowId,
      taskQueue: h.taskQueue,
      args: [
        {
          accountNumber,
          applicationId: req.applicationId,
          documents: { selfie: 'f'.repeat(64) },
          intent,
          policy: defaultRiskLifePolicy,
        },
      ],
    });
    await expect(lost.result()).rejects.toThrow();

    const want = {
      started: 7,
      passed: 2,
      failed: 4,
      failedBy: { INTENT: 1, ID_DOCUMENT: 1, IDENTITY: 1, FACE: 1 },
      inProgress: 0,
      undecided: 1,
    };
    const got = await eventually(ask, (f) => JSON.stringify(f) === JSON.stringify(want));
    expect(got).toEqual(want);
  });

  it('answers a supervisor, refuses an app (403), and a malformed period is a 400 naming it', async () => {
    expect(
      (await t.api.inject({ url: '/v1/funnel/re-verifications', headers: bearer('supervisor') })).statusCode,
    ).toBe(200);
    expect(
      (await t.api.inject({ url: '/v1/funnel/re-verifications', headers: bearer('app') })).statusCode,
    ).toBe(403);
    const bad = await t.api.inject({
      url: '/v1/funnel/re-verifications?from=yesterday',
      headers: bearer('operator'),
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]?.field).toBe('querystring.from');
  });
});
