/**
 * The cluster's Go binaries, pinned, built once per machine with `go install` into the same cache
 * as the Temporal CLI (~/.cache/account-opening/, XDG_CACHE_HOME): Temporal Server 1.29.1 (the
 * server the CLI 1.5.1's dev server embeds) and its SQL tool, and the Web UI server 2.42.1 (the
 * UI the same CLI serves). Like scripts/temporal-cli.ts: progress lines every 10 s, a lock so
 * that two commands never build at once, and an atomic rename, so a binary is whole or absent.
 * TEMPORAL_SERVER, TEMPORAL_SQL_TOOL and TEMPORAL_UI_SERVER name binaries of your own instead.
 */
import os from 'node:os';
import path from 'node:path';
import { ensureGoBuild, type GoBuild, isExecutable, type Log } from '../go-build';

export const SERVER_VERSION = '1.29.1';
export const UI_VERSION = '2.42.1';
const WITHOUT_GO =
  'install Go 1.25 or newer, or set TEMPORAL_SERVER, TEMPORAL_SQL_TOOL and TEMPORAL_UI_SERVER';

/** A build whose folder is under the cache (`dir` is filled in when the cache is known). */
type Build = Omit<GoBuild, 'dir' | 'withoutGo'> & { folder: string };

const SERVER_BUILD: Build = {
  folder: `temporal-server-v${SERVER_VERSION}`,
  modules: [
    `go.temporal.io/server/cmd/server@v${SERVER_VERSION}`,
    `go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`,
  ],
  outputs: { 'temporal-server': 'server', 'temporal-sql-tool': 'sql' },
  what: `Temporal Server ${SERVER_VERSION} and temporal-sql-tool`,
  takes: 'about 3 minutes once the CLI is built (its modules are shared), 5 on a fresh machine',
  goflags: '-mod=mod',
};

const UI_BUILD: Build = {
  folder: `temporal-ui-v${UI_VERSION}`,
  modules: [`github.com/temporalio/ui-server/v2/cmd/server@v${UI_VERSION}`],
  outputs: { 'temporal-ui-server': 'server' },
  what: `Temporal Web UI server ${UI_VERSION}`,
  takes: 'under a minute',
  goflags: '-mod=mod',
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

function ensure({ folder, ...build }: Build, file: string, log: Log): Promise<string> {
  return ensureGoBuild(
    { ...build, dir: path.join(clusterCacheDir(), folder), withoutGo: WITHOUT_GO },
    file,
    log,
  );
}
