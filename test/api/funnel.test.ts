/** Funnel figures through visibility, over HTTP and through the operator command line. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runOperator } from '../../cli/operator';
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

it('counts where each v3 application got to and where it stopped', async () => {
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
  await Promise.all(
    [opened, identity, card, abandoned].map((a) =>
      h.client.workflow.getHandle(onboardingWorkflowId(a.applicationId)).result(),
    ),
  );

  const read = async () =>
    (await api.inject({ url: '/v1/funnel', headers: bearer('operator') })).json().funnel as FunnelRow[];
  // Visibility is eventually consistent: wait until every application's last update is indexed.
  const settled = (r: FunnelRow[]) =>
    v3(r).started === 4 &&
    step(v3(r), 'OPEN_ACCOUNT').passed === 1 &&
    step(v3(r), 'SMS_CODE').abandoned === 1 &&
    step(v3(r), 'SMS_CODE').waiting === 0 &&
    step(v3(r), 'IDENTITY').reached === 4 &&
    step(v3(r), 'CARD_FOUR_ELEMENTS').reached === 4;
  const rows = await eventually(read, settled);
  const row = v3(rows);
  expect(step(row, 'IDENTITY')).toMatchObject({ reached: 4, passed: 3, rejected: 1 });
  expect(step(row, 'CARD_FOUR_ELEMENTS')).toMatchObject({ reached: 4, passed: 3, rejected: 1 });
  expect(step(row, 'SMS_CODE')).toMatchObject({ reached: 2, passed: 1, abandoned: 1, waiting: 0 });
  expect(step(row, 'OPEN_ACCOUNT')).toMatchObject({ passed: 1, rejected: 0 });
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
  expect(out.join('')).toMatch(/v3 OWN_APP: 4 started/);
  expect(out.join('')).toMatch(/SMS_CODE\s+2\s+1\s+0\s+1\s+0/);
});

it('is for operators and supervisors, not apps', async () => {
  expect((await api.inject({ url: '/v1/funnel', headers: bearer('app') })).statusCode).toBe(403);
});
