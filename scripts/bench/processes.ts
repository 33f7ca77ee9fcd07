/**
 * The project's worker, the floor's worker and the sandboxes as processes of their own (`--split`,
 * flow.ts), as they run in production: each one's CPU can then be read apart from the client's,
 * and the sandboxes no longer take the worker's event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { note } from './stats';

const TSX = import.meta.resolve('tsx');
const STOP_GRACE_MS = 20_000;

export interface SandboxesConfig {
  dir: string;
  webhookSecret: string;
}

export interface WorkerConfig {
  address: string;
  /** True for a server of the caller's own: connect the Temporal way (config/temporal.ts). */
  external: boolean;
  namespace: string;
  taskQueue: string;
  providersUrl: string;
  coreBankingUrl: string;
  webhookSecret: string;
  documentsDir: string;
  dataKeysFile: string;
  masterKey: { id: string; base64: string };
  /** Where flow v4's linked-applicants store (and the audit trail) live, and the key of their HMACs. */
  dataDir: string;
  counterHmacKey: string;
}

/** The floor's worker: its no-op workflows on a task queue of its own. */
export type FloorWorkerConfig = Pick<WorkerConfig, 'address' | 'external' | 'namespace' | 'taskQueue'>;

export interface BenchChild<T> {
  pid: number;
  /** What the child printed once ready. */
  ready: T;
  stop(): Promise<void>;
}

/** The config travels in the environment; the child prints one JSON line once it serves. */
export const childConfig = <T>(): T => JSON.parse(process.env.BENCH_CHILD_CONFIG ?? '{}') as T;
export const childReady = (info: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ ready: true, ...info })}\n`);
};

export async function startChild<T>(
  script: 'sandboxes-child.ts' | 'worker-child.ts' | 'floor-worker-child.ts',
  config: unknown,
  nodeArgs: string[] = [],
): Promise<BenchChild<T>> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', TSX, file], {
    env: { ...process.env, BENCH_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready":true')) resolve(JSON.parse(line) as T);
      else note(`[${script}] ${line}`);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${script} exited (${code ?? signal}) before ready`)),
    );
    child.once('error', reject);
  });
  return { pid: child.pid!, ready, stop: () => stopChild(child, exited) };
}

/** SIGINT, as an operator's Ctrl-C: a worker drains and a profiled one writes its profile. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** user + system CPU of a process in ms, from /proc (Linux); undefined elsewhere. */
export async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

export const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
