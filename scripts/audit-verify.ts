/**
 * `npm run audit:verify`: recomputes the audit log's hash chain from its first entry and checks
 * it against the signed checkpoints kept outside the log (docs/audit.md): fewer entries than the
 * latest counted is a truncation, another hash at its count a rewrite, a checkpoint whose
 * signature does not verify is named. Prints `ok` with the count and the head hash, or names
 * what is wrong.
 */
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { auditCheckpointSettings } from '../config/audit-checkpoints';
import {
  type AuditLog,
  auditDbFile,
  type ChainCheck,
  type CheckpointReading,
  PostgresAuditLog,
  SqliteAuditLog,
  verifyWithCheckpoints,
} from '../stores/audit';

const program = new Command('npm run audit:verify')
  .description(
    'Verifies the audit log: every entry hashes to its stored hash and chains onto the one before,\n' +
      'and the log agrees with the signed checkpoints written outside it: it still holds as many\n' +
      'entries as the latest counted (else it was truncated), with the same hash at each\n' +
      "checkpoint's count (else it was rewritten). Checkpoints are checked with AUDIT_CHECKPOINT_KEY\n" +
      '(and AUDIT_CHECKPOINT_RETIRED_KEYS); one that does not verify is named and not relied on.\n\n' +
      'Exit status:\n' +
      '  0  the chain verifies and agrees with the latest checkpoint (or there is none yet: said on stderr)\n' +
      '  1  an entry is broken, or the log was truncated or rewritten (named)\n' +
      '  2  the log or the checkpoint folder cannot be read\n' +
      '  3  the log verifies, but a checkpoint file is forged, changed or signed with an unknown key',
  )
  .option(
    '--db <file>',
    'the SQLite audit log (default: PostgreSQL at DATABASE_URL when set, else <DATA_DIR>/audit.db)',
  )
  .option(
    '--checkpoints <dir>',
    'the checkpoint folder (default: AUDIT_CHECKPOINT_DIR, else audit-checkpoints/ beside the SQLite log, or <DATA_DIR>/audit-checkpoints/<database> for PostgreSQL)',
  )
  .option('--json', 'print the result as one JSON object')
  .parse();

const opts = program.opts<{ db?: string; checkpoints?: string; json?: boolean }>();

function describe(file: string, check: ChainCheck): string {
  if (check.ok) {
    return check.head
      ? `ok: ${check.count} ${check.count === 1 ? 'entry' : 'entries'} in ${file}, head seq ${check.head.seq} hash ${check.head.hash}`
      : `ok: ${file} holds no entries`;
  }
  const { seq, id, problem, finding } = check.broken;
  if (finding === 'truncated') return `TRUNCATED: ${problem}`;
  const where = `at seq ${seq}${id === undefined ? '' : ` (id ${id})`}`;
  if (finding === 'rewritten') return `REWRITTEN ${where}: ${problem}`;
  return `BROKEN ${where}: ${problem}; the ${check.count} entries before it verify`;
}

function describeCheckpoints(check: ChainCheck, reading: CheckpointReading): string[] {
  const lines = reading.invalid.map(
    ({ file, problem }) => `BAD CHECKPOINT ${path.join(reading.dir, file)}: ${problem}`,
  );
  if (check.ok && check.checkpoint) {
    const c = check.checkpoint;
    lines.unshift(
      `agrees with the latest of ${reading.valid.length} checkpoint${reading.valid.length === 1 ? '' : 's'} in ${reading.dir}: ${c.count} entries at ${c.at} (key ${c.keyId})`,
    );
  }
  return lines;
}

let file = opts.db;
try {
  const config = opts.db ? undefined : loadConfig();
  let log: AuditLog;
  // Where the services write checkpoints by default: beside the SQLite file, or per database.
  let store: { dataDir: string; databaseUrl?: string };
  if (config?.databaseUrl) {
    // Named without its password.
    const url = new URL(config.databaseUrl);
    url.password = '';
    file = url.toString();
    log = new PostgresAuditLog(config.databaseUrl);
    store = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  } else {
    file ??= auditDbFile(config!.dataDir);
    log = new SqliteAuditLog(file, { readonly: true });
    store = { dataDir: path.dirname(path.resolve(file)) };
  }
  const settings = auditCheckpointSettings(process.env, store);
  let result: Awaited<ReturnType<typeof verifyWithCheckpoints>>;
  try {
    result = await verifyWithCheckpoints(log, {
      dir: opts.checkpoints ? path.resolve(opts.checkpoints) : settings.dir,
      keys: [settings.key, ...settings.retiredKeys],
    });
  } finally {
    log.close();
  }
  const { check, checkpoints } = result;
  if (opts.json) {
    const { dir, found, valid, invalid } = checkpoints;
    console.log(
      JSON.stringify({ file, ...check, checkpoints: { dir, found, valid: valid.length, invalid } }),
    );
  } else {
    console.log([describe(file, check), ...describeCheckpoints(check, checkpoints)].join('\n'));
  }
  if (checkpoints.valid.length === 0) {
    // On stderr: stdout stays the verdict, which scripts compare.
    console.error(
      `warning: no valid checkpoint in ${checkpoints.dir}${checkpoints.found ? '' : ' (no such folder)'}: a truncated or wholly rewritten log would not show`,
    );
  }
  process.exitCode = !check.ok ? 1 : checkpoints.invalid.length > 0 ? 3 : 0;
} catch (err) {
  console.error(`cannot read the audit log ${file ?? ''}: ${(err as Error).message}`);
  process.exitCode = 2;
}
