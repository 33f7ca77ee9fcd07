/**
 * Finds the pinned Temporal CLI, or builds it once into a cache outside the repository.
 * v1.5.1 is the newest CLI that `go install` accepts (later ones carry a `replace` directive),
 * and it embeds Temporal Server 1.29.1. Runnable: `tsx scripts/temporal-cli.ts` prints the path.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureGoBuild, isExecutable, type Log } from './go-build';

export const CLI_VERSION = '1.5.1';
// `go install` builds report `0.0.0-DEV (Server 1.29.1, ...)`, releases `1.5.1 (Server 1.29.1, ...)`.
const SERVER_MARKER = 'Server 1.29.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION}`;
const MIN_GO = [1, 25] as const;
const GO_HELP = `Install Go ${MIN_GO.join('.')} or newer (https://go.dev/dl/), or set TEMPORAL_CLI to a Temporal CLI ${CLI_VERSION} binary.`;
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

  const dir = temporalCliCacheDir();
  const binary = path.join(dir, 'temporal');
  if (await isExecutable(binary)) return binary;
  await checkGo();
  const build = {
    dir,
    modules: [MODULE],
    outputs: { temporal: 'temporal' },
    what: `the Temporal CLI ${CLI_VERSION}`,
    takes: 'about 5 minutes on 2 cores',
    withoutGo: GO_HELP,
  };
  return ensureGoBuild(build, 'temporal', log);
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
  const help = GO_HELP;
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
