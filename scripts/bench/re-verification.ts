/**
 * `npm run bench:re-verification`: the re-verification sweep at scale (issue 23). Opens --n
 * accounts straight in the core-banking sandbox, each with its own holder and a due date that
 * needs something at the instant swept (half due within the grace period: the holder asked; half
 * past it: made receive-only — every account due at once, the worst day), then runs one sweep
 * (workflows/risk-sweeps/re-verification-sweep.ts) on the project's worker and prints its wall
 * time, the runs and history events it took, what it did, and the worker's resident memory before
 * and after; the open workflows before and after show no timer per account.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { addDays } from '../../domain/china-time';
import { makeIdNumber } from '../../domain/id-number';
import { defaultRiskLifePolicy } from '../../domain/risk-life';
import type { reVerificationSweep } from '../../workflows/risk-sweeps/re-verification-sweep';
import { addressOption, namespaceOption, withBenchEnv } from './env';
import { note } from './stats';

const program = new Command('bench:re-verification')
  .description(
    'Opens many accounts whose re-verification is due, sweeps once, prints time, history and worker RSS',
  )
  .addOption(new Option('--n <count>', 'accounts to open').default(100_000).argParser(Number))
  .addOption(new Option('--concurrency <count>', 'openings in flight at once').default(40).argParser(Number))
  .addOption(addressOption())
  .addOption(namespaceOption())
  .parse();
const opts = program.opts<{ n: number; concurrency: number; address?: string; namespace: string }>();

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const policy = defaultRiskLifePolicy;
const now = new Date();
const DAY = 24 * 3600 * 1000;
/** Due a day ago (within the 30 days' grace: asked), and due 40 days ago (past it: receive-only). */
const DUE = [new Date(now.getTime() - DAY), new Date(now.getTime() - 40 * DAY)].map((d) => d.toISOString());

await withBenchEnv({ address: opts.address, namespace: opts.namespace }, async (env) => {
  const { client, taskQueue, coreBankingUrl } = env;
  const openOne = async (i: number) => {
    // 1000 sequence numbers a birth date: every holder is a different person (core banking's cap).
    const birth = addDays('1960-01-01', Math.floor(i / 1000)).replaceAll('-', '');
    const idNumber = makeIdNumber('110105', birth, String(i % 1000).padStart(3, '0'));
    const res = await fetch(`${coreBankingUrl}/core/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}` },
      body: JSON.stringify({
        customer: { name: '张伟', idNumber, mobile: '13800138000' },
        accountClass: 'II',
        channel: 'OWN_APP',
        reference: randomUUID(),
        riskRating: (['LOW', 'MEDIUM', 'HIGH'] as const)[i % 3],
        reVerificationDueAt: DUE[i % DUE.length],
      }),
    });
    if (!res.ok) throw new Error(`opening account ${i}: ${res.status} ${await res.text()}`);
  };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      for (let i = next++; i < opts.n; i = next++) await openOne(i);
    }),
  );
  note(
    `[bench] ${opts.n} accounts opened in core banking in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const openWorkflows = async () =>
    (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)).count;
  global.gc?.();
  const rssBefore = rssMb();
  const openBefore = await openWorkflows();

  const workflowId = `bench-re-verification-${randomUUID()}`;
  const t0 = performance.now();
  const totals = await client.workflow.execute<typeof reVerificationSweep>('reVerificationSweep', {
    workflowId,
    taskQueue,
    args: [{ policy, now: now.toISOString() }],
  });
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const rssAfter = rssMb();

  let runs = 0;
  let events = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs += 1;
    events += run.historyLength ?? 0;
  }
  note(
    `[figures] re-verification sweep of ${opts.n} accounts, all due: ${seconds.toFixed(1)} s ` +
      `(${(opts.n / seconds).toFixed(0)} accounts/s); asked ${totals.asked}, receive-only ${totals.restricted}, ` +
      `failed ${totals.failed} (listed ${totals.listed})`,
  );
  note(`[figures] the sweep took ${runs} runs (continue-as-new), ${events} history events in all`);
  note(
    `[figures] worker RSS ${rssBefore} MB before, ${rssAfter} MB after; open workflows ${openBefore} before, ` +
      `${await openWorkflows()} after (no timer per account)`,
  );
  return totals.listed === opts.n;
});
