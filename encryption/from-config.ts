/**
 * The keyring as configured (config/index.ts, docs/encryption.md): the master key from
 * ENCRYPTION_MASTER_KEY or a key file, the wrapped data keys in a SQLite file (or PostgreSQL with
 * DATABASE_URL). With neither key set, a development master key is generated into
 * <DATA_DIR>/keys/ on first start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { type DataKeyStore, SqliteDataKeyStore } from '../stores/data-key-store';
import { PostgresDataKeyStore } from '../stores/data-key-store-postgres';
import { Keyring } from './keyring';
import { LocalKms, type MasterKey, parseKeyList } from './kms';

const keyFileSchema = z.object({
  current: z.string(),
  keys: z.record(z.string(), z.string()),
});

export interface MasterKeySource {
  kms: LocalKms;
  /** Where the current key came from, for the run command's summary (never the key). */
  source: string;
  generated: boolean;
}

/** `generate: false` (the key commands) never makes a key: a wrong DATA_DIR must not look like an empty store. */
export function masterKeys(
  config: Pick<Config, 'encryption'>,
  opts: { generate?: boolean } = {},
): MasterKeySource {
  const e = config.encryption;
  const retired = parseKeyList(e.retiredMasterKeys);
  if (e.masterKey) {
    const current = { id: e.masterKey.id, key: Buffer.from(e.masterKey.base64, 'base64') };
    return { kms: new LocalKms(current, retired), source: 'ENCRYPTION_MASTER_KEY', generated: false };
  }
  let generated = false;
  if (e.generateMasterKeyFile && opts.generate !== false) generated = generateKeyFileOnce(e.masterKeyFile);
  let text: string;
  try {
    text = readFileSync(e.masterKeyFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the master key file ${e.masterKeyFile}: ${(err as Error).message}`);
  }
  const file = keyFileSchema.parse(JSON.parse(text));
  const all: MasterKey[] = Object.entries(file.keys).map(([id, b64]) => ({
    id,
    key: Buffer.from(b64, 'base64'),
  }));
  const current = all.find((k) => k.id === file.current);
  if (!current) throw new Error(`${e.masterKeyFile}: "current" names no key of "keys"`);
  const others = [...all.filter((k) => k !== current), ...retired];
  return { kms: new LocalKms(current, others), source: e.masterKeyFile, generated };
}

/** True when this call wrote the file; a concurrent first start of another process just reads it. */
function generateKeyFileOnce(file: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const id = `dev-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const body = {
    comment:
      'Development master key, generated on first start. Anyone with this file and the data folder can read ' +
      'every payload: use ENCRYPTION_MASTER_KEY or a KMS elsewhere. Deleting it makes all data unreadable.',
    current: id,
    keys: { [id]: randomBytes(32).toString('base64') },
  };
  // Written aside, then linked into place: a process starting at the same time never reads half a file.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${JSON.stringify(body, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(aside, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(aside, { force: true });
  }
}

export function keyringFromConfig(
  config: Pick<Config, 'encryption'>,
  opts: { existing?: boolean } = {},
): Keyring {
  const url = config.encryption.dataKeysUrl;
  if (opts.existing && !url && !existsSync(config.encryption.dataKeysDb)) {
    throw new Error(
      `no data-key store at ${config.encryption.dataKeysDb} (is DATA_DIR or ENCRYPTION_DATA_KEYS_DB right?)`,
    );
  }
  const { kms } = masterKeys(config, { generate: !opts.existing });
  return new Keyring({
    kms,
    store: dataKeyStoreFromConfig(config),
    cache: config.encryption.keyCache,
  });
}

/** PostgreSQL when DATABASE_URL is set (several hosts), else the SQLite file (one machine). */
export function dataKeyStoreFromConfig(config: Pick<Config, 'encryption'>): DataKeyStore {
  const url = config.encryption.dataKeysUrl;
  return url ? new PostgresDataKeyStore(url) : new SqliteDataKeyStore(config.encryption.dataKeysDb);
}
