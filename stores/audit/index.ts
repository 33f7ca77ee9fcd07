/** The audit log (docs/audit.md): the store port, its SQLite adapter, the trail callers use, wiring. */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AuditRecorder } from '../../adapters/ports';
import type { Config } from '../../config';
import { keyringFromConfig } from '../../encryption/from-config';
import { Keyring } from '../../encryption/keyring';
import { LocalKms, newMasterKey } from '../../encryption/kms';
import { MemoryDataKeyStore } from '../data-key-store';
import { Checkpointer, CheckpointWriter } from './checkpoints';
import type { AuditLog } from './log';
import { PostgresAuditLog } from './postgres';
import { type DataKeys, keyringSealer } from './sealer';
import { SqliteAuditLog } from './sqlite';
import { AuditTrail } from './trail';

export { ChainVerifier, entryHash, GENESIS_HASH } from './chain';
export {
  type Checkpoint,
  Checkpointer,
  type CheckpointReading,
  CheckpointWriter,
  checkpointSchema,
  readCheckpoints,
  verifyWithCheckpoints,
} from './checkpoints';
export type {
  AuditLog,
  AuditRecord,
  ChainCheck,
  CheckpointRef,
  StoredAuditEntry,
  VerifyOptions,
} from './log';
export { PostgresAuditLog } from './postgres';
export { type DataKeys, keyringSealer, type Sealer } from './sealer';
export { SqliteAuditLog } from './sqlite';
export { AuditTrail, type AuditTrailOptions, publicEntry } from './trail';

/** The embedded default's file. Not Temporal's: it outlives workflow retention. */
export const auditDbFile = (dataDir: string): string => path.join(dataDir, 'audit.db');

/** A SQLite audit log whose notes are sealed with the keyring's per-application keys. */
export function sqliteAuditTrail(opts: { file: string; hmacKey: string; keyring: DataKeys }): AuditTrail {
  return new AuditTrail({
    log: new SqliteAuditLog(opts.file),
    hmacKey: opts.hmacKey,
    sealer: keyringSealer(opts.keyring),
  });
}

/** The configured store: PostgreSQL with DATABASE_URL (every host shares it), else <DATA_DIR>/audit.db. */
export function auditLogFromConfig(
  config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 'databaseUrl'>>,
): AuditLog {
  return config.databaseUrl
    ? new PostgresAuditLog(config.databaseUrl)
    : new SqliteAuditLog(auditDbFile(config.dataDir));
}

/**
 * As configured: PostgreSQL with DATABASE_URL, else <DATA_DIR>/audit.db; account references keyed
 * with COUNTER_HMAC_KEY, notes
 * sealed with the process's keyring (one key cache, so a shred takes effect at once), or else
 * with a keyring opened from the configuration; signed checkpoints written as `auditCheckpoints`
 * says (loadConfig always sets it; a caller that picks settings without it writes none).
 */
export function auditTrailFromConfig(
  config: Pick<Config, 'dataDir' | 'counterHmacKey'> &
    Partial<Pick<Config, 'encryption' | 'databaseUrl' | 'auditCheckpoints'>>,
  keyring?: DataKeys,
): AuditTrail {
  const keys = keyring ?? (config.encryption && keyringFromConfig({ encryption: config.encryption }));
  if (!keys)
    throw new Error('the audit log needs a keyring to seal notes: pass one, or the encryption settings');
  const checkpoints = config.auditCheckpoints;
  return new AuditTrail({
    log: auditLogFromConfig(config),
    hmacKey: config.counterHmacKey,
    sealer: keyringSealer(keys),
    ...(checkpoints && {
      checkpoints: new Checkpointer({
        writer: new CheckpointWriter(checkpoints.dir, checkpoints.key),
        every: checkpoints.every,
        intervalMs: checkpoints.intervalMs,
      }),
    }),
  });
}

/** In memory, with a keyring of its own: for benchmarks and tests; nothing outlives the process. */
export function memoryAuditTrail(): AuditTrail {
  return sqliteAuditTrail({
    file: ':memory:',
    hmacKey: randomBytes(32).toString('hex'),
    keyring: new Keyring({ kms: new LocalKms(newMasterKey('memory')), store: new MemoryDataKeyStore() }),
  });
}

/**
 * For wiring that has no audit log (a benchmark of onboarding alone): recording fails, and the
 * activity retries until a worker with a log takes it; nothing is ever dropped silently.
 */
export const unconfiguredAudit: AuditRecorder = {
  async record() {
    throw new Error('this worker has no audit log configured (httpPorts needs dataDir and counterHmacKey)');
  },
};
