/**
 * Issue 23, re-verification by rating, on the real dev server: the daily sweep (run here for
 * chosen instants, with a policy in seconds) schedules accounts that had no due date by their
 * rating, asks the holder once due and makes the account receive-only past the grace period;
 * a re-verification through the API (new ID photos or a selfie, with the intent declaration)
 * lifts that hold alone and sets the next due date from the rating. The file has sandboxes of
 * its own: a sweep acts on every account core banking holds.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRiskLifePolicy, type RiskLifePolicy } from '../../domain/risk-life';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeSelfieImage } from '../../sandbox/providers/id-card-image';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import type { reVerificationSweep } from '../../workflows/risk-sweeps/re-verification-sweep';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  OWN_APP_TENANT,
  readAccount,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newPhotos } from '../support/review';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

/** The life in seconds: each lower tier twice the one above, a minute's grace. */
const policy: RiskLifePolicy = {
  ...defaultRiskLifePolicy,
  reVerifyEverySeconds: { HIGH: 100, MEDIUM: 200, LOW: 400 },
  graceSeconds: 60,
};

const at = (ms: number) => new Date(ms).toISOString();

let runs = 0;
/** One sweep as the schedule runs it, acting for the instant given. */
const sweep = (now: string, pageSize = policy.pageSize) =>
  h.client.workflow.execute<typeof reVerificationSweep>('reVerificationSweep', {
    workflowId: `re-verification-sweep-test-${Date.now()}-${++runs}`,
    taskQueue: h.taskQueue,
    args: [{ policy: { ...policy, pageSize }, now }],
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

const put = (path: string, body: unknown) =>
  fetch(`${h.coreBankingUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => {
    if (!r.ok) throw new Error(`PUT ${path}: ${r.status}`);
  });

const events = async (applicationId: string) =>
  (await receivedEvents(h.providersUrl, applicationId)).map((e) => e.type);

const intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true } as const;

/** Sends a re-verification through the API and waits for its case's outcome. */
async function reVerify(accountNumber: string, applicationId: string, payload: object) {
  const res = await api.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/re-verifications`,
    headers: bearer('app'),
    payload,
  });
  expect(res.statusCode).toBe(202);
  const { caseId } = res.json() as { caseId: string };
  const result = await h.client.workflow
    .getHandle<typeof reVerification>(reVerificationWorkflowId(applicationId), caseId)
    .result();
  return { caseId, result };
}

const restrictionsOf = async (accountNumber: string) =>
  (await api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers: bearer('app') })).json()
    .restrictions;

