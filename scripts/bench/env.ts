/**
 * What both benchmark commands stand on: a Temporal dev server of their own (or an existing
 * one), the two vendor sandboxes on free ports with their databases in a temp folder, and the
 * project's worker on a task queue of its own, wired as in production (httpPorts, payloads
 * encrypted under per-application data keys with a throwaway master key): in-process, or with
 * `split` the worker and the sandboxes each in a process of its own (processes.ts).
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { DocumentStore } from '../../adapters/documents';
import { httpPorts } from '../../adapters/http';
import { Applications } from '../../api/services/applications';
import { temporalConnectConfig } from '../../config/temporal';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import { defaultPolicy } from '../../domain/policy-defaults';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { Keyring } from '../../encryption/keyring';
import { LocalKms, newMasterKey } from '../../encryption/kms';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { SqliteDataKeyStore } from '../../stores/data-key-store';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { type DevServer, startDevServer } from '../dev-server';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { type SandboxesConfig, startChild, type WorkerConfig } from './processes';
import { note } from './stats';

export interface BenchEnvOptions {
  /** host:port of a running Temporal server; omitted = start a dev server of our own. */
  address?: string;
  namespace: string;
  /**
   * The project's worker and the sandboxes in processes of their own (processes.ts), so that each
   * one's CPU is read apart; node flags for the worker's process (`--cpu-prof`, for example). One
   * project lane then, its payloads encrypted as in production.
   */
  split?: { workerNodeArgs?: string[] };
  /** The in-process worker's workflow cache (WORKER_MAX_CACHED_WORKFLOWS in production); the SDK's default unless given. */
  maxCachedWorkflows?: number;
}

export interface BenchEnv {
  address: string;
  namespace: string;
  /** True when we started the server (fast pragmas, headless, eager activities). */
  ownServer: boolean;
  providersUrl: string;
  coreBankingUrl: string;
  documents: DocumentStore;
  /** The project's client, with the production codec. */
  client: Client;
  /** A client without a codec: the floor's no-op workflows are Temporal alone. */
  plainClient: Client;
  workerConnection: NativeConnection;
  taskQueue: string;
  applications: Applications;
  /** The data keys of the project's lane (a throwaway master key, a temp store). */
  keyring: Keyring;
  /** One more project worker and client on a task queue of their own, with these data converters. */
  addProjectLane(worker: DataConverter, client?: DataConverter): Promise<ProjectLane>;
  /** The dev server's process, when we started it (to read its CPU time). */
  serverPid?: number;
  /** With `split`: the project worker's and the sandboxes' processes. */
  workerPid?: number;
  sandboxesPid?: number;
  stop(): Promise<void>;
}

export interface ProjectLane {
  taskQueue: string;
  client: Client;
  applications: Applications;
}

/** The worker signs webhooks and the sandbox inbox checks them, as in production. */
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';

let runtimeInstalled = false;

/** The SDK logs every worker start and webpack's whole output at INFO: benchmarks want quiet. */
export const quietLogger = new DefaultLogger('WARN');

export function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: quietLogger });
  runtimeInstalled = true;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Starts everything; on failure stops what it started and rethrows. */
