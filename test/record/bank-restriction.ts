/**
 * Abnormal-account restrictions' histories (issue 23, part 2; workflows/bank-restriction/): a
 * proposal that lapsed unconfirmed; one confirmed and lifted without an appeal; one appealed by a
 * re-verification that failed and then by one that passed, then lifted; and one whose passed
 * appeal waited past its deadline (escalated to ops), was upheld and later lifted. Called by
 * histories.record.ts (`-t "bank-restriction paths"`), on the API with a policy in seconds, on
 * sandboxes of their own (core banking refuses a lift in one path). Each case takes the API's
 * signed proposal and publishes its status in visibility; the fifth path's lift is refused by core
 * banking (ops alerted) before it goes through.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { type BankRestrictionPolicy, defaultBankRestrictionPolicy } from '../../domain/bank-restrictions';
import { DEFAULT_UPLOAD_QUOTA } from '../../domain/documents';
import { bankRestrictionWorkflowId, reVerificationWorkflowId } from '../../domain/workflow-ids';
import { SqliteSessionStore } from '../../stores/sessions';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, readSmsCode } from '../support/harness';
import { newPhotos } from '../support/review';
import { refuse } from '../workflows/own-sandboxes';

type Save = (client: Harness['client'], workflowId: string, name: string, runId?: string) => Promise<unknown>;

/** A proposal lapses and an appeal's deadline passes within seconds; every other step is taken at once. */
const policy: BankRestrictionPolicy = {
  ...defaultBankRestrictionPolicy,
  proposalExpirySeconds: 2,
  appealDecisionSeconds: 2,
};

export async function recordBankRestrictions(b: Harness, saveHistory: Save): Promise<void> {
  const api = await startApi(
    b,
    undefined,
    {},
    DEFAULT_UPLOAD_QUOTA,
    new SqliteSessionStore(':memory:'),
    policy,
  );
  try {
    await record(b, api, saveHistory);
  } finally {
    await api.close();
  }
}

async function record(b: Harness, api: FastifyInstance, saveHistory: Save): Promise<void> {
  const open = async () => {
    const req = await newApplication(b.documents);
    await b.applications.start(req);
    const opened = await b.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(b.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');
    return { req, accountNumber: opened.accountNumber };
  };
  const body = { category: 'SUSPECTED_FRAUD', note: 'reported by a payer' };
  const send = (accountNumber: string, who: Record<string, string>, path = '', payload: object = body) =>
    api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/restrictions${path}`,
      headers: who,
      payload,
    });
  const restrict = async (accountNumber: string) => {
    const proposed = await send(accountNumber, bearer('operator', 'op-alice'));
    expect(proposed.statusCode).toBe(202);
    const confirmed = await send(accountNumber, bearer('supervisor'), '', { ...body, note: 'agreed' });
    expect(confirmed.statusCode).toBe(201);
    return confirmed.json().caseId as string;
  };
  const decide = async (accountNumber: string, caseId: string, decision: 'LIFT' | 'UPHOLD') => {
    const res = await send(accountNumber, bearer('operator', 'op-bob'), `/${caseId}/decision`, {
      decision,
      note: 'decided',
    });
    expect(res.statusCode).toBe(200);
  };
  /** The holder's re-verification through the app, waited for; the case's status then. */
  const appeal = async (
    applicant: Parameters<typeof newPhotos>[1],
    accountNumber: string,
    declares: boolean,
  ) => {
    const res = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload: {
        documents: await newPhotos(b, applicant),
        intent: { purpose: 'SAVINGS', declaresNoRentOrSale: declares },
      },
    });
    expect(res.statusCode).toBe(202);
    return res.json().caseId as string;
  };
  const caseWhen = async (
    accountNumber: string,
    done: (c: { status: string; escalated: boolean }) => boolean,
  ) => {
    for (;;) {
      const view = (
        await api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers: bearer('operator') })
      ).json();
      if (view.bankRestriction && done(view.bankRestriction)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const finish = async (applicationId: string, caseId: string, name: string) => {
    const workflowId = bankRestrictionWorkflowId(applicationId);
    await b.client.workflow.getHandle(workflowId, caseId).result();
    await saveHistory(b.client, workflowId, name, caseId);
  };
  const reVerified = (applicationId: string, caseId: string) =>
    b.client.workflow.getHandle(reVerificationWorkflowId(applicationId), caseId).result();

  // Proposed, never confirmed: lapsed.
  const lapsed = await open();
  const proposed = await send(lapsed.accountNumber, bearer('operator', 'op-alice'));
  expect(proposed.statusCode).toBe(202);
  await finish(lapsed.req.applicationId, proposed.json().caseId, 'bank-restriction-proposal-expired');

  // Confirmed, then lifted by an operator without an appeal.
  const lifted = await open();
  const liftedCase = await restrict(lifted.accountNumber);
  await decide(lifted.accountNumber, liftedCase, 'LIFT');
  await finish(lifted.req.applicationId, liftedCase, 'bank-restriction-in-force-lifted');

  // Appealed by a failed re-verification, then by one that passed; lifted before the deadline.
  const retried = await open();
  const retriedCase = await restrict(retried.accountNumber);
  await reVerified(
    retried.req.applicationId,
    await appeal(retried.req.applicant, retried.accountNumber, false),
  );
  await caseWhen(retried.accountNumber, (c) => c.status === 'IN_FORCE');
  await reVerified(
    retried.req.applicationId,
    await appeal(retried.req.applicant, retried.accountNumber, true),
  );
  await caseWhen(retried.accountNumber, (c) => c.status === 'APPEALED');
  await decide(retried.accountNumber, retriedCase, 'LIFT');
  await finish(retried.req.applicationId, retriedCase, 'bank-restriction-appeal-failed-then-passed-lifted');

  // A passed appeal left past its deadline (ops alerted), upheld, then lifted.
  const late = await open();
  const lateCase = await restrict(late.accountNumber);
  await reVerified(late.req.applicationId, await appeal(late.req.applicant, late.accountNumber, true));
  await caseWhen(late.accountNumber, (c) => c.escalated);
  await decide(late.accountNumber, lateCase, 'UPHOLD');
  await decide(late.accountNumber, lateCase, 'LIFT');
  await finish(late.req.applicationId, lateCase, 'bank-restriction-appeal-escalated-upheld-lifted');

  // Lifted once core banking, which refused the lift at first (ops alerted), takes it.
  const stuck = await open();
  const stuckCase = await restrict(stuck.accountNumber);
  await refuse(b.coreBankingUrl, ['lift']);
  try {
    const lifting = decide(stuck.accountNumber, stuckCase, 'LIFT');
    await caseWhen(stuck.accountNumber, (c) => (c as { actionPending?: boolean }).actionPending === true);
    await refuse(b.coreBankingUrl, []);
    await lifting;
  } finally {
    await refuse(b.coreBankingUrl, []);
  }
  await finish(stuck.req.applicationId, stuckCase, 'bank-restriction-lift-refused-then-lifted');
}