describe('re-verification by rating', () => {
  it('schedules an account without a due date by its rating, an unrated one as the policy says (MEDIUM)', async () => {
    const unrated = await open();
    const low = await open();
    await put(`/core/v1/accounts/${low.accountNumber}/risk-rating`, { riskRating: 'LOW' });
    const lowRatedAt = (await readAccount(h.coreBankingUrl, low.accountNumber)).riskRatedAt!;
    const openedAt = (await readAccount(h.coreBankingUrl, unrated.accountNumber)).openedAt;

    // Past the shortest interval (HIGH): every account without a date is looked at.
    const first = await sweep(at(Date.parse(openedAt) + 150_000));
    expect(first.scheduled).toBeGreaterThanOrEqual(2);
    expect((await readAccount(h.coreBankingUrl, unrated.accountNumber)).reVerificationDueAt).toBe(
      at(Date.parse(openedAt) + 200_000),
    );
    expect((await readAccount(h.coreBankingUrl, low.accountNumber)).reVerificationDueAt).toBe(
      at(Date.parse(lowRatedAt) + 400_000),
    );
    expect(await events(unrated.req.applicationId)).not.toContain('RE_VERIFICATION_DUE');

    // Due (MEDIUM's 200 s have passed, LOW's 400 have not): only the unrated holder is asked.
    await sweep(at(Date.parse(openedAt) + 210_000));
    expect(await events(unrated.req.applicationId)).toContain('RE_VERIFICATION_DUE');
    expect(await events(low.req.applicationId)).not.toContain('RE_VERIFICATION_DUE');
  });

  it('asks the holder once due, makes the account receive-only past the grace period, and a re-verification with ID photos lifts that hold alone', async () => {
    const { req, accountNumber } = await open();
    await put(`/core/v1/accounts/${accountNumber}/risk-rating`, { riskRating: 'HIGH' });
    const dueAt = at(Date.now() - 1000);
    await put(`/core/v1/accounts/${accountNumber}/re-verification-due`, { dueAt });
    // Another kind of restriction: lifting the re-verification's hold must leave it.
    const other = await fetch(`${h.coreBankingUrl}/core/v1/accounts/${accountNumber}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${accountNumber}:other` },
      body: JSON.stringify({ holdId: 'review-other:doubt:RECEIVE_ONLY', type: 'RECEIVE_ONLY', reason: 'X' }),
    });
    expect(other.status).toBe(201);

    const asked = await sweep(at(Date.parse(dueAt) + 1000));
    expect(asked.asked).toBeGreaterThanOrEqual(1);
    expect(await events(req.applicationId)).toContain('RE_VERIFICATION_DUE');
    expect(await restrictionsOf(accountNumber)).toContainEqual({
      kind: 'BANK_REVIEW',
      since: dueAt,
      action: 'RE_VERIFY',
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toHaveLength(1);

    const late = at(Date.parse(dueAt) + 61_000);
    await sweep(late);
    const held = await readAccount(h.coreBankingUrl, accountNumber);
    expect(held.status).toBe('RECEIVE_ONLY');
    expect(held.holds.map((x) => x.holdId)).toEqual([
      'review-other:doubt:RECEIVE_ONLY',
      `re-verification:${dueAt}:RECEIVE_ONLY`,
    ]);
    expect(await events(req.applicationId)).toContain('HOLD_APPLIED');
    // The same instant again places nothing more.
    const again = await sweep(late);
    expect(again.restricted).toBe(0);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toHaveLength(2);

    const before = Date.now();
    const { result } = await reVerify(accountNumber, req.applicationId, {
      documents: await newPhotos(h, req.applicant),
      intent,
    });
    expect(result).toMatchObject({
      passed: true,
      reasons: [],
      lifted: [`re-verification:${dueAt}:RECEIVE_ONLY`],
    });
    const after = await readAccount(h.coreBankingUrl, accountNumber);
    expect(after.holds.map((x) => x.holdId)).toEqual(['review-other:doubt:RECEIVE_ONLY']);
    // The next date from the HIGH rating, by the API's policy (the default: 180 days).
    const next = Date.parse(after.reVerificationDueAt!);
    const high = defaultRiskLifePolicy.reVerifyEverySeconds.HIGH * 1000;
    expect(next).toBeGreaterThanOrEqual(before + high);
    expect(next).toBeLessThanOrEqual(Date.now() + high);
    expect(result.nextDueAt).toBe(after.reVerificationDueAt);
    expect(await events(req.applicationId)).toContain('ID_RE_VERIFIED');
  });

  it('passes a re-verification by a live selfie of the holder', async () => {
    const { req, accountNumber } = await open();
    const selfie = await h.documents.put(makeSelfieImage({ face: 'PASS' }), OWN_APP_TENANT);
    const { result } = await reVerify(accountNumber, req.applicationId, { documents: { selfie }, intent });
    expect(result).toMatchObject({ passed: true, reasons: [] });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).reVerificationDueAt).toBe(result.nextDueAt);
  });

  it("fails a re-verification by someone else's photos, a spoofed selfie or a withheld declaration, and changes nothing", async () => {
    const { req, accountNumber } = await open();
    const dueAt = at(Date.now() - 120_000);
    await put(`/core/v1/accounts/${accountNumber}/re-verification-due`, { dueAt });
    await sweep(at(Date.now()));
    const held = await readAccount(h.coreBankingUrl, accountNumber);
    expect(held.status).toBe('RECEIVE_ONLY');

    const stranger = await reVerify(accountNumber, req.applicationId, {
      documents: await newPhotos(h, { name: '赵某', idNumber: '11010519491231002X' }),
      intent,
    });
    expect(stranger.result.passed).toBe(false);
    expect(stranger.result.reasons.length).toBeGreaterThan(0);

    const spoof = await h.documents.put(makeSelfieImage({ face: 'SPOOF' }), OWN_APP_TENANT);
    const spoofed = await reVerify(accountNumber, req.applicationId, {
      documents: { selfie: spoof },
      intent,
    });
    expect(spoofed.result).toMatchObject({ passed: false, reasons: ['FACE_SPOOF'] });

    const withheld = await reVerify(accountNumber, req.applicationId, {
      documents: await newPhotos(h, req.applicant),
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: false },
    });
    expect(withheld.result).toMatchObject({ passed: false, reasons: ['INTENT_NOT_CONFIRMED'] });

    expect(await readAccount(h.coreBankingUrl, accountNumber)).toMatchObject({
      status: 'RECEIVE_ONLY',
      holds: held.holds,
      reVerificationDueAt: dueAt,
    });
    expect(await events(req.applicationId)).toContain('ID_RE_VERIFICATION_FAILED');
    expect(await events(req.applicationId)).not.toContain('ID_RE_VERIFIED');
  });

  it('a hold core banking refuses for good leaves each account as it is and alerts ops, the sweep going on page by page; the next sweep places them', async () => {
    const accounts = [await open(), await open()];
    const dueAt = at(Date.now() - 120_000);
    for (const { accountNumber } of accounts)
      await put(`/core/v1/accounts/${accountNumber}/re-verification-due`, { dueAt });
    await refuse(sandboxes.coreBankingUrl, ['hold']);
    let refused: Awaited<ReturnType<typeof sweep>>;
    try {
      // A page per account: the sweep carries on past each refusal to the next page.
      refused = await sweep(at(Date.now()), 1);
    } finally {
      await refuse(sandboxes.coreBankingUrl, []);
    }
    expect(refused.failed).toBeGreaterThanOrEqual(2);
    for (const { req, accountNumber } of accounts) {
      expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
      expect(await events(req.applicationId)).toContain('OPS_ACCOUNT_NOT_RESTRICTED');
      expect(await events(req.applicationId)).not.toContain('HOLD_APPLIED');
    }
    await sweep(at(Date.now()), 1);
    for (const { accountNumber } of accounts)
      expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
  });
});
