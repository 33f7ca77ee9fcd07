/**
 * GET /v1/funnel/re-verifications on the real dev server, over real re-verification runs of one
 * account: passed, failed by each class of reason (the declaration withheld, unreadable photos,
 * someone else's photos, a face that does not match), and one that ended without an outcome (its
 * selfie gone from the store). Counted through visibility, scoped to this file's task queue.
 */
import { describe, expect, it } from 'vitest';
import { defaultRiskLifePolicy } from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeSelfieImage } from '../../sandbox/providers/id-card-image';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import { apiPerFile, bearer } from '../support/api';
import { newApplication, OWN_APP_TENANT, readSmsCode } from '../support/harness';
import { eventually, newPhotos } from '../support/review';

const t = apiPerFile();
const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true } as const;

describe('the re-verification funnel', () => {
  it('counts started, passed, failed by class and undecided cases, none in progress once all ended', async () => {
    const { h } = t;
    const from = new Date().toISOString();
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error(`not opened: ${opened.status}`);
    const { accountNumber } = opened;
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
      started: 6,
      passed: 1,
      failed: 4,
      failedBy: { INTENT: 1, ID_DOCUMENT: 1, IDENTITY: 1, FACE: 1 },
      inProgress: 0,
      undecided: 1,
    };
    const ask = async () =>
      (
        await t.api.inject({
          url: `/v1/funnel/re-verifications?from=${encodeURIComponent(from)}`,
          headers: bearer('operator'),
        })
      ).json() as unknown;
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