export async function startBenchEnv(opts: BenchEnvOptions): Promise<BenchEnv> {
  quietRuntime();
  const started = performance.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'account-opening-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    // Last started, first stopped; keep going when one step fails.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };

  try {
    const sandboxes = async (): Promise<{ providersUrl: string; coreBankingUrl: string; pid?: number }> => {
      if (opts.split) {
        const child = await startChild<{ providersUrl: string; coreBankingUrl: string }>(
          'sandboxes-child.ts',
          {
            dir,
            webhookSecret: WEBHOOK_SECRET,
          } satisfies SandboxesConfig,
        );
        cleanups.push(() => child.stop());
        return { ...child.ready, pid: child.pid };
      }
      const providers = buildProvidersSandbox({
        dbFile: path.join(dir, 'providers.db'),
        logger: false,
        webhookSecret: WEBHOOK_SECRET,
      });
      cleanups.push(() => providers.close());
      const coreBanking = buildCoreBankingSandbox({
        dbFile: path.join(dir, 'core-banking.db'),
        logger: false,
      });
      cleanups.push(() => coreBanking.close());
      const [providersUrl, coreBankingUrl] = await Promise.all([listen(providers), listen(coreBanking)]);
      return { providersUrl, coreBankingUrl };
    };

    let server: DevServer | undefined;
    const startServer = async (): Promise<string> => {
      if (opts.address) return opts.address;
      const cli = await findOrBuildTemporalCli({ log: (line) => note(`[temporal-cli] ${line}`) });
      server = await startDevServer({ cli, fast: true, headless: true, namespace: opts.namespace });
      cleanups.push(() => server!.stop());
      return server.address;
    };
    // The split worker bundles in its own process.
    const starting = [
      startServer(),
      sandboxes(),
      opts.split
        ? Promise.resolve(undefined)
        : bundleWorkflows({ logger: quietLogger, decisionSigningKey: developmentDecisionSigningKey }),
    ] as const;
    // Wait for all before cleaning up on a failure: no server may start after the cleanup ran.
    await Promise.allSettled(starting);
    const [address, { providersUrl, coreBankingUrl, pid: sandboxesPid }, bundle] =
      await Promise.all(starting);

    const documentsDir = path.join(dir, 'documents');
    // A server of your own is reached the Temporal way (config/temporal.ts): TLS, API key and
    // gRPC metadata from temporal.toml or TEMPORAL_*, the address from --address.
    const connect = opts.address
      ? temporalConnectConfig({ ...process.env, TEMPORAL_ADDRESS: address }).connectionOptions
      : { address };
    const workerConnection = await NativeConnection.connect(connect);
    cleanups.push(() => workerConnection.close());
    const connection = await Connection.connect(connect);
    cleanups.push(() => connection.close());
    const plainClient = new Client({ connection, namespace: opts.namespace });
    const dataKeysFile = path.join(dir, 'data-keys.db');
    const store = new SqliteDataKeyStore(dataKeysFile);
    cleanups.push(async () => store.close());
    const masterKey = newMasterKey('bench-throwaway');
    const keyring = new Keyring({ kms: new LocalKms(masterKey), store });
    const documents = new DocumentStore(documentsDir, keyring);

    const webhook = `${providersUrl}/sandbox/app-webhook`;
    // As production wires it: flow v4's linked-applicants store needs both (a throwaway key).
    const stores = { dataDir: dir, counterHmacKey: randomBytes(32).toString('base64') };
    const ports = httpPorts(
      {
        providersUrl,
        coreBankingUrl,
        appWebhookUrl: webhook,
        opsWebhookUrl: webhook,
        webhookSecret: WEBHOOK_SECRET,
        documentsDir,
        ...stores,
      },
      keyring,
    );
    let workerPid: number | undefined;
    const addProjectLane = async (
      dataConverter: DataConverter,
      clientConverter = dataConverter,
    ): Promise<ProjectLane> => {
      const taskQueue = `bench-${randomUUID()}`;
      if (opts.split) {
        if (workerPid) throw new Error('a split bench environment has one project lane');
        const child = await startChild(
          'worker-child.ts',
          {
            address,
            external: opts.address !== undefined,
            namespace: opts.namespace,
            taskQueue,
            providersUrl,
            coreBankingUrl,
            webhookSecret: WEBHOOK_SECRET,
            documentsDir,
            dataKeysFile,
            masterKey: { id: masterKey.id, base64: masterKey.key.toString('base64') },
            ...stores,
          } satisfies WorkerConfig,
          opts.split.workerNodeArgs,
        );
        cleanups.push(() => child.stop());
        workerPid = child.pid;
        const client = new Client({ connection, namespace: opts.namespace, dataConverter: clientConverter });
        return {
          taskQueue,
          client,
          applications: new Applications({ client, taskQueue, policy: defaultPolicy }),
        };
      }
      const worker = await createWorker({
        connection: workerConnection,
        namespace: opts.namespace,
        taskQueue,
        ports,
        dataConverter,
        workflowBundle: bundle!,
        ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
      });
      cleanups.push(runWorker(worker));
      const client = new Client({ connection, namespace: opts.namespace, dataConverter: clientConverter });
      return {
        taskQueue,
        client,
        applications: new Applications({ client, taskQueue, policy: defaultPolicy }),
      };
    };
    const { taskQueue, client, applications } = await addProjectLane(encryptedDataConverter(keyring));

    note(
      `[bench] Temporal ${address}${server ? ' (own dev server)' : ''}, sandboxes ${providersUrl} ` +
        `${coreBankingUrl}, ready in ${Math.round(performance.now() - started)} ms`,
    );
    return {
      address,
      namespace: opts.namespace,
      ownServer: server !== undefined,
      providersUrl,
      coreBankingUrl,
      documents,
      client,
      plainClient,
      workerConnection,
      taskQueue,
      applications,
      keyring,
      addProjectLane,
      serverPid: server?.pid,
      workerPid,
      sandboxesPid,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs a worker in the background; the returned cleanup shuts it down and waits for it. */
export function runWorker(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
}

/**
 * Runs `main` with the environment, always stopping it (dev server included) on the way out,
 * on Ctrl-C too. Exits with 1 when `main` throws or reports failures.
 */
export async function withBenchEnv(
  opts: BenchEnvOptions,
  main: (env: BenchEnv) => Promise<boolean>,
): Promise<void> {
  let env: BenchEnv | undefined;
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    note('[bench] interrupted: stopping the worker, sandboxes and dev server...');
    // Runs still in flight fail once their connection closes; the shutdown must go on.
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    void (env?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  try {
    env = await startBenchEnv(opts);
    ok = await main(env);
  } catch (err) {
    note(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await env?.stop();
  }
  process.exit(ok ? 0 : 1);
}

/** Both benchmarks can run against a server of your own instead of starting one. */
export const addressOption = () =>
  new Option(
    '--address <host:port>',
    'use this running Temporal server instead of starting one (it must have the ' +
      "project's search attributes, as scripts/dev-server.ts registers them, and should\n" +
      'enable eager activity execution like it)',
  ).env('BENCH_TEMPORAL_ADDRESS');

export const namespaceOption = () =>
  new Option('--namespace <name>', 'Temporal namespace').default('default');
