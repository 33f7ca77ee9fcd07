/**
 * `npm start`: everything on one machine — a Temporal dev server on a SQLite file, the
 * sandboxes, the worker and the API — with prefixed output, and one Ctrl-C to stop it all.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { masterKeys } from '../encryption/from-config';
import { color, killGroup, readable } from './child-processes';
import { assertPortFree, type DevServer, startDevServer } from './dev-server';
import { findOrBuildTemporalCli } from './temporal-cli';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// `node --import tsx` is one process per service, so a signal reaches the service itself.
const TSX_LOADER = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

const program = new Command('npm start')
  .description(
    'Starts everything locally and prints where each part listens:\n' +
      '  - a Temporal dev server (SQLite file <data-dir>/temporal.db, Web UI, search attributes registered);\n' +
      '    the pinned Temporal CLI is found or built first (TEMPORAL_CLI names one explicitly)\n' +
      '  - the providers and core-banking sandboxes (tsx sandbox/main.ts)\n' +
      '  - the payment-network simulator (tsx sandbox/payment-network/main.ts): payment institutions against the API\n' +
      '  - the worker (tsx worker/main.ts) and the HTTP API (tsx api/main.ts)\n' +
      '  - the codec server (tsx encryption/codec-server-main.ts), which the Web UI decodes payloads\n' +
      '    through for operators and engineers who sign in; everyone else sees them encrypted\n' +
      'Ctrl-C stops them all. Pass flags after --, e.g. `npm start -- --no-ui`.',
  )
  .option('--data-dir <dir>', 'folder for Temporal, sandbox and document data (env DATA_DIR, default ./data)')
  .option('--no-ui', 'run Temporal without its Web UI')
  .option(
    '--provider-profile <profile>',
    "sandbox or tencent-cloud: whose wire format the worker's OCR, identity, three-element and face checks speak (env PROVIDER_PROFILE; docs/vendors.md)",
  )
  .addHelpText(
    'after',
    `
Ports and settings come from environment variables (defaults in brackets):
  TEMPORAL_ADDRESS           the dev server listens on its port [127.0.0.1:7233]
  TEMPORAL_UI_PORT           Temporal Web UI [8233]
  TEMPORAL_NAMESPACE         [default]
  API_HOST, API_PORT         HTTP API [127.0.0.1, 8080]
  PROVIDERS_SANDBOX_PORT     providers sandbox, SMS inbox included [7310]
  CORE_BANKING_SANDBOX_PORT  core-banking sandbox [7320]
  PAYMENT_NETWORK_PORT       payment-network simulator [7330]
  PROVIDER_PROFILE           sandbox or tencent-cloud, as --provider-profile [sandbox]
  CODEC_SERVER_PORT          codec server for the Web UI and the CLI [8234]
  APP_TOKENS, OPERATOR_TOKENS, SUPERVISOR_TOKENS, INSTITUTION_TOKENS, ENGINEER_TOKENS  who=token pairs [development tokens]
  ENCRYPTION_MASTER_KEY(_ID), ENCRYPTION_MASTER_KEY_FILE  the master key [generated into <data-dir>/keys]
  TEMPORAL_CLI               a Temporal CLI 1.5.1 binary to use instead of finding/building one
  LOG_LEVEL, XDG_CACHE_HOME (the CLI cache lives under it, default ~/.cache)`,
  );

interface Service {
  name: string;
  exited: Promise<string>;
  onLine(listener: (line: string) => void): void;
  stop(): Promise<void>;
}

const COLORS: Record<string, number> = {
  temporal: 35,
  sandbox: 36,
  worker: 33,
  api: 32,
  codec: 34,
  network: 96,
  start: 1,
};
const say = (name: string, line: string) =>
  process.stdout.write(`${color(COLORS[name] ?? 34, name.padEnd(8))}| ${line}\n`);

function startService(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Service {
  // Own process group, so a terminal Ctrl-C reaches us only and we stop things in order.
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listeners: ((line: string) => void)[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      say(name, readable(line));
      for (const listener of listeners) listener(line);
    });
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (err) => resolve(err.message));
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    exited,
    onLine: (listener) => listeners.push(listener),
    stop: async () => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}

async function untilHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const untilLine = (service: Service, text: string) =>
  new Promise<void>((resolve) => service.onLine((line) => line.includes(text) && resolve()));

/** A title line, then `key  value` rows. */
function box(title: string, rows: [string, string][]): string {
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  const lines = [title, '', ...rows.map(([k, v]) => `${k.padEnd(keyWidth)}  ${v}`)];
  const width = Math.max(...lines.map((l) => l.length));
  const edge = '─'.repeat(width + 2);
  return [`┌${edge}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${edge}┘`]
    .map((l) => color(1, l))
    .join('\n');
}

