/** Funnel figures through visibility, over HTTP and through the operator command line. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applications } from '../../api/services/applications';
import { runOperator } from '../../cli/operator';
import { defaultPolicy } from '../../domain/application';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import type { FunnelRow } from '../../sdk/schemas';
import { bearer, startApi, tokens } from '../support/api';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { eventually } from '../support/review';

let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  h = await startHarness({ smsCodeWaitSeconds: 2 });
  api = await startApi(h);
  url = await api.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const v3 = (rows: FunnelRow[]) => rows.find((r) => r.flowVersion === 'v3' && r.channel === 'OWN_APP')!;
const step = (row: FunnelRow, name: string) => row.steps.find((s) => s.step === name)!;

it('counts where each v3 application got to, where it stopped, and where it stands now', async () => {
  // The same worker and task queue, with a wait and a deadline that outlast the test.
  const patient = new Applications({
    client: h.client,
    taskQueue: h.taskQueue,
    policy: { ...defaultPolicy, smsCodeWaitSeconds: 600, applicationDeadlineSeconds: 600 },
    // The start answers "still checking" this soon, as the API does after its own wait.
    firstAnswerWaitMs: 1000,
  });
  const opened = await newApplication(h.documents);
  await h.applications.start(opened);
  await h.applications.submitSmsCode(
    opened.applicationId,
    await readSmsCode(h.providersUrl, opened.applicant.mobile),
  );
  const identity = await newApplication(h.documents, { person: newPerson('王不符') });
  await h.applications.start(identity);
  const card = await newApplication(h.documents, { card: newCard('0004') });
  await h.applications.start(card);
  const abandoned = await newApplication(h.documents);
  await h.applications.start(abandoned);
  // Could not finish: its ID photos are gone from the store.
  const failed = await newApplication(h.documents);
  const gone = { idFront: randomBytes(32).toString('hex'), idBack: randomBytes(32).toString('hex') };
  expect((await h.applications.start({ ...failed, documents: gone })).status).toBe('FAILED');
  // Still running: one waits for its code, one's card check has a vendor busy for good.
  const waiting = await newApplication(h.documents);
  expect((await patient.start(waiting)).status).toBe('AWAITING_SMS_CODE');
  const checking = await newApplication(h.documents, { card: newCard('0009') });
  expect((await patient.start(checking)).status).toBe('CHECKING');
  await Promise.all(
    [opened, identity, card, abandoned, failed].map((a) =>
      h.client.workflow.getHandle(onboardingWorkflowId(a.applicationId)).result(),
    ),
  );

  const read = async () =>
    (await api.inject({ url: '/v1/funnel', headers: bearer('operator') })).json().funnel as FunnelRow[];
  // Visibility is eventually consistent: wait until every application's last update is indexed.
  const settled = (r: FunnelRow[]) =>
    v3(r).started === 7 &&
    step(v3(r), 'OPEN_ACCOUNT').passed === 1 &&
    step(v3(r), 'SMS_CODE').abandoned === 1 &&
    step(v3(r), 'SMS_CODE').waiting === 1 &&
    step(v3(r), 'ID_DOCUMENT').failed === 1 &&
    step(v3(r), 'IDENTITY').reached === 7 &&
    step(v3(r), 'CARD_FOUR_ELEMENTS').reached === 7;
  const rows = await eventually(read, settled);
  const row = v3(rows);
  // The checks run at once: the one still checking is waiting at each of them.
  expect(step(row, 'ID_DOCUMENT')).toMatchObject({
    reached: 7,
    passed: 5,
    rejected: 0,
    waiting: 1,
    failed: 1,
  });
  expect(step(row, 'IDENTITY')).toMatchObject({ reached: 7, passed: 5, rejected: 1, waiting: 1, failed: 0 });
  expect(step(row, 'CARD_FOUR_ELEMENTS')).toMatchObject({ reached: 7, passed: 5, rejected: 1, waiting: 1 });
  expect(step(row, 'SMS_CODE')).toMatchObject({ reached: 3, passed: 1, abandoned: 1, waiting: 1, failed: 0 });
  expect(step(row, 'OPEN_ACCOUNT')).toMatchObject({ passed: 1, rejected: 0, waiting: 0, failed: 0 });
  // Applications on the partner channel are counted apart (none here).
  expect(rows.find((r) => r.flowVersion === 'v1' && r.channel === 'PARTNER')?.started).toBe(0);

  const out: string[] = [];
  const operator = tokens.find((t) => t.role === 'operator')!;
  const code = await runOperator(['funnel'], {
    out: (s) => out.push(s),
    err: (s) => out.push(s),
    env: { API_URL: url, OPERATOR_TOKEN: operator.token },
  });
  expect(code).toBe(0);
  expect(out.join('')).toMatch(/v3 OWN_APP: 7 started/);
  expect(out.join('')).toMatch(/SMS_CODE\s+3\s+1\s+0\s+1\s+1\s+0/);
  expect(out.join('')).toMatch(/ID_DOCUMENT\s+7\s+5\s+0\s+0\s+1\s+1/);

  // The two still running end here: the one waiting with its code, the one checking by hand.
  await patient.submitSmsCode(
    waiting.applicationId,
    await readSmsCode(h.providersUrl, waiting.applicant.mobile),
  );
  await h.client.workflow.getHandle(onboardingWorkflowId(checking.applicationId)).terminate('test over');
});

it('is for operators and supervisors, not apps', async () => {
  expect((await api.inject({ url: '/v1/funnel', headers: bearer('app') })).statusCode).toBe(403);
});

/** The providers sandbox's punishment list (惩戒名单): this person may open no account. */
async function listPunished(idNumber: string): Promise<void> {
  const res = await fetch(`${h.providersUrl}/sandbox/punishment-list/${idNumber}`, { method: 'PUT' });
  if (!res.ok) throw new Error(`the sandbox did not list them: ${res.status}`);
}

