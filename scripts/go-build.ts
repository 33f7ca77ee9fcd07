/**
 * Builds pinned Go binaries once per machine with `go install`, into a cache folder outside the
 * repository (the Temporal CLI: scripts/temporal-cli.ts; the cluster's server, SQL tool and Web
 * UI: scripts/cluster/binaries.ts). Progress lines every 10 s, a lock so that two commands never
 * build at once (a stale one is taken over), and an atomic rename, so a binary is whole or absent.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

const PROGRESS_EVERY_MS = 10_000;
// A live builder touches its lock every few seconds; an untouched lock outlived its builder.
const LOCK_STALE_MS = 120_000;

export type Log = (line: string) => void;

export interface GoBuild {
  /** The cache folder the binaries go to. */
  dir: string;
  modules: string[];
  /** File name in the cache -> `go install` output name. */
  outputs: Record<string, string>;
  /** What is built, for the log lines ("Temporal Server 1.29.1 and temporal-sql-tool"). */
  what: string;
  /** How long it takes, for the log ("about 5 minutes on 2 cores"). */
  takes: string;
  /** What to say when `go` cannot be run at all. */
  withoutGo: string;
  /** `GOFLAGS` for the build when the caller's environment sets none. */
  goflags?: string;
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The cached `file` of the build, built first (under the lock) when it is not there yet. */
export async function ensureGoBuild(build: GoBuild, file: string, log: Log): Promise<string> {
  const binary = path.join(build.dir, file);
  if (await isExecutable(binary)) return binary;
  await fs.mkdir(build.dir, { recursive: true });
  const lockFile = path.join(build.dir, 'build.lock');
  const release = await acquireLock(lockFile, binary, build.what, log);
  if (release) {
    try {
      await runBuild(build, lockFile, log);
    } finally {
      release();
    }
  }
  if (!(await isExecutable(binary))) throw new Error(`${binary} is missing after the build`);
  return binary;
}

/** Returns a release function, or undefined when someone else produced the binary meanwhile. */
async function acquireLock(
  lockFile: string,
  binary: string,
  what: string,
  log: Log,
): Promise<(() => void) | undefined> {
  const waitStart = Date.now();
  let lastNotice = 0;
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
      log(`Removing a stale build lock (${lockFile}).`);
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
      lastNotice = Date.now();
      log(
        `Another process is building ${what} (lock ${lockFile}); waited ${Math.round((Date.now() - waitStart) / 1000)} s...`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
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

async function runBuild(build: GoBuild, lockFile: string, log: Log): Promise<void> {
  const { dir } = build;
  // Leftovers of builds that were killed: we hold the lock, so nobody else owns them.
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('.build-')) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  const tmp = await fs.mkdtemp(path.join(dir, '.build-'));
  const started = Date.now();
  log(`Building ${build.what} with 'go install ${build.modules.join(' ')}' into ${dir}.`);
  log(`This happens once per machine and takes ${build.takes}; progress follows.`);
  const goflags = process.env.GOFLAGS ?? build.goflags;
  const child = spawn('go', ['install', '-v', ...build.modules], {
    cwd: tmp,
    env: { ...process.env, GOBIN: tmp, ...(goflags !== undefined && { GOFLAGS: goflags }) },
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
      child.once('error', (err) =>
        reject(new Error(`'go' could not be run (${err.message}): ${build.withoutGo}`)),
      );
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new Error(
        `'go install ${build.modules.join(' ')}' failed (exit ${code}). Last output:\n${tail.join('\n')}`,
      );
    }
    for (const [name, output] of Object.entries(build.outputs)) {
      const built = path.join(tmp, output);
      if (!existsSync(built)) throw new Error(`'go install' succeeded but ${built} is missing.`);
      // rename() within one folder is atomic: readers see no binary or a whole one.
      await fs.rename(built, path.join(dir, name));
    }
    log(`Built ${build.what} in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
  } finally {
    clearInterval(ticker);
    process.off('exit', killOnExit);
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
