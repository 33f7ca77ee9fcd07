/**
 * `npm run audit:verify`: recomputes the audit log's hash chain from its first entry
 * (docs/audit.md). Prints `ok` with the count and the head hash (worth writing down elsewhere:
 * it pins the log as it is now), or names the first broken entry and exits 1.
 */
import { Command } from 'commander';
import {
  type AuditLog,
  auditDbFile,
  type ChainCheck,
  PostgresAuditLog,
  SqliteAuditLog,
} from '../adapters/audit';
import { loadConfig } from '../config';

const program = new Command('npm run audit:verify')
  .description(
    'Verifies the audit log: every entry hashes to its stored hash and chains onto the one before.\n' +
      'Exit status: 0 the chain verifies, 1 an entry is broken (named), 2 the log cannot be read.',
  )
  .option(
    '--db <file>',
    'the SQLite audit log (default: PostgreSQL at DATABASE_URL when set, else <DATA_DIR>/audit.db)',
  )
  .option('--json', 'print the result as one JSON object')
  .parse();

const opts = program.opts<{ db?: string; json?: boolean }>();

function describe(file: string, check: ChainCheck): string {
  if (check.ok) {
    return check.head
      ? `ok: ${check.count} ${check.count === 1 ? 'entry' : 'entries'} in ${file}, head seq ${check.head.seq} hash ${check.head.hash}`
      : `ok: ${file} holds no entries`;
  }
  const { seq, id, problem } = check.broken;
  return `BROKEN at seq ${seq} (id ${id}): ${problem}; the ${check.count} entries before it verify`;
}

let file = opts.db;
try {
  const config = opts.db ? undefined : loadConfig();
  let log: AuditLog;
  if (config?.databaseUrl) {
    // Named without its password.
    const url = new URL(config.databaseUrl);
    url.password = '';
    file = url.toString();
    log = new PostgresAuditLog(config.databaseUrl);
  } else {
    file ??= auditDbFile(config!.dataDir);
    log = new SqliteAuditLog(file, { readonly: true });
  }
  const check = await log.verify();
  log.close();
  console.log(opts.json ? JSON.stringify({ file, ...check }) : describe(file, check));
  process.exitCode = check.ok ? 0 : 1;
} catch (err) {
  console.error(`cannot read the audit log ${file ?? ''}: ${(err as Error).message}`);
  process.exitCode = 2;
}
