/**
 * Issue 23, dormancy, on the real dev server: the daily dormancy sweep (run here for chosen
 * instants, with a policy in seconds) puts an account with no customer-initiated activity for the
 * idle period to sleep, once: a receive-only hold of its own kind (debits refused with
 * ACCOUNT_RESTRICTED, credits accepted) and ACCOUNT_DORMANT to the app; an account its holder used
 * stays awake, one only credited by others does not; a passed re-verification wakes it and leaves
 * every other kind of hold; a hold core banking refuses never stops the sweep. The file has
 * sandboxes of its own: a sweep acts on every account core banking holds.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { CoreBanking } from '../../adapters/ports';
import { dormancyScheduleId, ensureDormancySchedule } from '../../api/services/dormancy';
import { type DormancyPolicy, defaultDormancyPolicy, dormantHoldId } from '../../domain/dormancy';
import { reVerificationWorkflowId } from '../../domain/workflow-ids';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import type { dormancySweep } from '../../workflows/risk-sweeps/dormancy-sweep';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, readAccount, readSmsCode, startHarness } from '../support/harness';
import { newPhotos } from '../support/review';
import { type OwnSandboxes, receivedEvents, refuse, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
let bank: CoreBanking;
beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
  bank = httpCoreBanking(h.coreBankingUrl);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

/** A minute idle puts an account to sleep; the sweep looks ten minutes further back. */
const policy: DormancyPolicy = { ...defaultDormancyPolicy, idleSeconds: 60, catchUpSeconds: 600 };

const at = (ms: number) => new Date(ms).toISOString();

let runs = 0;
/** One sweep as the schedule runs it, acting for the instant given. */
const sweep = (now: string, pageSize = policy.pageSize) =>
  h.client.workflow.execute<typeof dormancySweep>('dormancySweep', {
    workflowId: `dormancy-sweep-test-${Date.now()}-${++runs}`,
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
  const { lastCustomerActivityAt } = await readAccount(h.coreBankingUrl, opened.accountNumber);
  return { req, accountNumber: opened.accountNumber, openedAt: lastCustomerActivityAt! };
}

/** The instant a sweep must act for to find an account last active at `since` idle. */
const idleAfter = (since: string) => at(Date.parse(since) + policy.idleSeconds * 1000 + 1000);

const eventsOf = async (applicationId: string, type: string) =>
  (await receivedEvents(h.providersUrl, applicationId)).filter((e) => e.type === type);

const restrictionsOf = async (accountNumber: string) =>
  (await api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers: bearer('app') })).json()
    .restrictions;

let agreements = 0;
async function quickPayAgreement(accountNumber: string): Promise<string> {
  const agreementNumber = `dormancy-${Date.now()}-${++agreements}`;
  const answer = await bank.registerAgreement(agreementNumber, {
    accountNumber,
    institution: 'WECHAT_PAY',
    scope: 'QUICK_PAY',
    perDebitLimitCny: '100',
    dailyLimitCny: '500',
  });
  expect(answer).toHaveProperty('registered');
  return agreementNumber;
}

const debit = (agreementNumber: string) =>
  bank.debit({
    agreementNumber,
    institution: 'WECHAT_PAY',
    amountCny: '10',
    reference: `${agreementNumber}-${Date.now()}`,
  });

async function placeHold(accountNumber: string, holdId: string) {
  await bank.placeHold(accountNumber, { holdId, type: 'RECEIVE_ONLY', reason: 'OTHER_KIND' });
}

