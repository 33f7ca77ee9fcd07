/**
 * The data keys of the recorded encrypted histories (test/histories/*-encrypted.bin), wrapped by
 * the fixed test master key (test/security/keys.ts) and committed next to them, so that CI can
 * decode and replay those histories. `npm run record-histories` writes the file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Keyring } from '../../encryption/keyring';
import { type DataKeyRecord, isShredded, MemoryDataKeyStore } from '../../stores/data-key-store';
import { TEST_MASTER_KEY, testKeyring } from '../security/keys';
import { historiesDir } from '../support/histories';

export const recordedKeysFile = path.join(historiesDir, 'data-keys.json');

const fileSchema = z.object({
  comment: z.string().optional(),
  masterKeyId: z.string(),
  keys: z.array(
    z.object({ keyId: z.string(), masterKeyId: z.string(), wrapped: z.string(), createdAt: z.string() }),
  ),
});

export async function loadRecordedKeys(): Promise<DataKeyRecord[]> {
  let text: string;
  try {
    text = await readFile(recordedKeysFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return fileSchema
    .parse(JSON.parse(text))
    .keys.map((k) => ({ ...k, wrapped: Buffer.from(k.wrapped, 'base64') }));
}

/** Adds the recorder's live keys to the file (keys recorded earlier stay: their histories do too). */
export async function saveRecordedKeys(records: DataKeyRecord[]): Promise<void> {
  const byId = new Map((await loadRecordedKeys()).map((r) => [r.keyId, r]));
  for (const r of records) if (!isShredded(r)) byId.set(r.keyId, r);
  const keys = [...byId.values()]
    .filter((r) => !isShredded(r))
    .sort((a, b) => a.keyId.localeCompare(b.keyId))
    .map((r) => {
      if (isShredded(r)) throw new Error('unreachable');
      return { ...r, wrapped: Buffer.from(r.wrapped).toString('base64') };
    });
  const body = {
    comment:
      'Data keys of the recorded *-encrypted histories, wrapped by the test-only master key of test/security/keys.ts. Test data only.',
    masterKeyId: TEST_MASTER_KEY.id,
    keys,
  };
  await writeFile(recordedKeysFile, `${JSON.stringify(body, null, 2)}\n`);
}

/** The keyring the replay workers decode recorded histories with. */
export async function recordedKeyring(): Promise<Keyring> {
  return testKeyring(new MemoryDataKeyStore(await loadRecordedKeys()));
}
