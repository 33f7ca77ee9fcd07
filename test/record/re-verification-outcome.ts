/**
 * Re-verification outcomes (issue 23, part 4): a decided case publishes its outcome as the
 * ReVerificationOutcome search attribute for the funnel; one passed on photos, one failed by a face
 * that does not match. Called by histories.record.ts.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeSelfieImage } from '../../sandbox/providers/id-card-image';
import { bearer } from '../support/api';
import { type Harness, newApplication, OWN_APP_TENANT, readSmsCode } from '../support/harness';
import { newPhotos } from '../support/review';

type Save = (client: Harness['client'], workflowId: string, name: string, runId?: string) => Promise<unknown>;

export async function recordReVerificationOutcome(
  b: Harness,
  api: FastifyInstance,
  saveHistory: Save,
): Promise<void> {
  const req = await newApplication(b.documents);
  await b.applications.start(req);
  const opened = await b.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(b.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED') throw new Error('not opened');
  const workflowId = reVerificationWorkflowId(req.applicationId);
  const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true };
  const reVerify = async (documents: object, name: string) => {
    const res = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${opened.accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload: { documents, intent },
    });
    expect(res.statusCode).toBe(202);
    const { caseId } = res.json() as { caseId: string };
    const result = await b.client.workflow.getHandle(workflowId, caseId).result();
    const history = await b.client.workflow.getHandle(workflowId, caseId).fetchHistory();
    // The outcome's upsert is in the history recorded.
    const upserted = history.events?.filter(
      (e) =>
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields
          ?.ReVerificationOutcome,
    );
    expect(upserted).toHaveLength(1);
    await saveHistory(b.client, workflowId, name, caseId);
    return result;
  };
  expect(await reVerify(await newPhotos(b, req.applicant), 're-verification-photos-passed')).toMatchObject({
    passed: true,
  });
  const selfie = await b.documents.put(makeSelfieImage({ face: 'MISMATCH' }), OWN_APP_TENANT);
  expect(await reVerify({ selfie }, 're-verification-face-mismatch')).toMatchObject({ passed: false });
}
