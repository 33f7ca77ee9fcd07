/**
 * `npm run cluster`: the production shape on one machine. A full Temporal Server 1.29.1 on
 * PostgreSQL 15 (the machine's Debian packages; schemas from temporal-sql-tool), the namespace
 * and the project's search attributes registered, the Web UI 2.42.1, the sandboxes and the codec
 * server, and two workers and two API instances: the APIs behind one address (a round-robin
 * proxy, as a load balancer), every instance sharing its state in PostgreSQL (DATABASE_URL) and
 * the document folder. Each process serves /metrics, /health and /ready; spans go to
 * <data-dir>/cluster/traces.jsonl. Ctrl-C (or SIGTERM) drains the APIs and workers and stops
 * everything; data survives a restart (delete <data-dir>/cluster to start clean).
 *
 * The first run builds the server, the SQL tool and the UI server with `go install` into
 * ~/.cache/account-opening/ (scripts/cluster/binaries.ts), and the CLI if needed.
 * docs/cluster.md has the details.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { masterKeys } from '../encryption/from-config';
import { color, killGroup, readable } from './child-processes';
import { findOrBuildClusterBinaries, SERVER_VERSION, UI_VERSION } from './cluster/binaries';
import { type PostgresServer, startPostgresServer } from './cluster/postgres';
import { startProxy } from './cluster/proxy';
import { findOrBuildTemporalCli } from './temporal-cli';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATES = path.join(ROOT, 'scripts', 'cluster');
const TSX_LOADER = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 240_000;
const STOP_GRACE_MS = 40_000;
const run = promisify(execFile);

const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new InvalidArgumentError('must be 1 to 8');
  return n;
};

const program = new Command('npm run cluster')
  .description(
    'Runs the production shape on this machine: Temporal Server on PostgreSQL, the Web UI, the\n' +
      'sandboxes, two workers and two APIs behind one address, all sharing PostgreSQL.\n' +
      'Ctrl-C drains and stops everything. Pass flags after --, e.g. `npm run cluster -- --no-ui`.',
  )
  .option(
    '--data-dir <dir>',
    'folder for the cluster (<dir>/cluster) and documents (env DATA_DIR, default ./data)',
  )
  .option('--no-ui', 'run without the Web UI')
  .addOption(new Option('--workers <n>', 'worker processes').default(2).argParser(count))
  .addOption(new Option('--apis <n>', 'API processes behind the one address').default(2).argParser(count))
  .addOption(
    new Option('--port-offset <n>', 'added to every port, to run beside `npm start` or another cluster')
      .env('CLUSTER_PORT_OFFSET')
      .default(0)
      .argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 50_000) throw new InvalidArgumentError('must be 0 to 50000');
        return n;
      }),
  )
  .addHelpText(
    'after',
    `
Ports (each plus --port-offset): Temporal gRPC 7233 (HTTP 7243, history 7234, matching 7235,
worker 7239, membership 6933-6939, server metrics 8000), PostgreSQL 5433, API 8080 (instances
8081, 8082, ...), Web UI 8233, codec server 8234, providers sandbox 7310, core banking 7320,
workers' /metrics, /health, /ready 9101, 9102, ... (SDK metrics 9111, 9112, ...).
Binaries: TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER, TEMPORAL_CLI name your own;
PG_BIN the folder of initdb and pg_ctl. Tokens and keys as for npm start (README).`,
  );

interface Service {
  name: string;
  exited: Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const say = (name: string, line: string) =>
  process.stdout.write(
    `${color(name.startsWith('api') ? 32 : name.startsWith('worker') ? 33 : 36, name.padEnd(9))}| ${line}\n`,
  );

const _PINO: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** A child in its own process group; its lines go to the console, or to `logFile` only. */
function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; logFile?: string; onLine?: (line: string) => void },
): Service {
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (file) file.write(`${line}\n`);
      else say(name, readable(line));
      opts.onLine?.(line);
    });
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      file?.end();
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
    child.once('error', (err) => resolve(err.message));
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    exited,
    async stop(signal = 'SIGTERM') {
      killGroup(child, signal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}

const node = (name: string, script: string, env: NodeJS.ProcessEnv, args: string[] = []) =>
  startProcess(name, process.execPath, ['--import', TSX_LOADER, script, ...args], { env });

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not ready after ${timeoutMs / 1000} s${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

const healthy = (url: string) => async () =>
  (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined;

async function fillTemplate(template: string, target: string, values: Record<string, string | number>) {
  let text = await fs.readFile(path.join(TEMPLATES, template), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(`__${k}__`, String(v));
  const left = /__([A-Z_]+)__/.exec(text);
  if (left) throw new Error(`${template}: no value for __${left[1]}__`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, text);
}

/** The SQL tool's schemas: databases created, set up and brought to this server's version. */
async function setUpSchemas(sqlTool: string, pg: PostgresServer, log: (l: string) => void): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pg.port), '-u', 'postgres'];
  for (const [db, schema] of [
    ['temporal', 'postgresql/v12/temporal'],
    ['temporal_visibility', 'postgresql/v12/visibility'],
  ] as const) {
    const tool = (...args: string[]) => run(sqlTool, [...base, '--db', db, ...args], { timeout: 120_000 });
    await pg.createDatabase(db);
    // setup-schema -v 0.0 creates the version tables once; on a set-up database it fails harmlessly.
    await tool('setup-schema', '-v', '0.0').catch((err: { stderr?: string }) => {
      if (!/already exists/i.test(String(err.stderr))) throw err;
    });
    await tool('update-schema', '--schema-name', schema);
    log(`schema ${schema} on database ${db}: up to date`);
  }
}

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    dataDir?: string;
    ui: boolean;
    workers: number;
    apis: number;
    portOffset: number;
  }>();
  if (opts.dataDir) process.env.DATA_DIR = path.resolve(opts.dataDir);
  const config = loadConfig();
  const o = opts.portOffset;
  const ports = {
    frontend: 7233 + o,
    frontendHttp: 7243 + o,
    history: 7234 + o,
    matching: 7235 + o,
    temporalWorker: 7239 + o,
    serverMetrics: 8000 + o,
    postgres: 5433 + o,
    api: 8080 + o,
    ui: 8233 + o,
    codec: 8234 + o,
    providers: 7310 + o,
    coreBanking: 7320 + o,
  };
  const dir = path.join(config.dataDir, 'cluster');
  const namespace = config.temporal.namespace;
  const frontend = `127.0.0.1:${ports.frontend}`;
  const services: Service[] = [];
  let stopping = false;
  let pg: PostgresServer | undefined;
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  const log = (line: string) => say('cluster', line);

  const shutdown = async (code: number, reason: string) => {
    if (stopping) return;
    stopping = true;
    log(reason);
    // The front first: APIs and workers drain (SIGTERM), then what they depend on.
    const byName = (p: RegExp) => services.filter((s) => p.test(s.name));
    await Promise.all(byName(/^api/).map((s) => s.stop()));
    await proxy?.close();
    await Promise.all(byName(/^worker/).map((s) => s.stop()));
    await Promise.all(byName(/^(ui|codec|sandbox)/).map((s) => s.stop()));
    await Promise.all(byName(/^temporal/).map((s) => s.stop()));
    await pg?.stop();
    log('all stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () =>
      stopping ? process.exit(130) : void shutdown(0, `${signal}: draining and stopping everything`),
    );
  }
  let failed: (e: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {});
  const watch = (s: Service) => {
    services.push(s);
    void s.exited.then((how) => stopping || failed(new Error(`${s.name} exited early (${how})`)));
    return s;
  };
  /**
   * Workers and APIs are restarted when they exit, as an orchestrator would: SIGTERM one to see
   * it drain (its work finishes or moves to the others) and come back.
   */
  const supervise = (start: () => Service) => {
    const s = start();
    services.push(s);
    void s.exited.then(async (how) => {
      if (stopping) return;
      log(`${s.name} exited (${how}); restarting it`);
      services.splice(services.indexOf(s), 1);
      await new Promise((r) => setTimeout(r, 500));
      if (!stopping) supervise(start);
    });
  };
  const step = <T>(p: Promise<T>) => Promise.race([p, failure]);

  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.rm(path.join(dir, 'ready.json'), { force: true });
    const keys = masterKeys(config);
    if (keys.generated) log(`generated a development master key: ${keys.source}`);

    // 1. Binaries: the CLI (namespace, search attributes), the server and its SQL tool, the UI.
    const [cli, bins] = await Promise.all([
      findOrBuildTemporalCli({ log: (l) => say('build', l) }),
      findOrBuildClusterBinaries((l) => say('build', l)),
    ]);

    // 2. PostgreSQL: Temporal's two databases (schemas from the SQL tool) and the project's.
    pg = await startPostgresServer({ dir: path.join(dir, 'pg'), port: ports.postgres });
    log(`PostgreSQL on 127.0.0.1:${ports.postgres} (${path.join(dir, 'pg')})`);
    await setUpSchemas(bins.sqlTool, pg, log);
    const databaseUrl = await pg.createDatabase('account_opening');

    // 3. Temporal Server, all four services in one process, its log in a file.
    const serverRoot = path.join(dir, 'temporal');
    await fillTemplate('temporal.yaml', path.join(serverRoot, 'config', 'cluster.yaml'), {
      PG_PORT: ports.postgres,
      SERVER_METRICS_PORT: ports.serverMetrics,
      FRONTEND_PORT: ports.frontend,
      FRONTEND_HTTP_PORT: ports.frontendHttp,
      FRONTEND_MEMBERSHIP_PORT: 6933 + o,
      HISTORY_PORT: ports.history,
      HISTORY_MEMBERSHIP_PORT: 6934 + o,
      MATCHING_PORT: ports.matching,
      MATCHING_MEMBERSHIP_PORT: 6935 + o,
      WORKER_PORT: ports.temporalWorker,
      WORKER_MEMBERSHIP_PORT: 6939 + o,
      DYNAMIC_CONFIG: path.join(TEMPLATES, 'dynamicconfig.yaml'),
    });
    const serverLog = path.join(dir, 'temporal.log');
    watch(
      startProcess(
        'temporal',
        bins.server,
        ['--root', serverRoot, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
        { env: process.env, cwd: serverRoot, logFile: serverLog },
      ),
    );
    log(`Temporal Server ${SERVER_VERSION} starting on ${frontend} (log: ${serverLog})`);
    await step(
      until('Temporal frontend', async () => {
        const c = await Connection.connect({ address: frontend, connectTimeout: 1000 });
        try {
          return (await c.healthService.check({})).status === 1 ? true : undefined;
        } finally {
          await c.close();
        }
      }),
    );

    // 4. The namespace and the search attributes (idempotent: a restart finds them there).
    const temporal = (...args: string[]) =>
      run(cli, [...args, '--address', frontend, '--namespace', namespace], { timeout: 30_000 });
    await step(
      until('namespace', async () => {
        await temporal('operator', 'namespace', 'create', '--retention', '72h').catch(
          (err: { stderr?: string }) => {
            if (!/already (exists|registered)/i.test(String(err.stderr)))
              throw new Error(String(err.stderr).trim());
          },
        );
        await temporal('operator', 'namespace', 'describe');
        return true;
      }),
    );
    const existing = JSON.parse(
      (await temporal('operator', 'search-attribute', 'list', '-o', 'json')).stdout,
    ) as {
      customAttributes?: Record<string, unknown>;
    };
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !existing.customAttributes?.[name]);
    if (missing.length) {
      await temporal(
        'operator',
        'search-attribute',
        'create',
        ...missing.flatMap(([name, type]) => ['--name', name, '--type', type]),
      );
    }
    log(
      `namespace ${namespace}: ${Object.keys(SEARCH_ATTRIBUTES).length} search attributes (${missing.length} created)`,
    );

    // 5. Sandboxes and codec server (one each), then the workers and the APIs.
    const tracesFile = path.join(dir, 'traces.jsonl');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: config.dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: frontend,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_UI_PORT: String(ports.ui),
      PROVIDERS_SANDBOX_PORT: String(ports.providers),
      CORE_BANKING_SANDBOX_PORT: String(ports.coreBanking),
      CODEC_SERVER_PORT: String(ports.codec),
      ...(!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && { OTEL_TRACES_FILE: tracesFile }),
    };
    // Whatever a temporal.toml profile says, the cluster's processes talk to this cluster.
    delete env.TEMPORAL_PROFILE;
    delete env.TEMPORAL_CONFIG_FILE;
    delete env.TEMPORAL_API_KEY;
    delete env.TEMPORAL_TLS;
    const sandboxArgs = [
      '--providers-port',
      String(ports.providers),
      '--core-banking-port',
      String(ports.coreBanking),
    ];
    watch(node('sandbox', 'sandbox/main.ts', env, [...sandboxArgs, '--data-dir', config.dataDir]));
    watch(node('codec', 'encryption/codec-server-main.ts', env));
    const workers = Array.from({ length: opts.workers }, (_, i) => ({
      name: `worker-${i + 1}`,
      health: 9101 + o + i,
      sdk: 9111 + o + i,
    }));
    for (const w of workers) {
      supervise(() =>
        node(w.name, 'worker/main.ts', {
          ...env,
          WORKER_HEALTH_PORT: String(w.health),
          WORKER_SDK_METRICS_ADDRESS: `127.0.0.1:${w.sdk}`,
          OTEL_SERVICE_NAME: `account-opening-${w.name}`,
        }),
      );
    }
    const apis = Array.from({ length: opts.apis }, (_, i) => ({
      name: `api-${i + 1}`,
      port: ports.api + 1 + i,
    }));
    for (const a of apis) {
      supervise(() =>
        node(a.name, 'api/main.ts', {
          ...env,
          API_PORT: String(a.port),
          // The proxy polls /ready four times a second: a draining API gets nothing new after this.
          API_DRAIN_DELAY_SECONDS: '1',
          OTEL_SERVICE_NAME: `account-opening-${a.name}`,
        }),
      );
    }
    if (opts.ui && bins.ui) {
      const uiRoot = path.join(dir, 'ui');
      const values = {
        FRONTEND_PORT: ports.frontend,
        UI_PORT: ports.ui,
        NAMESPACE: namespace,
        CODEC_URL: `http://127.0.0.1:${ports.codec}`,
      };
      await fillTemplate('ui.yaml', path.join(uiRoot, 'config', 'cluster.yaml'), values);
      await fs.writeFile(path.join(uiRoot, 'config', 'base.yaml'), '# see cluster.yaml\n');
      watch(
        startProcess('ui', bins.ui, ['--root', uiRoot, '--config', 'config', '--env', 'cluster', 'start'], {
          env: process.env,
          cwd: uiRoot,
          logFile: path.join(dir, 'ui.log'),
        }),
      );
    }
    const local = (port: number, p = '/health') => `http://127.0.0.1:${port}${p}`;
    await step(
      until('sandboxes, codec server, workers and APIs', async () => {
        const probes = [
          local(ports.providers),
          local(ports.coreBanking),
          local(ports.codec),
          ...workers.map((w) => local(w.health, '/ready')),
          ...apis.map((a) => local(a.port, '/ready')),
          ...(opts.ui && bins.ui ? [`http://127.0.0.1:${ports.ui}/`] : []),
        ];
        const ok = await Promise.all(probes.map((u) => healthy(u)().catch(() => undefined)));
        return ok.every(Boolean) ? true : undefined;
      }),
    );
    proxy = await startProxy({
      host: config.api.host,
      port: ports.api,
      backends: apis.map((a) => `http://127.0.0.1:${a.port}`),
    });

    const apiUrl = `http://${config.api.host}:${ports.api}`;
    const rows: [string, string][] = [
      [
        'Temporal gRPC',
        `${frontend}  (Server ${SERVER_VERSION} on PostgreSQL; server metrics ${local(ports.serverMetrics, '/metrics')})`,
      ],
      ['Temporal Web UI', opts.ui && bins.ui ? `http://127.0.0.1:${ports.ui}  (UI ${UI_VERSION})` : '(off)'],
      ['PostgreSQL', `127.0.0.1:${ports.postgres}  (temporal, temporal_visibility, account_opening)`],
      ['API', `${apiUrl}  (round robin over ${apis.map((a) => a.port).join(', ')})`],
      ...apis.map((a): [string, string] => [a.name, `${local(a.port, '')}  /metrics /health /ready`]),
      ...workers.map((w): [string, string] => [w.name, `${local(w.health, '')}  /metrics /health /ready`]),
      ['Providers sandbox', local(ports.providers, '')],
      ['Core-banking sandbox', local(ports.coreBanking, '')],
      ['Codec server', local(ports.codec, '')],
      ['Traces', env.OTEL_TRACES_FILE ?? `OTLP ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`],
      ...config.tokens.map(({ role, id, token }): [string, string] => [`${role} token`, `${token}  (${id})`]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const seconds = (performance.now() / 1000).toFixed(1);
    console.log(
      [
        `Cluster ready in ${seconds} s. Ctrl-C drains and stops everything.`,
        ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
      ].join('\n'),
    );
    // For scripts that start the cluster and wait for it (test/cluster/journeys.ts).
    await fs.writeFile(
      path.join(dir, 'ready.json'),
      JSON.stringify({
        apiUrl,
        temporalAddress: frontend,
        namespace,
        databaseUrl,
        providersUrl: local(ports.providers, ''),
        coreBankingUrl: local(ports.coreBanking, ''),
        apis: apis.map((a) => local(a.port, '')),
        workers: workers.map((w) => local(w.health, '')),
        sandboxes: [local(ports.providers, ''), local(ports.coreBanking, '')],
        codec: local(ports.codec, ''),
        serverMetrics: local(ports.serverMetrics, '/metrics'),
        ui: opts.ui && bins.ui ? `http://127.0.0.1:${ports.ui}` : undefined,
        tracesFile: env.OTEL_TRACES_FILE,
        pid: process.pid,
      }),
    );
    await failure;
  } catch (err) {
    await shutdown(1, `failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await main();
