/**
 * `npm run bench:id-expiry`: the ID-expiry sweep at scale. Opens --n accounts straight in the
 * core-banking sandbox (each with its own holder and a card end date that needs something on the
 * day swept: a third reminded, a third made receive-only, a third frozen — every account due at
 * once, the worst day), then runs one sweep (workflows/id-expiry/sweep.ts) on the project's worker
 * and prints its wall time, the runs and history events it took, the holds placed, and the
 * worker's resident memory before and after. Nothing waits on a timer per account: the open
 * workflows before and after the sweep are counted too.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { addDays, todayInChina } from '../../domain/china-time';
import { defaultIdExpiryPolicy } from '../../domain/id-expiry';
import { makeIdNumber } from '../../domain/id-number';
import type { idExpirySweep } from '../../workflows/id-expiry/sweep';
import { addressOption, namespaceOption, withBenchEnv } from './env';
import { note } from './stats';

const program = new Command('bench:id-expiry')
  .description(
    'Opens many accounts whose ID cards need something today, sweeps once, prints time, history and worker RSS',
  )
  .addOption(new Option('--n <count>', 'accounts to open').default(10_000).argParser(Number))
  .addOption(new Option('--concurrency <count>', 'openings in flight at once').default(40).argParser(Number))
  .addOption(addressOption())
  .addOption(namespaceOption())
  .parse();
const opts = program.opts<{ n: number; concurrency: number; address?: string; namespace: string }>();

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const asOf = todayInChina();
/** A reminder (30 days left), receive-only (ended 30 days ago), frozen (ended 60 days ago). */
const END_DATES = [addDays(asOf, 30), addDays(asOf, -30), addDays(asOf, -60)];

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
        idValidUntil: END_DATES[i % END_DATES.length],
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

  const workflowId = `bench-id-expiry-${randomUUID()}`;
  const t0 = performance.now();
  const totals = await client.workflow.execute<typeof idExpirySweep>('idExpirySweep', {
    workflowId,
    taskQueue,
    args: [{ policy: defaultIdExpiryPolicy, asOf }],
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
    `[figures] ID-expiry sweep of ${opts.n} accounts, all due today: ${seconds.toFixed(1)} s ` +
      `(${(opts.n / seconds).toFixed(0)} accounts/s); reminded ${totals.reminded}, receive-only ${totals.restricted}, ` +
      `frozen ${totals.frozen} (listed ${totals.listed})`,
  );
  note(`[figures] the sweep took ${runs} runs (continue-as-new), ${events} history events in all`);
  note(
    `[figures] worker RSS ${rssBefore} MB before, ${rssAfter} MB after; open workflows ${openBefore} before, ` +
      `${await openWorkflows()} after (no timer per account)`,
  );
  return totals.listed === opts.n;
});