describe('flow v4', () => {
  /** A v4 request of the bank's own app: v3's, the intent given, from this device. */
  const v4 = async (deviceId: string, opts: Parameters<typeof newApplication>[1] = {}, declares = true) => ({
    ...(await newApplication(h.documents, opts)),
    flowVersion: 'v4' as const,
    intent: { purpose: 'SAVINGS' as const, declaresNoRentOrSale: declares },
    device: { deviceId, platform: 'IOS' as const, ip: '192.0.2.10' },
  });

  it("counts v4's own steps: the intent, the punishment list and linked applicants", async () => {
    const opened = await v4(`funnel-${randomUUID()}`);
    expect((await h.applications.start(opened)).status).toBe('AWAITING_SMS_CODE');
    await h.applications.submitSmsCode(
      opened.applicationId,
      await readSmsCode(h.providersUrl, opened.applicant.mobile),
    );
    const undeclared = await v4(`funnel-${randomUUID()}`, {}, false);
    expect((await h.applications.start(undeclared)).status).toBe('REJECTED');
    const listed = await v4(`funnel-${randomUUID()}`);
    await listPunished(listed.applicant.idNumber);
    expect((await h.applications.start(listed)).status).toBe('REJECTED');
    // Three people on one phone: the third is a doubt, and still gets to its code, where all
    // three wait (a wait that outlasts the test).
    const patient = new Applications({
      client: h.client,
      taskQueue: h.taskQueue,
      policy: { ...defaultPolicy, smsCodeWaitSeconds: 600, applicationDeadlineSeconds: 600 },
    });
    const phone = `funnel-${randomUUID()}`;
    const linked = [await v4(phone), await v4(phone), await v4(phone)];
    for (const a of linked) expect((await patient.start(a)).status).toBe('AWAITING_SMS_CODE');

    const read = async () =>
      (await api.inject({ url: '/v1/funnel', headers: bearer('operator') })).json().funnel as FunnelRow[];
    const row = (r: FunnelRow[]) => r.find((x) => x.flowVersion === 'v4' && x.channel === 'OWN_APP')!;
    const rows = await eventually(
      read,
      (r) =>
        row(r).started === 6 &&
        step(row(r), 'INTENT').reached === 6 &&
        step(row(r), 'OPEN_ACCOUNT').passed === 1 &&
        step(row(r), 'SMS_CODE').reached === 4,
    );
    const v4Row = row(rows);
    expect(v4Row.steps.map((s) => s.step)).toEqual([
      'INTENT',
      'ID_DOCUMENT',
      'IDENTITY',
      'WATCHLIST',
      'CARD_FOUR_ELEMENTS',
      'PUNISHMENT_LIST',
      'LINKED_APPLICANTS',
      'SMS_CODE',
      'OPEN_ACCOUNT',
    ]);
    expect(step(v4Row, 'INTENT')).toMatchObject({ reached: 6, passed: 5, rejected: 1, waiting: 0 });
    // The undeclared one checked nothing.
    expect(step(v4Row, 'PUNISHMENT_LIST')).toMatchObject({ reached: 5, passed: 4, rejected: 1 });
    // A doubt is no rejection: the third on the phone went on to its code.
    expect(step(v4Row, 'LINKED_APPLICANTS')).toMatchObject({ reached: 5, rejected: 0 });
    expect(step(v4Row, 'SMS_CODE')).toMatchObject({ reached: 4, passed: 1, waiting: 3 });

    await Promise.all(
      linked.map((a) =>
        h.client.workflow.getHandle(onboardingWorkflowId(a.applicationId)).terminate('test over'),
      ),
    );
  });
});
