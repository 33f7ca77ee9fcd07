/**
 * Finds the pinned Temporal CLI, or builds it once into a cache outside the repository.
 * v1.5.1 is the newest CLI that `go install` accepts (later ones carry a `replace` directive),
 * and it embeds Temporal Server 1.29.1. Runnable: `tsx scripts/temporal-cli.ts` prints the path.
 */
import { execFile, spawn } from 'node:child_process';
import { constants, existsSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI_VERSION = '1.5.1';
// `go install` builds report `0.0.0-DEV (Server 1.29.1, ...)`, releases `1.5.1 (Server 1.29.1, ...)`.
const SERVER_MARKER = 'Server 1.29.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION}`;
const MIN_GO = [1, 25] as const;
const PROGRESS_EVERY_MS = 10_000;
// A live builder touches its lock every few seconds; an untouched lock outlived its builder.
const LOCK_STALE_MS = 120_000;

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);
const run = promisify(execFile);

export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'account-opening', `temporal-v${CLI_VERSION}`);
}

export async function findOrBuildTemporalCli(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? stderrLog;
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file. Fix it or unset it.`);
    }
    return path.resolve(fromEnv);
  }
  const onPath = await findOnPath('temporal');
  if (onPath && (await reportsPinnedVersion(onPath))) return onPath;

  const binary = path.join(temporalCliCacheDir(), 'temporal');
  if (await isExecutable(binary)) return binary;
  await buildWithLock(binary, log);
  return binary;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function reportsPinnedVersion(binary: string): Promise<boolean> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 15_000 });
    return stdout.includes(SERVER_MARKER);
  } catch {
    return false;
  }
}

async function checkGo(): Promise<void> {
  const help = `Install Go ${MIN_GO.join('.')} or newer (https://go.dev/dl/), or set TEMPORAL_CLI to a Temporal CLI ${CLI_VERSION} binary.`;
  let out: string;
  try {
    out = (await run('go', ['version'], { timeout: 30_000 })).stdout;
  } catch {
    throw new Error(
      `The Temporal CLI ${CLI_VERSION} is not installed and 'go' was not found to build it. ${help}`,
    );
  }
  const m = /go(\d+)\.(\d+)/.exec(out);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(
      `Building the Temporal CLI ${CLI_VERSION} needs Go >= ${MIN_GO.join('.')}, found: ${out.trim()}. ${help}`,
    );
  }
}

async function buildWithLock(binary: string, log: Log): Promise<void> {
  await checkGo();
  const dir = path.dirname(binary);
  await fs.mkdir(dir, { recursive: true });
  const lockFile = path.join(dir, 'build.lock');
  const release = await acquireLock(lockFile, binary, log);
  if (!release) return; // another process finished the build while we waited
  try {
    await build(dir, binary, log, lockFile);
  } finally {
    release();
  }
}

/** Returns a release function, or undefined when someone else produced the binary meanwhile. */
async function acquireLock(lockFile: string, binary: string, log: Log): Promise<(() => void) | undefined> {
  let lastNotice = 0;
  const waitStart = Date.now();
  for (;;) {
    if (await isExecutable(binary)) return undefined;
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      // Not released on SIGKILL; the staleness check covers that.
      const releaseSync = () => rmSync(lockFile, { force: true });
      process.once('exit', releaseSync);
      return () => {
        process.off('exit', releaseSync);
        releaseSync();
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await lockIsStale(lockFile)) {
      log(`Removing a stale Temporal CLI build lock (${lockFile}).`);
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
      lastNotice = Date.now();
      const waited = Math.round((Date.now() - waitStart) / 1000);
      log(
        `Another process is building the Temporal CLI ${CLI_VERSION} (lock ${lockFile}); waited ${waited} s...`,
      );
    }
    await sleep(1000);
  }
}

async function lockIsStale(lockFile: string): Promise<boolean> {
  try {
    const [pidText, stat] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
    if (Date.now() - stat.mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - stat.mtimeMs > 5_000;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false; // released between our attempts: just retry
    return code === 'ESRCH';
  }
}

async function build(dir: string, binary: string, log: Log, lockFile: string): Promise<void> {
  // Leftovers of builds that were killed: we hold the lock, so nobody else owns them.
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('.build-')) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  const tmp = await fs.mkdtemp(path.join(dir, '.build-'));
  const started = Date.now();
  log(`Building the Temporal CLI ${CLI_VERSION} with 'go install ${MODULE}' into ${dir}.`);
  log('This happens once per machine and takes about 5 minutes on 2 cores; progress follows.');
  const child = spawn('go', ['install', '-v', MODULE], {
    cwd: tmp,
    env: { ...process.env, GOBIN: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  let packages = 0;
  let downloads = 0;
  let lastLine = '';
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.startsWith('go: downloading')) downloads++;
      else if (!line.startsWith('go:') && !line.includes(' ')) packages++;
      lastLine = line;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    });
  }
  const ticker = setInterval(() => {
    const secs = Math.round((Date.now() - started) / 1000);
    log(`  ...${secs} s: ${downloads} modules downloaded, ${packages} packages built (last: ${lastLine})`);
    fs.utimes(lockFile, new Date(), new Date()).catch(() => {});
  }, PROGRESS_EVERY_MS);

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new Error(`'go install ${MODULE}' failed (exit ${code}). Last output:\n${tail.join('\n')}`);
    }
    const built = path.join(tmp, 'temporal');
    if (!existsSync(built)) throw new Error(`'go install' succeeded but ${built} is missing.`);
    // rename() within one folder is atomic: readers see no binary or a whole one.
    await fs.rename(built, binary);
    log(`Built the Temporal CLI ${CLI_VERSION} in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  } finally {
    clearInterval(ticker);
    process.off('exit', killOnExit);
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Exit through process.exit so the build's exit handlers stop `go` and drop the lock.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  findOrBuildTemporalCli().then(
    (cli) => process.stdout.write(`${cli}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
