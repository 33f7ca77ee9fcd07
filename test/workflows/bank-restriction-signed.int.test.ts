/**
 * Issue 23 part 2's follow-ups, on the real dev server with sandboxes of this file's own (it refuses
 * core banking's lifts): four eyes on a bank restriction holds against the namespace (a proposal,
 * confirmation or decision sent straight through a Temporal client, without the API's signature for
 * that case, is refused and changes nothing); the case publishes its status and its appeal's
 * deadline in visibility, and `listByStatus` pages the cases of one status from there; a lift core
 * banking refuses alerts ops (never the app) while the case keeps trying.
 */
import {
  WithStartWorkflowOperation,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankRestrictions, RestrictionCursorError } from '../../api/services/bank-restrictions';
import {
  type BankRestrictionCase,
  type BankRestrictionPolicy,
  defaultBankRestrictionPolicy,
  type RestrictionCaseListItem,
} from '../../domain/bank-restrictions';
import { DEFAULT_UPLOAD_QUOTA } from '../../domain/documents';
import { bankRestrictionWorkflowId, reVerificationWorkflowId } from '../../domain/workflow-ids';
import { SqliteSessionStore } from '../../stores/sessions';
import type { bankRestriction } from '../../workflows/bank-restriction/bank-restriction';
import {
  confirmRestriction,
  decideRestriction,
  proposeRestriction,
} from '../../workflows/bank-restriction/messages';
import { signRestrictionMessage } from '../../workflows/bank-restriction/signature';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  readAccount,
  readSmsCode,
  startHarness,
  TEST_DECISION_SIGNING_KEY,
} from '../support/harness';
import { newPhotos } from '../support/review';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
let restrictions: BankRestrictions;

const policy: BankRestrictionPolicy = {
  ...defaultBankRestrictionPolicy,
  proposalExpirySeconds: 600,
  appealDecisionSeconds: 600,
};

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {},
    {
      providersUrl: sandboxes.providersUrl,
      coreBankingUrl: sandboxes.coreBankingUrl,
      opsWebhookUrl: `${sandboxes.providersUrl}/sandbox/ops-webhook`,
    },
  );
  api = await startApi(h, undefined, {}, DEFAULT_UPLOAD_QUOTA, new SqliteSessionStore(':memory:'), policy);
  restrictions = new BankRestrictions(h.client, h.taskQueue, policy, TEST_DECISION_SIGNING_KEY);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

async function open() {
  const req = await newApplication(h.documents);
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED' || opened.review !== 'NONE')
    throw new Error(`not opened cleanly: ${opened.status}`);
  return { req, accountNumber: opened.accountNumber };
}

const body = { category: 'SUSPECTED_FRAUD', note: 'reported by a payer' } as const;

const propose = (accountNumber: string, who: Record<string, string>, payload: object = body) =>
  api.inject({ method: 'POST', url: `/v1/accounts/${accountNumber}/restrictions`, headers: who, payload });

async function restrict(accountNumber: string): Promise<BankRestrictionCase> {
  expect((await propose(accountNumber, bearer('operator', 'op-alice'))).statusCode).toBe(202);
  const confirmed = await propose(accountNumber, bearer('supervisor'), { ...body, note: 'agreed' });
  expect(confirmed.statusCode).toBe(201);
  return confirmed.json();
}

