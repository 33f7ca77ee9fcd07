/**
 * Dormancy's histories (issue 23): the daily dormancy sweep putting an idle account to sleep, a
 * hold core banking refuses (ops alerted, the sweep going on), and a sweep long enough to continue
 * as new (its first run and the run it continued into). Called by histories.record.ts, on
 * sandboxes of its own (a sweep acts on every account core banking holds); the accounts are
 * opened straight in core banking, as the bench opens them: the sweep reads nothing else.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type DormancyPolicy, defaultDormancyPolicy } from '../../domain/dormancy';
import { makeIdNumber } from '../../domain/id-number';
import type { dormancySweep } from '../../workflows/risk-sweeps/dormancy-sweep';
import type { Harness } from '../support/harness';
import { refuse } from '../workflows/own-sandboxes';

type Save = (client: Harness['client'], workflowId: string, name: string, runId?: string) => Promise<unknown>;

const policy: DormancyPolicy = { ...defaultDormancyPolicy, idleSeconds: 60, catchUpSeconds: 60 };

let seq = 0;
/** An account opened in core banking now; answers the instant it was last active (its opening). */
async function open(coreBankingUrl: string): Promise<string> {
  seq += 1;
  const res = await fetch(`${coreBankingUrl}/core/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `record-dormancy-${randomUUID()}` },
    body: JSON.stringify({
      customer: { name: '李娜', idNumber: makeIdNumber('110101', '19900101', String(seq).padStart(3, '0')) },
      accountClass: 'II',
      channel: 'OWN_APP',
      reference: `record-dormancy-${randomUUID()}`,
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { lastCustomerActivityAt: string }).lastCustomerActivityAt;
}

/** Long after every account opened so far, but within the catch-up of the last one. */
const idleAfter = (since: string) =>
  new Date(Date.parse(since) + policy.idleSeconds * 1000 + 1000).toISOString();

export async function recordDormancy(b: Harness, saveHistory: Save): Promise<void> {
  const sweep = async (name: string, now: string, pageSize = policy.pageSize) => {
    const workflowId = `record-dormancy-sweep-${randomUUID()}`;
    const handle = await b.client.workflow.start<typeof dormancySweep>('dormancySweep', {
      workflowId,
      taskQueue: b.taskQueue,
      args: [{ policy: { ...policy, pageSize }, now }],
    });
    const totals = await handle.result();
    return { totals, workflowId, firstRunId: handle.firstExecutionRunId, name };
  };

  // A hold refused for good: ops alerted, the account left as it is.
  const refusedSince = await open(b.coreBankingUrl);
  await refuse(b.coreBankingUrl, ['hold']);
  let refused: Awaited<ReturnType<typeof sweep>>;
  try {
    refused = await sweep('dormancy-sweep-hold-refused', idleAfter(refusedSince));
  } finally {
    await refuse(b.coreBankingUrl, []);
  }
  expect(refused.totals).toMatchObject({ listed: 1, slept: 0, failed: 1 });
  await saveHistory(b.client, refused.workflowId, refused.name);

  // The same account put to sleep by the next sweep.
  const slept = await sweep('dormancy-sweep-receive-only', idleAfter(refusedSince));
  expect(slept.totals).toMatchObject({ listed: 1, slept: 1, failed: 0 });
  await saveHistory(b.client, slept.workflowId, slept.name);

  // 51 more idle accounts a page each: 50 pages in the first run, the rest in the one it continued into.
  let last = refusedSince;
  for (let i = 0; i < 51; i++) last = await open(b.coreBankingUrl);
  const continued = await sweep('dormancy-sweep-continued', idleAfter(last), 1);
  expect(continued.totals).toMatchObject({ slept: 51, failed: 0 });
  await saveHistory(
    b.client,
    continued.workflowId,
    'dormancy-sweep-continued-first-run',
    continued.firstRunId,
  );
  await saveHistory(b.client, continued.workflowId, 'dormancy-sweep-continued-second-run');
}
