/**
 * POST /v1/accounts/{accountNumber}/re-verifications on the real dev server: the account's own
 * session (or its app) opens a case; another account's session, another tenant's app, and bodies
 * that are not a re-verification answer a 4xx problem naming the field, and start nothing.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import { apiPerFile, bearer } from '../support/api';
import { openCleanly } from '../support/harness';
import { newPhotos } from '../support/review';

const t = apiPerFile();

const open = () => openCleanly(t.h);

async function sessionOf(accountNumber: string): Promise<Record<string, string>> {
  const minted = await t.api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { accountNumber },
  });
  expect(minted.statusCode).toBe(201);
  return { authorization: `Bearer ${minted.json().sessionToken}` };
}

const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true };

const reVerify = (accountNumber: string, headers: Record<string, string>, payload: object) =>
  t.api.inject({ method: 'POST', url: `/v1/accounts/${accountNumber}/re-verifications`, headers, payload });

/** Whether any re-verification case of the application was ever started. */
async function started(applicationId: string): Promise<boolean> {
  try {
    await t.h.client.workflow.getHandle(reVerificationWorkflowId(applicationId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('re-verification requests', () => {
  it("the account's own session opens a case, which passes with the holder's photos", async () => {
    const { req, accountNumber } = await open();
    const res = await reVerify(accountNumber, await sessionOf(accountNumber), {
      documents: await newPhotos(t.h, req.applicant),
      intent,
    });
    expect(res.statusCode).toBe(202);
    const { caseId } = res.json();
    const result = await t.h.client.workflow
      .getHandle<typeof reVerification>(reVerificationWorkflowId(req.applicationId), caseId)
      .result();
    expect(result).toMatchObject({ passed: true, reasons: [] });
  });

  it("another account's session and another tenant's app get a 404, and no case starts", async () => {
    const mine = await open();
    const other = await open();
    const documents = await newPhotos(t.h, mine.req.applicant);
    const wrongSession = await reVerify(mine.accountNumber, await sessionOf(other.accountNumber), {
      documents,
      intent,
    });
    expect(wrongSession.statusCode).toBe(404);
    const otherTenant = await reVerify(mine.accountNumber, bearer('app', 'partner-x'), { documents, intent });
    expect(otherTenant.statusCode).toBe(404);
    expect(await started(mine.req.applicationId)).toBe(false);
  });

  it('bodies that are not a re-verification get a 400 naming the field, and no case starts', async () => {
    const { req, accountNumber } = await open();
    const documents = await newPhotos(t.h, req.applicant);
    const cases: [object, string][] = [
      [{ documents, intent: { purpose: 'GAMBLING', declaresNoRentOrSale: true } }, 'intent.purpose'],
      [{ documents }, 'intent'],
      [{ documents: { idFront: documents.idFront }, intent }, 'documents'],
      [{ documents: { idFront: 'a'.repeat(64), idBack: documents.idBack }, intent }, 'documents.idFront'],
    ];
    for (const [payload, field] of cases) {
      const res = await reVerify(accountNumber, bearer('app'), payload);
      expect(res.statusCode, field).toBe(400);
      expect(JSON.stringify(res.json()), field).toContain(field);
    }
    expect(await started(req.applicationId)).toBe(false);
  });
});
