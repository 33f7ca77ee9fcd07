/** Funnel figures through visibility, over HTTP and through the operator command line. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runOperator } from '../../cli/operator';
import { Applications } from '../../client/applications';
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