async function main(): Promise<void> {
  const opts = program.parse().opts<{ dataDir?: string; ui: boolean; providerProfile?: string }>();
  if (opts.dataDir) process.env.DATA_DIR = path.resolve(opts.dataDir);
  // Set for every service started below (the worker reads it); loadConfig refuses an unknown one.
  if (opts.providerProfile) process.env.PROVIDER_PROFILE = opts.providerProfile;
  const config = loadConfig();
  const temporalPort = Number(config.temporal.address.split(':').pop());
  const workerHealth = config.worker.health ?? { host: '127.0.0.1', port: 9101 };
  const services: Service[] = [];
  let devServer: Promise<DevServer> | undefined;
  let stopping = false;
  let temporalReady = false;

  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('start', reason);
    await Promise.all(services.map((s) => s.stop()));
    const server = await devServer?.catch(() => undefined);
    await server?.stop();
    say('start', 'all stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // A second Ctrl-C gives up waiting; the exit handlers SIGKILL whatever is left.
    process.on(signal, () =>
      stopping ? process.exit(130) : void shutdown(0, `${signal}: stopping everything`),
    );
  }
  // Rejects as soon as any service dies on its own, at any point of the run.
  let failed: (reason: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {}); // observed by whichever step is waiting, not before
  const run = (name: string, script: string, args: string[], env: NodeJS.ProcessEnv) => {
    const service = startService(name, script, args, env);
    services.push(service);
    void service.exited.then((how) => stopping || failed(new Error(`${name} exited early (${how})`)));
    return service;
  };
  const step = <T>(what: string, promise: Promise<T>, timeoutMs = READY_TIMEOUT_MS) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return Promise.race([promise, failure, timeout]).finally(() => clearTimeout(timer));
  };

  try {
    await fs.mkdir(config.dataDir, { recursive: true });
    const ports: [number, string, string?][] = [
      [config.sandbox.providersPort, 'providers sandbox'],
      [config.sandbox.coreBankingPort, 'core-banking sandbox'],
      [config.sandbox.paymentNetworkPort, 'payment-network simulator'],
      [config.api.port, 'API', config.api.host],
      [config.codecServer.port, 'codec server', config.codecServer.host],
      [workerHealth.port, "worker's /metrics", workerHealth.host],
    ];
    for (const [port, what, host] of ports) await assertPortFree(port, what, host);

    // Before any service starts: each reads the same master key (generated here on first start).
    const keys = masterKeys(config);
    if (keys.generated) say('start', `generated a development master key: ${keys.source}`);
    const codecUrl = `http://${config.codecServer.host}:${config.codecServer.port}`;

    const cli = await findOrBuildTemporalCli({ log: (line) => say('temporal', line) });
    devServer = startDevServer({
      cli,
      dbFile: path.join(config.dataDir, 'temporal.db'),
      port: temporalPort,
      uiPort: config.temporal.uiPort,
      headless: !opts.ui,
      uiCodecEndpoint: codecUrl,
      namespace: config.temporal.namespace,
      log: (line) => {
        // Its own clients dial the frontend before it listens, and its pollers complain while
        // it stops: expected noise at both ends.
        if (stopping || (!temporalReady && line.includes('msg="network dial error"'))) return;
        say('temporal', line);
      },
    });
    const env = { ...process.env, DATA_DIR: config.dataDir };
    // The sandboxes need no Temporal: start them while the server boots.
    run(
      'sandbox',
      'sandbox/main.ts',
      [
        '--providers-port',
        String(config.sandbox.providersPort),
        '--core-banking-port',
        String(config.sandbox.coreBankingPort),
        '--data-dir',
        config.dataDir,
      ],
      env,
    );
    const server = await step('Temporal', devServer);
    temporalReady = true;
    const appEnv = {
      ...env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
    };
    // The worker's /metrics, /health and /ready (docs/observability.md), the SDK's metrics in them.
    const worker = run('worker', 'worker/main.ts', [], {
      ...appEnv,
      WORKER_HEALTH_PORT: String(workerHealth.port),
      WORKER_SDK_METRICS_ADDRESS: config.worker.sdkMetricsAddress ?? `127.0.0.1:${workerHealth.port + 10}`,
    });
    const workerReady = untilLine(worker, 'worker ready');
    run('api', 'api/main.ts', [], appEnv);
    run('codec', 'encryption/codec-server-main.ts', [], appEnv);
    const apiUrl = `http://${config.api.host}:${config.api.port}`;
    const networkUrl = `http://127.0.0.1:${config.sandbox.paymentNetworkPort}`;
    // It only calls the API when asked to, so it may start before the API is up.
    run(
      'network',
      'sandbox/payment-network/main.ts',
      [
        '--port',
        String(config.sandbox.paymentNetworkPort),
        '--api-url',
        apiUrl,
        '--providers-url',
        config.providersUrl,
      ],
      appEnv,
    );
    const providersLocal = `http://127.0.0.1:${config.sandbox.providersPort}`;
    const coreBankingLocal = `http://127.0.0.1:${config.sandbox.coreBankingPort}`;
    await step(
      'sandbox, worker, API and payment network',
      Promise.all([
        untilHealthy(`${providersLocal}/health`),
        untilHealthy(`${coreBankingLocal}/health`),
        workerReady,
        untilHealthy(`${apiUrl}/health`),
        untilHealthy(`${codecUrl}/health`),
        untilHealthy(`${networkUrl}/health`),
      ]),
    );

    const seconds = (performance.now() / 1000).toFixed(1);
    console.log(
      box(`Account opening is running (ready in ${seconds} s). Ctrl-C stops everything.`, [
        ['Temporal gRPC', server.address],
        [
          'Temporal Web UI',
          server.uiUrl ? `${server.uiUrl}  (payloads encrypted; see Codec server)` : '(off: --no-ui)',
        ],
        ['Codec server', `${codecUrl}  (sign in at ${codecUrl}/login, docs/encryption.md)`],
        ['API', apiUrl],
        ['Worker metrics', `http://${workerHealth.host}:${workerHealth.port}/metrics  (/health, /ready)`],
        ['Review console', `${apiUrl}/console`],
        ["Applicant's page", `${apiUrl}/apply`],
        ['Providers sandbox', providersLocal],
        [
          'Provider profile',
          config.providerProfile.kind === 'sandbox'
            ? 'sandbox (the contract of contracts/providers.ts)'
            : `tencent-cloud at ${config.providerProfile.endpoint}  (docs/vendors.md)`,
        ],
        ['Core-banking sandbox', coreBankingLocal],
        ['Payment network', `${networkUrl}/simulate/agreements, /simulate/debits  (docs/sandbox.md)`],
        ['SMS inbox', `${config.providersUrl}/sandbox/sms?mobile=<mobile>`],
        // Engineers' tokens are among them: the API knows them (to refuse them), the codec server takes them.
        ...config.tokens.map(({ role, id, token }): [string, string] => [
          `${role} token`,
          `${token}  (${id})`,
        ]),
        ['Customer sessions', 'minted by an app: POST /v1/sessions {applicationId} (sdk/README.md)'],
        ['Master key', keys.source],
        ['Data folder', config.dataDir],
      ]),
    );
    await failure;
  } catch (err) {
    await shutdown(1, `failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await main();