const decide = (accountNumber: string, caseId: string, payload: object) =>
  api.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/restrictions/${caseId}/decision`,
    headers: bearer('operator', 'op-bob'),
    payload,
  });

const staffCase = async (accountNumber: string) =>
  (
    await api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers: bearer('operator') })
  ).json().bankRestriction as BankRestrictionCase | undefined;

const auditActions = async (accountNumber: string): Promise<string[]> =>
  (
    await api.inject({
      method: 'GET',
      url: `/v1/audit?accountNumber=${accountNumber}`,
      headers: bearer('supervisor'),
    })
  )
    .json()
    .entries.map((e: { action: string }) => e.action);

/** The refusal's type, from an update the workflow refused. */
async function refusalOf(sent: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  const err = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { type: (cause as ApplicationFailure).type ?? undefined, message: (cause as Error).message };
}

const handleOf = (applicationId: string) =>
  h.client.workflow.getHandle<typeof bankRestriction>(bankRestrictionWorkflowId(applicationId));

describe('bank restrictions: messages the API did not sign', () => {
  it("a supervisor's confirmation sent straight through a Temporal client, unsigned, signed with another key, or signed for another case, is refused (RESTRICTION_UNSIGNED) and the case stays proposed with nothing held", async () => {
    const { req, accountNumber } = await open();
    const proposed = await propose(accountNumber, bearer('operator', 'op-alice'));
    expect(proposed.statusCode).toBe(202);
    const { caseId } = proposed.json() as BankRestrictionCase;
    const handle = handleOf(req.applicationId);
    const workflowId = bankRestrictionWorkflowId(req.applicationId);
    const forged = { supervisor: 'sup-mallory', category: body.category, note: 'agreed' };

    const unsigned = await refusalOf(handle.executeUpdate(confirmRestriction, { args: [forged] }));
    expect(unsigned).toEqual({ type: 'RESTRICTION_UNSIGNED', message: expect.stringMatching(/unsigned/) });

    const updateId = 'forged-with-another-key';
    const otherKey = signRestrictionMessage(
      'another-key-0123456789abcdef0123456789',
      { message: 'confirmRestriction', workflowId, caseId, updateId },
      forged,
    );
    expect(
      (
        await refusalOf(
          handle.executeUpdate(confirmRestriction, { args: [{ ...forged, signature: otherKey }], updateId }),
        )
      ).type,
    ).toBe('RESTRICTION_UNSIGNED');

    const otherCase = 'forged-for-another-case';
    const anotherCase = signRestrictionMessage(
      TEST_DECISION_SIGNING_KEY,
      {
        message: 'confirmRestriction',
        workflowId,
        caseId: '00000000-0000-4000-8000-000000000000',
        updateId: otherCase,
      },
      forged,
    );
    expect(
      (
        await refusalOf(
          handle.executeUpdate(confirmRestriction, {
            args: [{ ...forged, signature: anotherCase }],
            updateId: otherCase,
          }),
        )
      ).type,
    ).toBe('RESTRICTION_UNSIGNED');

    const still = await staffCase(accountNumber);
    expect(still).toMatchObject({ caseId, status: 'PROPOSED', proposedBy: 'op-alice' });
    expect(still?.confirmedBy).toBeUndefined();
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toEqual([]);
    expect(await auditActions(accountNumber)).not.toContain('RESTRICTION_CONFIRMED');

    // Through the API, the supervisor's confirmation is signed and taken.
    const confirmed = await propose(accountNumber, bearer('supervisor'), { ...body, note: 'agreed' });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ status: 'IN_FORCE', confirmedBy: 'sup-carol' });
  });

  it('a decision to lift sent straight through a Temporal client as an operator is refused (RESTRICTION_UNSIGNED) and the restriction stays in force', async () => {
    const { req, accountNumber } = await open();
    const inForce = await restrict(accountNumber);
    const refused = await refusalOf(
      handleOf(req.applicationId).executeUpdate(decideRestriction, {
        args: [{ operator: 'op-bob', decision: 'LIFT', note: 'lifted by the CLI' }],
      }),
    );
    expect(refused.type).toBe('RESTRICTION_UNSIGNED');
    expect(await staffCase(accountNumber)).toMatchObject({ caseId: inForce.caseId, status: 'IN_FORCE' });
    expect(await staffCase(accountNumber)).not.toHaveProperty('decision');
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
    expect(await auditActions(accountNumber)).not.toContain('RESTRICTION_LIFTED');
  });

  it('a case started straight through a Temporal client with an unsigned proposal is refused (RESTRICTION_UNSIGNED), fails having recorded nothing, and the API proposes afterwards', async () => {
    const { req, accountNumber } = await open();
    const workflowId = bankRestrictionWorkflowId(req.applicationId);
    const proposal = { category: body.category, note: body.note, proposedBy: 'op-alice' };
    const start = new WithStartWorkflowOperation<typeof bankRestriction>('bankRestriction', {
      workflowId,
      taskQueue: h.taskQueue,
      args: [{ accountNumber, applicationId: req.applicationId, proposal, policy }],
      workflowIdConflictPolicy: 'FAIL',
    });
    const refused = await refusalOf(
      h.client.workflow.executeUpdateWithStart(proposeRestriction, {
        args: [{ ...proposal, signedAt: Date.now() }],
        startWorkflowOperation: start,
      }),
    );
    expect(refused.type).toBe('RESTRICTION_UNSIGNED');
    const failed = await (await start.workflowHandle()).result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(((failed as WorkflowFailedError).cause as ApplicationFailure).type).toBe('RESTRICTION_UNSIGNED');
    expect(await staffCase(accountNumber)).toBeUndefined();
    expect(await auditActions(accountNumber)).toEqual([]);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toEqual([]);

    const proposed = await propose(accountNumber, bearer('operator', 'op-alice'));
    expect(proposed.statusCode).toBe(202);
    expect(proposed.json()).toMatchObject({ status: 'PROPOSED', proposedBy: 'op-alice' });
  });
});

/** Visibility is eventually consistent: the listing once `done` holds. */
async function listingWhen(
  status: Parameters<BankRestrictions['listByStatus']>[0],
  done: (cases: RestrictionCaseListItem[]) => boolean,
): Promise<RestrictionCaseListItem[]> {
  for (;;) {
    const { cases } = await restrictions.listByStatus(status, { limit: 100 });
    if (done(cases)) return cases;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('bank restrictions in visibility', () => {
  it("lists cases by status with their application and appeal deadline, paged by cursors of that status's own", async () => {
    const first = await open();
    const second = await open();
    const appealed = await open();
    const cases = [await restrict(first.accountNumber), await restrict(second.accountNumber)];
    const appealedCase = await restrict(appealed.accountNumber);

    const res = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${appealed.accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload: {
        documents: await newPhotos(h, appealed.req.applicant),
        intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
      },
    });
    expect(res.statusCode).toBe(202);
    await h.client.workflow
      .getHandle(reVerificationWorkflowId(appealed.req.applicationId), res.json().caseId)
      .result();
    let view = await staffCase(appealed.accountNumber);
    while (view?.status !== 'APPEALED') {
      await new Promise((r) => setTimeout(r, 200));
      view = await staffCase(appealed.accountNumber);
    }

    const listedAppealed = await listingWhen('APPEALED', (l) =>
      l.some((c) => c.caseId === appealedCase.caseId),
    );
    expect(listedAppealed).toEqual([
      {
        caseId: appealedCase.caseId,
        applicationId: appealed.req.applicationId,
        status: 'APPEALED',
        proposedAt: expect.any(String),
        appealDecisionDueAt: view?.appeal?.decisionDueAt,
      },
    ]);

    // Other tests of this file leave cases in force too: these two are among them.
    const ids = cases.map((c) => c.caseId);
    const inForce = await listingWhen('IN_FORCE', (l) => ids.every((id) => l.some((c) => c.caseId === id)));
    expect(inForce.filter((c) => ids.includes(c.caseId))).toEqual(
      expect.arrayContaining(
        [first, second].map((o, k) => ({
          caseId: ids[k],
          applicationId: o.req.applicationId,
          status: 'IN_FORCE',
          proposedAt: expect.any(String),
        })),
      ),
    );

    // One case a page: every case once, page after page, until no cursor is answered.
    const walked: string[] = [];
    let page1: Awaited<ReturnType<BankRestrictions['listByStatus']>> | undefined;
    let cursor: string | undefined;
    do {
      const page = await restrictions.listByStatus('IN_FORCE', { limit: 1, ...(cursor && { cursor }) });
      page1 ??= page;
      expect(page.cases.length).toBeLessThanOrEqual(1);
      walked.push(...page.cases.map((c) => c.caseId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.sort()).toEqual(inForce.map((c) => c.caseId).sort());
    expect(page1?.nextCursor).toEqual(expect.any(String));
    await expect(
      restrictions.listByStatus('APPEALED', { limit: 1, cursor: page1?.nextCursor }),
    ).rejects.toBeInstanceOf(RestrictionCursorError);

    // No personal data in what visibility holds: no account number, name or mobile.
    const { executions } = await h.client.workflowService.listWorkflowExecutions({
      namespace: h.client.options.namespace,
      query: `WorkflowId = '${bankRestrictionWorkflowId(appealed.req.applicationId)}'`,
    });
    const published = JSON.stringify(executions?.[0]?.searchAttributes ?? {});
    expect(published).not.toContain(appealed.accountNumber);
    expect(published).not.toContain(appealed.req.applicant.mobile);
  });
});

describe('bank restrictions: a lift core banking refuses', () => {
  it('alerts ops once (OPS_RESTRICTION_NOT_LIFTED, never the app) while the case keeps trying, and lifts once core banking takes it', async () => {
    const { req, accountNumber } = await open();
    const inForce = await restrict(accountNumber);
    await refuse(h.coreBankingUrl, ['lift']);
    let healed = false;
    try {
      const decided = decide(accountNumber, inForce.caseId, { decision: 'LIFT', note: 'explained' });
      let alerts: Awaited<ReturnType<typeof receivedEvents>> = [];
      while (alerts.length === 0) {
        alerts = (await receivedEvents(h.providersUrl, req.applicationId)).filter(
          (e) => e.type === 'OPS_RESTRICTION_NOT_LIFTED',
        );
        if (alerts.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(alerts.every((e) => e.inbox === 'ops')).toBe(true);
      expect(alerts[0]?.data).toMatchObject({ severity: 'HIGH', holdId: inForce.holdId });
      expect(await staffCase(accountNumber)).toMatchObject({ actionPending: true });
      expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');

      await refuse(h.coreBankingUrl, []);
      healed = true;
      const lifted = await decided;
      expect(lifted.statusCode).toBe(200);
      expect(lifted.json()).toMatchObject({ status: 'LIFTED', actionPending: false });
      expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toEqual([]);
      const events = await receivedEvents(h.providersUrl, req.applicationId);
      expect(events.filter((e) => e.type === 'OPS_RESTRICTION_NOT_LIFTED')).toHaveLength(1);
      expect(events.filter((e) => e.inbox !== 'ops').map((e) => e.type)).not.toContain(
        'OPS_RESTRICTION_NOT_LIFTED',
      );
    } finally {
      if (!healed) await refuse(h.coreBankingUrl, []);
    }
  });
});