describe('dormancy', () => {
  it('puts an idle account to sleep once: a receive-only hold of its own kind and one ACCOUNT_DORMANT, shown as BANK_REVIEW / RE_VERIFY', async () => {
    const { req, accountNumber, openedAt } = await open();
    const now = idleAfter(openedAt);

    const first = await sweep(now);
    expect(first.slept).toBeGreaterThanOrEqual(1);
    const asleep = await readAccount(h.coreBankingUrl, accountNumber);
    expect(asleep.status).toBe('RECEIVE_ONLY');
    expect(asleep.holds).toEqual([
      expect.objectContaining({ holdId: dormantHoldId(openedAt), type: 'RECEIVE_ONLY', reason: 'DORMANT' }),
    ]);
    const announced = await eventsOf(req.applicationId, 'ACCOUNT_DORMANT');
    expect(announced).toHaveLength(1);
    expect(announced[0]?.data).toMatchObject({ accountNumber, idleSince: openedAt, action: 'RE_VERIFY' });
    expect(await restrictionsOf(accountNumber)).toEqual([
      { kind: 'BANK_REVIEW', since: asleep.holds[0]?.placedAt, action: 'RE_VERIFY' },
    ]);

    // The same instant, and a day of the catch-up later: nothing placed or announced again.
    const again = await sweep(now);
    expect(again.slept).toBe(0);
    await sweep(at(Date.parse(now) + 300_000));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toHaveLength(1);
    expect(await eventsOf(req.applicationId, 'ACCOUNT_DORMANT')).toHaveLength(1);
  });

  it('leaves awake an account its holder used since opening, and puts to sleep one only credited by others', async () => {
    const used = await open();
    const credited = await open();
    expect(await bank.credit(credited.accountNumber, { amountCny: '50', from: 'OTHER' })).toHaveProperty(
      'credited',
    );
    expect(await bank.credit(used.accountNumber, { amountCny: '50', from: 'OTHER' })).toHaveProperty(
      'credited',
    );
    const agreement = await quickPayAgreement(used.accountNumber);
    expect(await debit(agreement)).toHaveProperty('settled');
    const lastUsed = (await readAccount(h.coreBankingUrl, used.accountNumber)).lastCustomerActivityAt!;
    expect(Date.parse(lastUsed)).toBeGreaterThan(Date.parse(credited.openedAt));
    expect((await readAccount(h.coreBankingUrl, credited.accountNumber)).lastCustomerActivityAt).toBe(
      credited.openedAt,
    );

    // Idle since both openings, not since the holder's debit.
    const now = at(Date.parse(lastUsed) + policy.idleSeconds * 1000 - 1);
    await sweep(now);
    expect((await readAccount(h.coreBankingUrl, used.accountNumber)).holds).toEqual([]);
    expect(await eventsOf(used.req.applicationId, 'ACCOUNT_DORMANT')).toEqual([]);
    expect((await readAccount(h.coreBankingUrl, credited.accountNumber)).holds.map((x) => x.holdId)).toEqual([
      dormantHoldId(credited.openedAt),
    ]);
    expect(await eventsOf(credited.req.applicationId, 'ACCOUNT_DORMANT')).toHaveLength(1);
  });

  it('refuses a sleeping account’s agreement debits with ACCOUNT_RESTRICTED and accepts credits', async () => {
    const { accountNumber } = await open();
    expect(await bank.credit(accountNumber, { amountCny: '50', from: 'OTHER' })).toHaveProperty('credited');
    const agreement = await quickPayAgreement(accountNumber);
    const since = (await readAccount(h.coreBankingUrl, accountNumber)).lastCustomerActivityAt!;
    await sweep(idleAfter(since));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');

    expect(await debit(agreement)).toEqual({ refused: 'ACCOUNT_RESTRICTED' });
    expect(await bank.credit(accountNumber, { amountCny: '20', from: 'OTHER' })).toMatchObject({
      balanceCny: '70.00',
    });
    // Neither the refused debit nor the credit woke it.
    expect((await readAccount(h.coreBankingUrl, accountNumber)).lastCustomerActivityAt).toBe(since);
  });

  it('is woken by a passed re-verification, which lifts the dormant hold and leaves every other kind', async () => {
    const { req, accountNumber, openedAt } = await open();
    await placeHold(accountNumber, 'id-expiry:2020-01-01:RECEIVE_ONLY');
    await placeHold(accountNumber, 'review-other:doubt:RECEIVE_ONLY');
    const now = idleAfter(openedAt);
    await sweep(now);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds.map((x) => x.holdId)).toContain(
      dormantHoldId(openedAt),
    );

    const res = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/re-verifications`,
      headers: bearer('app'),
      payload: {
        documents: await newPhotos(h, req.applicant),
        intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
      },
    });
    expect(res.statusCode).toBe(202);
    const { caseId } = res.json() as { caseId: string };
    const result = await h.client.workflow
      .getHandle<typeof reVerification>(reVerificationWorkflowId(req.applicationId), caseId)
      .result();
    expect(result).toMatchObject({ passed: true, lifted: [dormantHoldId(openedAt)] });

    const awake = await readAccount(h.coreBankingUrl, accountNumber);
    expect(awake.holds.map((x) => x.holdId)).toEqual([
      'id-expiry:2020-01-01:RECEIVE_ONLY',
      'review-other:doubt:RECEIVE_ONLY',
    ]);
    // The re-verification is the holder's act: the idle period starts again from it, and a new
    // stretch idle gets a hold of its own.
    const woken = awake.lastCustomerActivityAt!;
    expect(Date.parse(woken)).toBeGreaterThan(Date.parse(openedAt));
    await sweep(at(Date.parse(woken) + policy.idleSeconds * 1000 - 1));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toHaveLength(2);
    await sweep(idleAfter(woken));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds.map((x) => x.holdId)).toEqual([
      'id-expiry:2020-01-01:RECEIVE_ONLY',
      'review-other:doubt:RECEIVE_ONLY',
      dormantHoldId(woken),
    ]);
  });

  it('carries on past a hold core banking refuses for good, page by page, alerting ops and leaving the accounts as they are; the next sweep puts them to sleep', async () => {
    const accounts = [await open(), await open()];
    const now = idleAfter(accounts[1]!.openedAt);
    await refuse(sandboxes.coreBankingUrl, ['hold']);
    let refused: Awaited<ReturnType<typeof sweep>>;
    try {
      // A page per account: the sweep carries on past each refusal to the next page.
      refused = await sweep(now, 1);
    } finally {
      await refuse(sandboxes.coreBankingUrl, []);
    }
    expect(refused.failed).toBeGreaterThanOrEqual(2);
    for (const { req, accountNumber } of accounts) {
      expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
      expect(await eventsOf(req.applicationId, 'OPS_ACCOUNT_NOT_RESTRICTED')).toHaveLength(1);
      expect(await eventsOf(req.applicationId, 'ACCOUNT_DORMANT')).toEqual([]);
    }
    await sweep(now, 1);
    for (const { accountNumber } of accounts)
      expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
  });

  it("has every worker's Schedule run the sweep daily at 03:00 China time, the same Schedule when ensured again", async () => {
    const taskQueue = `dormancy-schedule-${Date.now()}`;
    const id = await ensureDormancySchedule(h.client, { taskQueue });
    expect(await ensureDormancySchedule(h.client, { taskQueue })).toBe(id);
    expect(id).toBe(dormancyScheduleId(taskQueue));
    const handle = h.client.schedule.getHandle(id);
    try {
      const described = await handle.describe();
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'dormancySweep',
        taskQueue,
      });
      expect(described.spec.timezone).toBe('Asia/Shanghai');
      expect(described.spec.calendars).toEqual([
        expect.objectContaining({
          hour: [{ start: 3, end: 3, step: 1 }],
          minute: [{ start: 0, end: 0, step: 1 }],
        }),
      ]);
    } finally {
      await handle.delete();
    }
  });
});
