/**
 * The cluster's Go binaries, pinned, built once per machine with `go install` into the same cache
 * as the Temporal CLI (~/.cache/account-opening/, XDG_CACHE_HOME): Temporal Server 1.29.1 (the
 * server the CLI 1.5.1's dev server embeds) and its SQL tool, and the Web UI server 2.42.1 (the
 * UI the same CLI serves). Like scripts/temporal-cli.ts: progress lines every 10 s, a lock so
 * that two commands never build at once, and an atomic rename, so a binary is whole or absent.
 * TEMPORAL_SERVER, TEMPORAL_SQL_TOOL and TEMPORAL_UI_SERVER name binaries of your own instead.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const SERVER_VERSION = '1.29.1';
export const UI_VERSION = '2.42.1';
const PROGRESS_EVERY_MS = 10_000;
const LOCK_STALE_MS = 120_000;

type Log = (line: string) => void;

interface Build {
  /** The folder under the cache, and what is built into it: file name in the cache -> `go install` output name. */
  folder: string;
  modules: string[];
  outputs: Record<string, string>;
  what: string;
  minutes: string;
}

const SERVER_BUILD: Build = {
  folder: `temporal-server-v${SERVER_VERSION}`,
  modules: [
    `go.temporal.io/server/cmd/server@v${SERVER_VERSION}`,
    `go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`,
  ],
  outputs: { 'temporal-server': 'server', 'temporal-sql-tool': 'sql' },
  what: `Temporal Server ${SERVER_VERSION} and temporal-sql-tool`,
  minutes: 'about 3 minutes once the CLI is built (its modules are shared), 5 on a fresh machine',
};

const UI_BUILD: Build = {
  folder: `temporal-ui-v${UI_VERSION}`,
  modules: [`github.com/temporalio/ui-server/v2/cmd/server@v${UI_VERSION}`],
  outputs: { 'temporal-ui-server': 'server' },
  what: `Temporal Web UI server ${UI_VERSION}`,
  minutes: 'under a minute',
};

export function clusterCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'account-opening');
}

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  /** Undefined when the UI could not be built (the cluster runs without it). */
  ui?: string;
}

export async function findOrBuildClusterBinaries(log: Log): Promise<ClusterBinaries> {
  const env = process.env;
  const named = async (name: string) => {
    const file = env[name];
    if (!file) return undefined;
    if (!(await isExecutable(file)))
      throw new Error(`${name}=${file} is not an executable file. Fix it or unset it.`);
    return path.resolve(file);
  };
  const server = (await named('TEMPORAL_SERVER')) ?? (await ensure(SERVER_BUILD, 'temporal-server', log));
  const sqlTool =
    (await named('TEMPORAL_SQL_TOOL')) ?? (await ensure(SERVER_BUILD, 'temporal-sql-tool', log));
  let ui = await named('TEMPORAL_UI_SERVER');
  if (!ui) {
    try {
      ui = await ensure(UI_BUILD, 'temporal-ui-server', log);
    } catch (err) {
      log(`The Web UI server could not be built; the cluster runs without it: ${(err as Error).message}`);
    }
  }
  return { server, sqlTool, ...(ui && { ui }) };
}

async function ensure(build: Build, file: string, log: Log): Promise<string> {
  const dir = path.join(clusterCacheDir(), build.folder);
  const binary = path.join(dir, file);
  if (await isExecutable(binary)) return binary;
  await fs.mkdir(dir, { recursive: true });
  const lockFile = path.join(dir, 'build.lock');
  const release = await acquireLock(lockFile, binary, build.what, log);
  if (release) {
    try {
      await runBuild(build, dir, lockFile, log);
    } finally {
      release();
    }
  }
  if (!(await isExecutable(binary))) throw new Error(`${binary} is missing after the build`);
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
    if (code === 'ENOENT') return false;
    return code === 'ESRCH';
  }
}

async function runBuild(build: Build, dir: string, lockFile: string, log: Log): Promise<void> {
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('.build-')) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  const tmp = await fs.mkdtemp(path.join(dir, '.build-'));
  const started = Date.now();
  log(`Building ${build.what} with 'go install ${build.modules.join(' ')}' into ${dir}.`);
  log(`This happens once per machine (${build.minutes}); progress follows.`);
  const child = spawn('go', ['install', '-v', ...build.modules], {
    cwd: tmp,
    env: { ...process.env, GOBIN: tmp, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
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
        reject(
          new Error(
            `'go' could not be run (${err.message}): install Go 1.25 or newer, or set TEMPORAL_SERVER, TEMPORAL_SQL_TOOL and TEMPORAL_UI_SERVER`,
          ),
        ),
      );
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`'go install' failed (exit ${code}). Last output:\n${tail.join('\n')}`);
    for (const [name, output] of Object.entries(build.outputs)) {
      const built = path.join(tmp, output);
      if (!existsSync(built)) throw new Error(`'go install' succeeded but ${built} is missing.`);
      // rename() within one folder is atomic: readers see no binary or a whole one.
      await fs.rename(built, path.join(dir, name));
    }
    log(`Built ${build.what} in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    clearInterval(ticker);
    process.off('exit', killOnExit);
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
