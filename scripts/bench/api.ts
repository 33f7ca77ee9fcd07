/**
 * Latency of `GET /v1/applications/{id}` under a modest concurrent load, through the real
 * HTTP API on a real port: `npx tsx scripts/bench/api.ts --help`.
 * Prints JSON lines on stdout and a short summary on stderr; it asserts nothing.
 */
import type { AddressInfo } from 'node:net';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { buildApi } from '../../api/app';
import type { Credentials } from '../../api/auth';
import { Funnel } from '../../api/services/funnel';
import { Reviews } from '../../api/services/reviews';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { memoryAuditTrail } from '../../stores/audit';
import { SqliteIdempotencyRecords } from '../../stores/idempotency-records';
import { newApplication, readSmsCode } from '../../test/support/harness';
import { addressOption, type BenchEnv, namespaceOption, withBenchEnv } from './env';
import {
  emit,
  machine,
  nonNegativeInt,
  note,
  percentile,
  perSecond,
  positiveInt,
  round1,
  runPool,
  share,
} from './stats';

interface Options {
  requests: number;
  concurrency: number;
  apps: number;
  openedShare: number;
  warmup: number;
  address?: string;
  namespace: string;
}

const program = new Command()
  .name('bench:api')
  .description(
    'Latency of GET /v1/applications/{id} (a Temporal query behind the HTTP API) under a modest concurrent load.',
  )
  .addOption(new Option('--requests <count>', 'measured GET requests').default(2000).argParser(positiveInt))
  .addOption(
    new Option('--concurrency <count>', 'clients sending requests at once')
      .default(20)
      .argParser(positiveInt),
  )
  .addOption(new Option('--apps <count>', 'applications to create first').default(20).argParser(positiveInt))
  .addOption(
    new Option('--opened-share <0..1>', 'share of those applications taken to OPENED (finished)')
      .default(0.5)
      .argParser(share),
  )
  .addOption(
    new Option('--warmup <count>', 'unmeasured GET requests first').default(200).argParser(nonNegativeInt),
  )
  .addOption(addressOption())
  .addOption(namespaceOption())
  .addHelpText(
    'after',
    '\n' +
      'Starts its own Temporal dev server (fast SQLite pragmas, headless, eager activity\n' +
      'execution), the sandboxes in a temp folder, the worker and the API (buildApi) in-process\n' +
      'on a free port, creates --apps applications (a share of them taken to OPENED, the others\n' +
      'left AWAITING_SMS_CODE), then sends --requests GETs from --concurrency clients (plain\n' +
      'fetch, keep-alive), round-robin over the applications.\n\n' +
      'A query to a running application is answered from the worker cache; one to a finished\n' +
      'application makes the worker replay its history, so figures are also given per status.\n\n' +
      'Output: JSON lines on stdout, a summary on stderr. Exits 1 if any request failed.\n' +
      'Timings are figures, never pass/fail.' +
      '\n\nExamples:\n' +
      '  npx tsx scripts/bench/api.ts\n' +
      '  npx tsx scripts/bench/api.ts --requests 5000 --concurrency 50 --opened-share 1',
  );

const APP_TOKEN = 'bench-app-token-0123456789';
const tokens: Credentials = [{ role: 'app', id: 'bench-app', token: APP_TOKEN }];

interface Target {
  applicationId: string;
  status: string;
}

/** Creates the applications through Applications (the API's own layer), five at a time. */
async function createApplications(env: BenchEnv, opts: Options): Promise<Target[]> {
  const opened = Math.round(opts.apps * opts.openedShare);
  const pool = await runPool(opts.apps, 5, async (i): Promise<Target> => {
    const req = await newApplication(env.documents);
    const view = await env.applications.start(req);
    if (view.status !== 'AWAITING_SMS_CODE') throw new Error(`start answered ${view.status}`);
    if (i >= opened) return { applicationId: req.applicationId, status: view.status };
    const code = await readSmsCode(env.providersUrl, req.applicant.mobile);
    const answer = await env.applications.submitSmsCode(req.applicationId, code);
    if (answer.status !== 'OPENED') throw new Error(`the code answered ${answer.status}`);
    await env.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    return { applicationId: req.applicationId, status: 'OPENED' };
  });
  if (pool.errors) throw new Error(`${pool.errors} applications could not be created: ${pool.firstError}`);
  return pool.results;
}

