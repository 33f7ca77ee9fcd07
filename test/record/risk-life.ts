/**
 * The account's risk life's histories (issue 23): the daily re-verification sweep making an
 * overdue account receive-only, and re-verifications passed by ID photos and by a selfie, failed
 * by someone else's photos and by a withheld declaration. Called by histories.record.ts, on
 * sandboxes of its own (a sweep acts on every account core banking holds).
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { defaultRiskLifePolicy } from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeSelfieImage } from '../../sandbox/providers/id-card-image';
import { bearer } from '../support/api';
import { type Harness, newApplication, OWN_APP_TENANT, readSmsCode } from '../support/harness';
import { newPhotos } from '../support/review';

type Save = (client: Harness['client'], workflowId: string, name: string, runId?: string) => Promise<unknown>;

export async function recordRiskLife(b: Harness, api: FastifyInstance, saveHistory: Save): Promise<void> {
  const req = await newApplication(b.documents);
  await b.applications.start(req);
  const opened = await b.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(b.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED') throw new Error('not opened');
  const { accountNumber } = opened;
  const dueAt = new Date(Date.now() - 120_000).toISOString();
  const put = await fetch(`${b.coreBankingUrl}/core/v1/accounts/${accountNumber}/re-verification-due`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dueAt }),
  });
  expect(put.status).toBe(200);

  const sweepId = `record-re-verification-sweep-${req.applicationId}`;
  const swept = await b.client.workflow.execute('reVerificationSweep', {
    workflowId: sweepId,
    taskQueue: b.taskQueue,
    args: [{ policy: { ...defaultRiskLifePolicy, graceSeconds: 60 }, now: new Date().toISOString() }],
  });
  expect(swept).toMatchObject({ restricted: 1 });
  await saveHistory(b.client, sweepId, 're-verification-sweep-receive-only');

  const reVerify = async (payload: object, name: string) => {
    const res = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload,
    });
    expect(res.statusCode).toBe(202);
    const { caseId } = res.json() as { caseId: string };
    const workflowId = reVerificationWorkflowId(req.applicationId);
    const result = await b.client.workflow.getHandle(workflowId, caseId).result();
    await saveHistory(b.client, workflowId, name, caseId);
    return result;
  };
  const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true };
  expect(
    await reVerify(
      { documents: await newPhotos(b, { name: '赵某', idNumber: '11010519491231002X' }), intent },
      're-verification-photos-not-the-holder',
    ),
  ).toMatchObject({ passed: false });
  expect(
    await reVerify(
      {
        documents: await newPhotos(b, req.applicant),
        intent: { purpose: 'SAVINGS', declaresNoRentOrSale: false },
      },
      're-verification-intent-not-confirmed',
    ),
  ).toMatchObject({ passed: false, reasons: ['INTENT_NOT_CONFIRMED'] });
  expect(
    await reVerify(
      { documents: await newPhotos(b, req.applicant), intent },
      're-verification-photos-passed-lifted',
    ),
  ).toMatchObject({ passed: true, lifted: [expect.any(String)] });
  const selfie = await b.documents.put(makeSelfieImage({ face: 'PASS' }), OWN_APP_TENANT);
  expect(await reVerify({ documents: { selfie }, intent }, 're-verification-selfie-passed')).toMatchObject({
    passed: true,
  });
}
