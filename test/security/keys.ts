/**
 * Keys for tests only. The master key is fixed and committed on purpose: the recorded histories
 * in test/histories are encrypted, and CI must decode them to replay them. It protects nothing
 * but synthetic test data; no deployment may ever use it (production keys come from a KMS or
 * ENCRYPTION_MASTER_KEY, docs/encryption.md).
 */
import path from 'node:path';
import { Keyring } from '../../encryption/keyring';
import { LocalKms } from '../../encryption/kms';
import { type DataKeyStore, MemoryDataKeyStore, SqliteDataKeyStore } from '../../stores/data-key-store';

export const TEST_MASTER_KEY = {
  id: 'test-only-master-1',
  key: Buffer.from('xDR05M3M0/WAjgEFuji8SwdUL/OoZnYTD4xeOCAYsHI=', 'base64'),
};

export const testKms = () => new LocalKms(TEST_MASTER_KEY);

/** A keyring over the fixed test master key; its data keys in `dir` (SQLite) or in memory. */
export function testKeyring(store: DataKeyStore | string = new MemoryDataKeyStore()): Keyring {
  return new Keyring({
    kms: testKms(),
    store: typeof store === 'string' ? new SqliteDataKeyStore(path.join(store, 'data-keys.db')) : store,
  });
}
