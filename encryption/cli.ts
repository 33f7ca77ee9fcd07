/**
 * Key operations (docs/encryption.md):
 *
 *   npm run shred -- <applicationId>        crypto-shred one application at the end of its retention
 *   npm run keys -- status <applicationId>  whether its data key is live or shredded
 *   npm run keys -- rewrap                  after a master key rotation: re-wrap older data keys
 *
 * Reads the same configuration as the services (DATA_DIR or DATABASE_URL, ENCRYPTION_*, and
 * TEMPORAL_* or a temporal.toml profile).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { httpCoreBanking } from '../adapters/http/core-banking';
import { whyKeep } from '../api/services/shred-guard';
import { loadConfig } from '../config';
import type { TemporalConnectionOptions } from '../config/temporal';
import { defaultRetentionPolicy } from '../domain/retention';
import { auditTrailFromConfig } from '../stores/audit';
import { isShredded } from '../stores/data-key-store';
import { legalHoldStoreFromConfig } from '../stores/legal-holds-postgres';
import { keyringFromConfig } from './from-config';
import { applicationKeyId } from './keyring';
import { shredApplication } from './shred';

// Where they lived before encryption/shred.ts: callers importing them from here keep working.
export { type ShredOptions, StillRunningError, shredApplication } from './shred';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const applicationIdArg = (value: string): string => {
  if (!UUID.test(value)) throw new InvalidArgumentError('an application id is a UUID');
  return value.toLowerCase();
};

async function withClient<T>(
  connect: TemporalConnectionOptions,
  namespace: string,
  fn: (c: Client) => Promise<T>,
) {
  // The Temporal way, as the services connect (config/temporal.ts): TLS and API keys included.
  const connection = await Connection.connect({ ...connect, connectTimeout: 5000 });
  try {
    // No data converter: describe reads statuses only, never a payload.
    return await fn(new Client({ connection, namespace }));
  } finally {
    await connection.close();
  }
}

export function keysProgram(io = { out: (s: string) => process.stdout.write(s) }): Command {
  const config = () => loadConfig();
  const program = new Command('keys').description('Data keys of applications: shred, status, rewrap');
  program
    .command('shred')
    .description(
      'Crypto-shred one application: delete its data key, so its histories, documents and audit entries can no longer be read',
    )
    .argument('<applicationId>', 'the application (UUID)', applicationIdArg)
    .option('--force', 'shred even if its workflows still run (or Temporal cannot be reached)')
    .option('--actor <who>', 'who shreds, for the audit log (default: $USER)')
    .option(
      '--reason <code>',
      'why, for the audit log: RETENTION_EXPIRED or ERASURE_REQUEST',
      'RETENTION_EXPIRED',
    )
    .option('--account <accountNumber>', "the application's account, so the entry lists with the account's")
    .option(
      '--legal-basis <text>',
      'shred data still under retention or a legal hold: the legal basis (with --supervisor)',
    )
    .option('--supervisor <who>', 'the supervisor who states the legal basis')
    .action(
      async (
        applicationId: string,
        flags: {
          force?: boolean;
          actor?: string;
          reason: string;
          account?: string;
          legalBasis?: string;
          supervisor?: string;
        },
      ) => {
        const c = config();
        const keyring = keyringFromConfig(c, { existing: true });
        // Retention and legal holds (docs/retention.md): refused unless a supervisor states why.
        if (!(flags.legalBasis?.trim() && flags.supervisor?.trim())) {
          const holds = legalHoldStoreFromConfig(c);
          try {
            const keep = (client?: Client) =>
              whyKeep({
                applicationId,
                ...(client && { client }),
                coreBanking: httpCoreBanking(c.coreBankingUrl),
                holds,
                policy: defaultRetentionPolicy,
              });
            const why = flags.force
              ? await keep()
              : await withClient(c.temporal.connect.connectionOptions, c.temporal.namespace, keep);
            if (why)
              throw new Error(
                `refused: ${why}. A supervisor may shred it all the same: --legal-basis "<text>" --supervisor <who>`,
              );
          } finally {
            await holds.close();
          }
        }
        const result = flags.force
          ? await shredApplication({ keyring, applicationId, force: true })
          : await withClient(c.temporal.connect.connectionOptions, c.temporal.namespace, (client) =>
              shredApplication({ keyring, applicationId, client }),
            );
        // The shred itself is audited (who, why, which key): the entry outlives what it erased.
        const audit = auditTrailFromConfig(c, keyring);
        try {
          await audit.recordCryptoShred({
            applicationId,
            actor: flags.actor ?? flags.supervisor ?? process.env.USER ?? 'unknown',
            reason: flags.reason,
            keyId: result.keyId,
            ...(flags.account && { accountNumber: flags.account }),
          });
        } finally {
          audit.close();
        }
        io.out(
          result.shredded
            ? `shredded ${result.keyId}: application ${applicationId} can no longer be decrypted. Running ` +
                `processes drop their cached copy within ${c.encryption.keyCache.ttlMs / 1000} s.\n`
            : `${result.keyId} had no live key (never created, or shredded before); a tombstone is recorded.\n`,
        );
      },
    );
  program
    .command('status')
    .description("Whether an application's data key is live or shredded")
    .argument('<applicationId>', 'the application (UUID)', applicationIdArg)
    .action(async (applicationId: string) => {
      const keyring = keyringFromConfig(config(), { existing: true });
      const record = await keyring.record(applicationKeyId(applicationId));
      io.out(
        !record
          ? `${applicationKeyId(applicationId)}: no key (nothing encrypted for it yet)\n`
          : isShredded(record)
            ? `${record.keyId}: shredded at ${record.shreddedAt}\n`
            : `${record.keyId}: live, created ${record.createdAt}, wrapped by master key ${record.masterKeyId}\n`,
      );
    });
  program
    .command('rewrap')
    .description('After adding a new current master key: re-wrap the data keys older master keys wrapped')
    .action(async () => {
      const { rewrapped, current } = await keyringFromConfig(config(), { existing: true }).rewrap();
      io.out(
        `${rewrapped.length} data keys re-wrapped under ${current}; the older master keys can be retired.\n`,
      );
    });
  return program;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (invokedDirectly) {
  try {
    await keysProgram().parseAsync();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
