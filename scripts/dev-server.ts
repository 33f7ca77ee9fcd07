/**
 * Starts `temporal server start-dev` with the project's settings and waits until it serves:
 * frontend answering and the project's search attributes registered on the namespace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, searchAttributeFlags } from '../domain/search-attributes';

export interface DevServerOptions {
  cli: string;
  /** SQLite file that keeps workflows across restarts; omitted = in memory. */
  dbFile?: string;
  /** gRPC port; 0 or undefined picks a free one. */
  port?: number;
  /** Web UI port; undefined picks a free one. Ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** synchronous=OFF: fast, but a power cut can lose the last writes. For tests. */
  fast?: boolean;
  /**
   * Task-queue fairness between keys (on unless false): applications carry their partner as the
   * key (domain/fairness.ts). Off only for a benchmark's contrast.
   */
  fairness?: boolean;
  /** Receives the server's own output lines. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  // A picked port can be taken before the server binds it; picking again is the cure.
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= attempts || !(err instanceof EarlyExitError)) throw err;
    }
  }
}

class EarlyExitError extends Error {}

async function startOnce(opts: DevServerOptions): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  // A server already on a given port would answer our readiness check in our place.
  if (opts.port) await assertPortFree(opts.port, 'Temporal gRPC');
  if (opts.uiPort && !opts.headless) await assertPortFree(opts.uiPort, 'Temporal Web UI');
  const port = opts.port || (await freePort());
  const uiPort = opts.headless ? undefined : opts.uiPort || (await freePort());
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...(uiPort !== undefined && opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(namespace === 'default' ? [] : ['--namespace', namespace]),
    ...searchAttributeFlags(),
    // The server hands an activity back with the workflow task's answer: half the round trips.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // One partner's burst must not starve another's applicants (domain/fairness.ts); implies
    // matching.useNewMatcher.
    '--dynamic-config-value',
    `matching.enableFairness=${opts.fairness !== false}`,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    `synchronous=${opts.fast ? 'OFF' : 'NORMAL'}`,
    '--log-level',
    'warn',
  ];
  // Own process group: a terminal Ctrl-C must not kill the server before the workers using it.
  const child = spawn(opts.cli, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 50) output.shift();
      opts.log?.(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', () => resolve(-1));
  });
  // Last resort when the parent exits without calling stop(); SIGKILL of the parent escapes it.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    })();
    return stopping;
  };

  try {
    await waitUntilServing(address, namespace, exited, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    const message = `Temporal dev server (${opts.cli} ${args.join(' ')}) did not start: ${why}\n--- server output ---\n${output.join('\n')}`;
    throw err instanceof EarlyExitError ? new EarlyExitError(message) : new Error(message);
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    pid: child.pid ?? -1,
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilServing(
  address: string,
  namespace: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new EarlyExitError(`the server exited (code ${exitCode})`);
    const missing = await missingSearchAttributes(address, namespace).catch((err: unknown) => {
      lastError = err instanceof Error ? err.message : String(err);
      return undefined;
    });
    if (missing?.length === 0) return;
    if (missing) lastError = `search attributes not registered yet: ${missing.join(', ')}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer on ${address} within ${timeoutMs} ms (last: ${lastError})`);
}

async function missingSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.keys(SEARCH_ATTRIBUTES).filter((name) => !customAttributes?.[name]);
  } finally {
    await connection.close();
  }
}

/** Fails clearly when `port` on 127.0.0.1 is taken, e.g. by a previous run still alive. */
export async function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  try {
    await listenAndClose(port, host);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'is in use' : 'cannot be bound';
    throw new Error(`The ${what} port ${host}:${port} ${reason}; is an earlier run still going?`);
  }
}

const freePort = () => listenAndClose(0);

function listenAndClose(port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
