/**
 * Fairness between partners (domain/fairness.ts): `npm run bench:fairness -- --help`. Partner A
 * bursts `--burst` v2 applications at once; while they queue, partner B sends one applicant.
 * Prints B's latency (start to decision) beside the floor (one applicant on the idle system)
 * and A's p50/p95, with the server's fairness on and, for contrast, off. Figures, not
 * assertions (scripts/bench/README.md).
 *
 * Fairness orders a backlog in the server's matching, so it shows only where tasks wait on the
 * task queue rather than in the worker's event loop or the server's CPU. On this 2-core machine
 * a burst of 500 backs up the queue with the worker's default slots already (figures in
 * README.md); `--activity-slots` limits the worker's concurrent activities to make sure of it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Command, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../activities';
import { DocumentStore } from '../../adapters/documents';
import { httpPorts } from '../../adapters/http';
import { Applications } from '../../api/services/applications';
import type { StartApplicationRequest } from '../../domain/application';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import { defaultPolicy } from '../../domain/policy-defaults';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { Keyring } from '../../encryption/keyring';
import { LocalKms, newMasterKey } from '../../encryption/kms';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { SqliteDataKeyStore } from '../../stores/data-key-store';
import { newFlowApplication } from '../../test/support/harness';
import { bundleWorkflows } from '../../worker/create-worker';
import { startDevServer } from '../dev-server';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { quietLogger, quietRuntime } from './env';
import { emit, machine, nonNegativeInt, note, percentile, positiveInt, round1 } from './stats';

interface Options {
  burst: number;
  activitySlots: number;
  floorRuns: number;
  bAfterMs: number;
  modes: string;
}

const program = new Command()
  .name('bench:fairness')
  .description("One partner's burst against another partner's single applicant, fairness on and off.")
  .addOption(
    new Option('--burst <count>', "partner A's applications, all at once")
      .default(500)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--activity-slots <count>', "the worker's concurrent activities (the SDK's default)")
      .default(100)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--floor-runs <count>', "partner B's lone applicants on the idle system (the floor)")
      .default(5)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--b-after-ms <ms>', "when B's applicant starts, counted from the burst's start")
      .default(3000)
      .argParser(nonNegativeInt),
  )
  .addOption(new Option('--modes <list>', 'server fairness settings to run, in order').default('on,off'));

const PARTNERS = { a: 'partner-a', b: 'partner-b' } as const;
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const PARTNER_SECRETS = {
  [PARTNERS.a]: 'bench-partner-a-secret-0123456789',
  [PARTNERS.b]: 'bench-partner-b-secret-0123456789',
};

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

interface Shared {
  dir: string;
  cli: string;
  providersUrl: string;
  coreBankingUrl: string;
  documents: DocumentStore;
  documentsDir: string;
  keyring: Keyring;
  bundle: Awaited<ReturnType<typeof bundleWorkflows>>;
}

interface ModeFigures {
  kind: 'mode';
  fairness: boolean;
  activitySlots: number;
  floorMs: { p50: number; min: number; max: number };
  bMs: number;
  /** B's applicant started when this many of A's had not decided yet. */
  aPendingWhenBStarted: number;
  aMs: { p50: number; p95: number; max: number };
  aDecidedBeforeB: number;
  burstWallMs: number;
  errors: number;
  firstError?: string;
}

/** Start to decision: a v2 application answers its start once decided (no SMS code to wait for). */
async function timed(applications: Applications, req: StartApplicationRequest, partnerId: string) {
  const t = performance.now();
  const view = await applications.start(req, { partnerId });
  if (view.status === 'CHECKING') throw new Error('the start answered before the decision');
  return performance.now() - t;
}

