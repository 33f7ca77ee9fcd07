/**
 * `npm run bench:retention`: the daily retention run (workflows/retention/run.ts) over --n due
 * records. Fills the due-date index with --n rows due today (ended applications of people who
 * never became customers, each with a live data key and one sealed document), then runs one
 * retention run on a worker of this process and prints its wall time, rows per second, the runs
 * and history events it took, and this process's peak resident memory (worker, stores and all).
 * Each row is destroyed the production way: its holds and accounts read, its workflows looked up,
 * its key shredded, its documents and rows deleted, one audit entry written.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { DocumentStore } from '../../adapters/documents';
import { httpPorts } from '../../adapters/http';
import { defaultRetentionPolicy } from '../../domain/retention';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { sqliteAuditTrail } from '../../stores/audit';
import { SqliteLegalHoldStore } from '../../stores/legal-holds';
import { SqlitePersonRows } from '../../stores/person-rows';
import { SqliteRetentionIndex } from '../../stores/retention-index';
import { createWorker } from '../../worker/create-worker';
import type { retentionRun } from '../../workflows/retention/run';
import { addressOption, namespaceOption, runWorker, withBenchEnv } from './env';
import { note } from './stats';

const program = new Command('bench:retention')
  .description('Fills the retention index with due rows, runs the retention run once, prints time and memory')
  .addOption(new Option('--n <count>', 'due records').default(100_000).argParser(Number))
  .addOption(
    new Option('--page-size <count>', "the policy's pageSize")
      .default(defaultRetentionPolicy.pageSize)
      .argParser(Number),
  )
  .addOption(addressOption())
  .addOption(namespaceOption())
  .parse();
const opts = program.opts<{ n: number; pageSize: number; address?: string; namespace: string }>();

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

await withBenchEnv({ address: opts.address, namespace: opts.namespace }, async (env) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-retention-'));
  try {
    const index = new SqliteRetentionIndex(path.join(dir, 'retention.db'));
    const documents = new DocumentStore(path.join(dir, 'documents'), env.keyring);
    const audit = sqliteAuditTrail({
      file: path.join(dir, 'audit.db'),
      hmacKey: 'bench-audit-hmac-key-0123456789',
      keyring: env.keyring,
    });
    const longAgo = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const t = performance.now();
    const BATCH = 5_000;
    for (let done = 0; done < opts.n; done += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, opts.n - done) }, () => ({
        applicationId: randomUUID(),
        endedAt: longAgo,
        lookAt: longAgo,
      }));
      // A live key and a sealed document for each: what destruction has to take away.
      await Promise.all(
        rows.map(async (r) => {
          const id = await documents.put(Buffer.from(`id card ${r.applicationId}`), 'OWN_APP');
          await documents.seal(id, r.applicationId);
        }),
      );
      await index.addEnded(rows);
    }
    note(
      `[bench] ${opts.n} due rows, keys and documents made in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const taskQueue = `bench-retention-${randomUUID()}`;
    const worker = await createWorker({
      connection: env.workerConnection,
      namespace: env.namespace,
      taskQueue,
      ports: {
        ...httpPorts(
          {
            providersUrl: env.providersUrl,
            coreBankingUrl: env.coreBankingUrl,
            appWebhookUrl: `${env.providersUrl}/sandbox/app-webhook`,
            opsWebhookUrl: `${env.providersUrl}/sandbox/app-webhook`,
            webhookSecret: 'bench-webhook-secret-0123456789',
            documentsDir: path.join(dir, 'documents'),
            partnerWebhooks: {},
          },
          env.keyring,
        ),
        audit,
      },
      dataConverter: encryptedDataConverter(env.keyring),
      retention: {
        index,
        holds: new SqliteLegalHoldStore(path.join(dir, 'legal-holds.db')),
        keyring: env.keyring,
        documents,
        personRows: new SqlitePersonRows(
          { sessions: path.join(dir, 'api-sessions.db'), limits: path.join(dir, 'api-limits.db') },
          'bench-counter-hmac-key-0123456789',
        ),
        client: env.client,
        taskQueue: env.taskQueue,
      },
    });
    const stop = runWorker(worker);
    try {
      const rssBefore = mb(process.memoryUsage().rss);
      const workflowId = `bench-retention-${randomUUID()}`;
      const t0 = performance.now();
      const totals = await env.client.workflow.execute<typeof retentionRun>('retentionRun', {
        workflowId,
        taskQueue,
        args: [{ policy: { ...defaultRetentionPolicy, pageSize: opts.pageSize, visibilityLagSeconds: 0 } }],
      });
      const seconds = (performance.now() - t0) / 1000;
      let runs = 0;
      let events = 0;
      for await (const run of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        runs += 1;
        events += run.historyLength ?? 0;
      }
      note(
        `[figures] retention run over ${opts.n} due records: ${seconds.toFixed(1)} s ` +
          `(${(totals.destroyed / seconds).toFixed(0)} destroyed/s); destroyed ${totals.destroyed}, looked at ${totals.looked}`,
      );
      note(
        `[figures] the run took ${runs} runs (continue-as-new), ${events} history events in all; page size ${opts.pageSize}`,
      );
      note(
        `[figures] this process (worker, stores): RSS ${rssBefore} MB before, ${mb(process.memoryUsage().rss)} MB after, ` +
          `peak ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
      );
      return totals.destroyed === opts.n;
    } finally {
      await stop();
      audit.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
