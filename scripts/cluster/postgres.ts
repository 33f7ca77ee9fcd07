/**
 * A PostgreSQL server of the machine's own packages (Debian's postgresql-15: initdb, pg_ctl,
 * postgres), in a folder of ours on a port of ours: the cluster command's database
 * (<DATA_DIR>/cluster/pg) and the tests' throwaway ones (test/support/postgres.ts). PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user (runuser), which must own
 * the folder; as anyone else it runs as that user. Trust authentication, on 127.0.0.1 only.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The folder holding initdb, pg_ctl and postgres: PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const has = (dir: string) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'));
  if (env.PG_BIN) return has(env.PG_BIN) ? env.PG_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  return undefined;
}

const asRoot = () => process.getuid?.() === 0;

/** The uid and gid PostgreSQL runs as: `postgres` when we are root, else ourselves. */
function runAs(): { uid: number; gid: number } | undefined {
  if (!asRoot()) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no `postgres` user: install the postgresql package (apt-get install postgresql) or run as another user',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function pg(bin: string, tool: string, args: string[], opts: { timeout?: number } = {}) {
  const file = path.join(bin, tool);
  const [cmd, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return run(cmd, argv, { timeout: opts.timeout ?? 120_000, cwd: '/' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresServerOptions {
  /** The cluster's folder (created; initialised on first start). */
  dir: string;
  port: number;
  bin?: string;
  /** fsync off and no synchronous commit: for throwaway test databases only. */
  throwaway?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  /** A URL for database `name` on this server. */
  urlFor(name: string): string;
  /** Creates database `name` unless it exists; answers its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Initialises the folder when it is new, then starts the server and waits until it accepts connections. */
export async function startPostgresServer(opts: PostgresServerOptions): Promise<PostgresServer> {
  const bin = opts.bin ?? findPostgresBin();
  if (!bin) {
    throw new Error(
      'PostgreSQL binaries not found (initdb, pg_ctl): apt-get install postgresql, or set PG_BIN to their folder',
    );
  }
  const owner = runAs();
  const dataDir = path.join(opts.dir, 'data');
  mkdirSync(opts.dir, { recursive: true });
  if (owner) {
    chownSync(opts.dir, owner.uid, owner.gid);
    if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', opts.dir]).status !== 0) {
      throw new Error(
        `the postgres user cannot reach ${opts.dir}: give its parent folders o+x (chmod o+x), or use another --data-dir`,
      );
    }
  }
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    await pg(bin, 'initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      ...(opts.throwaway ? ['--no-sync'] : []),
    ]);
  } else if (owner && statSync(dataDir).uid !== owner.uid) {
    throw new Error(`${dataDir} is not owned by the postgres user`);
  }
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port: opts.port,
    unix_socket_directories: opts.dir,
    max_connections: 200,
    ...(opts.throwaway && { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...opts.settings,
  };
  const o = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  // Left running by an earlier run that was killed: use it as it is.
  const running =
    existsSync(path.join(dataDir, 'postmaster.pid')) &&
    (await pg(bin, 'pg_ctl', ['-D', dataDir, 'status']).then(
      () => true,
      () => false,
    ));
  if (!running) {
    const log = path.join(opts.dir, 'postgres.log');
    await pg(bin, 'pg_ctl', ['-D', dataDir, '-l', log, '-o', o, '-w', '-t', '60', 'start']);
  }
  const base = `postgres://postgres@127.0.0.1:${opts.port}`;
  const server: PostgresServer = {
    url: `${base}/postgres`,
    port: opts.port,
    dir: opts.dir,
    urlFor: (name) => `${base}/${name}`,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const { default: pgClient } = await import('pg');
      const client = new pgClient.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return server.urlFor(name);
    },
    async stop() {
      await pg(bin, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
    },
  };
  return server;
}