async function runMode(shared: Shared, fairness: boolean, opts: Options): Promise<ModeFigures> {
  note(`[bench] fairness ${fairness ? 'on' : 'off'}: starting a dev server`);
  const server = await startDevServer({ cli: shared.cli, fast: true, headless: true, fairness });
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop()];
  try {
    const workerConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => workerConnection.close());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const dataConverter = encryptedDataConverter(shared.keyring);
    const taskQueue = `bench-fairness-${randomUUID()}`;
    const webhook = `${shared.providersUrl}/sandbox/app-webhook`;
    const ports = httpPorts(
      {
        providersUrl: shared.providersUrl,
        coreBankingUrl: shared.coreBankingUrl,
        appWebhookUrl: webhook,
        opsWebhookUrl: webhook,
        webhookSecret: WEBHOOK_SECRET,
        documentsDir: shared.documentsDir,
        partnerWebhooks: Object.fromEntries(
          Object.entries(PARTNER_SECRETS).map(([id, secret]) => [id, { url: `${webhook}/${id}`, secret }]),
        ),
      },
      shared.keyring,
    );
    // As worker/create-worker.ts builds it, with the activity slots of --activity-slots.
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities(ports),
      dataConverter,
      workflowBundle: shared.bundle,
      maxConcurrentActivityTaskExecutions: opts.activitySlots,
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const client = new Client({ connection, namespace: 'default', dataConverter });
    // The burst queues for minutes: the start waits for the decision however long it takes.
    const applications = new Applications({
      client,
      taskQueue,
      policy: defaultPolicy,
      firstAnswerWaitMs: 30 * 60_000,
    });
    // Each partner uploads its own applicants' selfies (adapters/documents.ts keeps tenants apart).
    const newRequest = (partnerId: string) =>
      newFlowApplication(shared.documents, 'v2', { channel: 'PARTNER', tenant: `PARTNER:${partnerId}` });

    note('[bench] warm-up and floor: B alone');
    for (let i = 0; i < 2; i++) await timed(applications, await newRequest(PARTNERS.b), PARTNERS.b);
    const floor: number[] = [];
    for (let i = 0; i < opts.floorRuns; i++)
      floor.push(await timed(applications, await newRequest(PARTNERS.b), PARTNERS.b));

    note(`[bench] preparing ${opts.burst} applications for A`);
    const burst: StartApplicationRequest[] = [];
    for (let i = 0; i < opts.burst; i++) burst.push(await newRequest(PARTNERS.a));
    const bReq = await newRequest(PARTNERS.b);

    note(`[bench] A bursts ${opts.burst}; B starts ${opts.bAfterMs} ms in`);
    const aMs: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    let bMs = Number.NaN;
    let aDecidedBeforeB = 0;
    let aPendingWhenBStarted = 0;
    const t0 = performance.now();
    const aRuns = burst.map((req) =>
      timed(applications, req, PARTNERS.a).then(
        (ms) => {
          aMs.push(ms);
        },
        (err: unknown) => {
          errors++;
          firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        },
      ),
    );
    const bRun = (async () => {
      await new Promise((r) => setTimeout(r, opts.bAfterMs));
      aPendingWhenBStarted = opts.burst - aMs.length - errors;
      bMs = await timed(applications, bReq, PARTNERS.b);
      aDecidedBeforeB = aMs.length;
    })().catch((err: unknown) => {
      // Reported with the figures: stopping now would close the connection under A's runs.
      errors++;
      firstError ??= `B: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    });
    await Promise.all([...aRuns, bRun]);
    const burstWallMs = performance.now() - t0;

    return {
      kind: 'mode',
      fairness,
      activitySlots: opts.activitySlots,
      floorMs: {
        p50: round1(percentile(floor, 0.5)),
        min: round1(Math.min(...floor)),
        max: round1(Math.max(...floor)),
      },
      bMs: round1(bMs),
      aPendingWhenBStarted,
      aMs: {
        p50: round1(percentile(aMs, 0.5)),
        p95: round1(percentile(aMs, 0.95)),
        max: round1(Math.max(...aMs)),
      },
      aDecidedBeforeB,
      burstWallMs: round1(burstWallMs),
      errors,
      ...(firstError && { firstError }),
    };
  } finally {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  }
}

async function main(opts: Options): Promise<boolean> {
  const modes = opts.modes.split(',').map((m) => m.trim());
  if (modes.some((m) => m !== 'on' && m !== 'off'))
    throw new Error('--modes takes on and off, comma-separated');
  quietRuntime();
  emit(machine('start'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'account-opening-bench-fairness-'));
  const apps: FastifyInstance[] = [];
  let store: SqliteDataKeyStore | undefined;
  try {
    const providers = buildProvidersSandbox({
      dbFile: path.join(dir, 'providers.db'),
      logger: false,
      webhookSecret: WEBHOOK_SECRET,
      partnerWebhookSecrets: PARTNER_SECRETS,
    });
    apps.push(providers);
    const coreBanking = buildCoreBankingSandbox({ dbFile: path.join(dir, 'core-banking.db'), logger: false });
    apps.push(coreBanking);
    const [providersUrl, coreBankingUrl, cli, bundle] = await Promise.all([
      listen(providers),
      listen(coreBanking),
      findOrBuildTemporalCli({ log: (line) => note(`[temporal-cli] ${line}`) }),
      bundleWorkflows({ logger: quietLogger, decisionSigningKey: developmentDecisionSigningKey }),
    ]);
    store = new SqliteDataKeyStore(path.join(dir, 'data-keys.db'));
    const keyring = new Keyring({ kms: new LocalKms(newMasterKey('bench-throwaway')), store });
    const documentsDir = path.join(dir, 'documents');
    const shared: Shared = {
      dir,
      cli,
      providersUrl,
      coreBankingUrl,
      documents: new DocumentStore(documentsDir, keyring),
      documentsDir,
      keyring,
      bundle,
    };
    const figures: ModeFigures[] = [];
    for (const mode of modes) {
      const f = await runMode(shared, mode === 'on', opts);
      emit({ ...f });
      figures.push(f);
    }
    const end = machine('end');
    emit(end);

    note('');
    note(
      `Partner A bursts ${opts.burst} v2 applications; partner B's one applicant starts ${opts.bAfterMs} ms in. ` +
        `Worker: ${opts.activitySlots} activity slots. Start to decision, ms:`,
    );
    note(
      `${'server fairness'.padEnd(17)}${'floor p50'.padStart(11)}${'B in burst'.padStart(12)}` +
        `${'A p50'.padStart(10)}${'A p95'.padStart(10)}${'A before B'.padStart(12)}${'errors'.padStart(8)}`,
    );
    for (const f of figures) {
      note(
        `${(f.fairness ? 'on' : 'off').padEnd(17)}${String(f.floorMs.p50).padStart(11)}${String(f.bMs).padStart(12)}` +
          `${String(f.aMs.p50).padStart(10)}${String(f.aMs.p95).padStart(10)}` +
          `${`${f.aDecidedBeforeB}/${opts.burst}`.padStart(12)}${String(f.errors).padStart(8)}`,
      );
    }
    note(`machine: ${end.cores} cores, load average (1 min) at the end ${end.loadavg1m}`);
    return figures.every((f) => f.errors === 0 && Number.isFinite(f.bMs));
  } finally {
    await Promise.allSettled(apps.map((app) => app.close()));
    store?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

let ok = false;
program.action(async (opts: Options) => {
  try {
    ok = await main(opts);
  } catch (err) {
    note(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
});
await program.parseAsync();
process.exit(ok ? 0 : 1);