interface Hit {
  ms: number;
  status: string;
}

const latencyFigures = (ms: number[]) => ({
  n: ms.length,
  p50ms: round1(percentile(ms, 0.5)),
  p90ms: round1(percentile(ms, 0.9)),
  p99ms: round1(percentile(ms, 0.99)),
  maxms: round1(Math.max(...ms)),
});

async function main(env: BenchEnv, opts: Options): Promise<boolean> {
  emit(machine('start'));
  const api = await buildApi({
    tokens,
    applications: env.applications,
    reviews: new Reviews(env.client, { decisionSigningKey: developmentDecisionSigningKey }),
    funnel: new Funnel(env.client, env.taskQueue),
    documents: env.documents,
    coreBanking: httpCoreBanking(env.coreBankingUrl),
    idempotency: new SqliteIdempotencyRecords(':memory:', 'bench-counter-hmac-key'),
    audit: memoryAuditTrail(),
    // Warnings and errors only (a 500 says why on stderr); request lines would cost time.
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  try {
    await api.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;

    let t = performance.now();
    const targets = await createApplications(env, opts);
    note(`[bench] created ${targets.length} applications in ${Math.round(performance.now() - t)} ms`);

    let next = 0;
    const get = async (): Promise<Hit> => {
      const target = targets[next++ % targets.length]!;
      const started = performance.now();
      const res = await fetch(`${base}/v1/applications/${target.applicationId}`, {
        headers: { authorization: `Bearer ${APP_TOKEN}` },
      });
      const body = (await res.json()) as { status?: string };
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${JSON.stringify(body)}`);
      if (body.status !== target.status) throw new Error(`expected ${target.status}, got ${body.status}`);
      return { ms, status: target.status };
    };

    if (opts.warmup > 0) {
      note(`[bench] warm-up: ${opts.warmup} requests`);
      await runPool(opts.warmup, opts.concurrency, get);
    }
    note(`[bench] measuring: ${opts.requests} requests, ${opts.concurrency} at a time`);
    t = performance.now();
    const pool = await runPool(opts.requests, opts.concurrency, get);
    const all = pool.results.map((h) => h.ms);
    const byStatus = Object.fromEntries(
      [...new Set(targets.map((x) => x.status))].map((status) => [
        status,
        latencyFigures(pool.results.filter((h) => h.status === status).map((h) => h.ms)),
      ]),
    );
    const figures = {
      case: 'api/get-application',
      requests: pool.results.length,
      concurrency: opts.concurrency,
      applications: targets.length,
      reqPerSec: perSecond(pool.results.length, pool.elapsedMs),
      ...latencyFigures(all),
      byStatus,
      errors: pool.errors,
      ...(pool.firstError && { firstError: pool.firstError }),
    };
    emit(figures);
    const end = machine('end');
    emit(end);

    note('');
    note(
      `GET /v1/applications/{id}: ${figures.reqPerSec} requests/s, ${opts.concurrency} clients, ` +
        `${figures.requests} requests over ${targets.length} applications`,
    );
    note(
      `  ${'status'.padEnd(20)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}  ms`,
    );
    for (const [status, f] of [['all', latencyFigures(all)] as const, ...Object.entries(byStatus)]) {
      note(
        `  ${status.padEnd(20)}${String(f.p50ms).padStart(8)}${String(f.p90ms).padStart(8)}` +
          `${String(f.p99ms).padStart(8)}${String(f.maxms).padStart(8)}`,
      );
    }
    note(`machine: ${end.cores} cores, load average (1 min) at the end ${end.loadavg1m}`);
    if (pool.errors) note(`[bench] ${pool.errors} requests failed: ${pool.firstError}`);
    return pool.errors === 0;
  } finally {
    await api.close();
  }
}

program.action(async (opts: Options) => {
  await withBenchEnv({ address: opts.address, namespace: opts.namespace }, (env) => main(env, opts));
});

await program.parseAsync();
