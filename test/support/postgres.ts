/**
 * A throwaway PostgreSQL server for a test file: the machine's own binaries (Debian's
 * postgresql-15), a temp folder, a free port on 127.0.0.1, fsync off; stopped and deleted after.
 * `.ci/run` installs the package when it is missing, so in CI (CI=true) missing binaries fail
 * the tests instead of skipping them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  findPostgresBin,
  freePort,
  type PostgresServer,
  startPostgresServer,
} from '../../scripts/cluster/postgres';

export const postgresBin = findPostgresBin();

/** The stores' tests need PostgreSQL 15's binaries: they fail, never skip, without them. */
function requirePostgres(): void {
  if (!postgresBin) {
    throw new Error('no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql (.ci/run does)');
  }
}

export interface TestPostgres extends PostgresServer {
  /** A fresh database on the server, for one test or one store. */
  freshDatabase(): Promise<string>;
}

let counter = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  requirePostgres();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'account-opening-pg-'));
  try {
    const server = await startPostgresServer({ dir, port: await freePort(), throwaway: true });
    return {
      ...server,
      freshDatabase: () => server.createDatabase(`t${process.pid}_${++counter}`),
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
