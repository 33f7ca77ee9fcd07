/** The codec and keyring on their own: formats, key choice, rotation, races, configuration. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  ApplicationFailure,
  defaultPayloadConverter,
  type FailureConverter,
  type Payload,
} from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { EncryptionCodec, isEncrypted, keyIdFor, keyIdOf, PayloadDecodeError } from '../../encryption/codec';
import { failureConverterPath } from '../../encryption/data-converter';
import { keyringFromConfig, masterKeys } from '../../encryption/from-config';
import { applicationKeyId, DataKeyShreddedError, DEPLOYMENT_KEY_ID, Keyring } from '../../encryption/keyring';
import { LocalKms, newMasterKey } from '../../encryption/kms';
import { MemoryDataKeyStore, SqliteDataKeyStore } from '../../stores/data-key-store';
import { testKeyring } from './keys';

const json = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});
const text = (p: Payload | undefined) => Buffer.from(p?.data ?? []).toString();
const wf = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'keyring-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the payload codec', () => {
  it('encrypts each payload, names its data key, and decodes it back', async () => {
    const codec = new EncryptionCodec(testKeyring());
    const id = randomUUID();
    const [encoded] = await codec.encode([json({ name: '张伟' })], wf(`application-${id}`));
    expect(isEncrypted(encoded!)).toBe(true);
    expect(keyIdOf(encoded!)).toBe(`app-${id}`);
    expect(Object.keys(encoded!.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    expect(Buffer.from(encoded!.data!).includes(Buffer.from('张伟'))).toBe(false);
    // The inner encoding is encrypted too: nothing says it was JSON.
    expect(Buffer.from(encoded!.data!).includes(Buffer.from('json/plain'))).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(text(decoded)).toBe('{"name":"张伟"}');
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it("uses the application's key for both its workflows and their activities, else the deployment key", () => {
    const id = randomUUID();
    expect(keyIdFor(wf(`application-${id}`))).toBe(`app-${id}`);
    expect(keyIdFor(wf(`review-${id}`))).toBe(`app-${id}`);
    expect(
      keyIdFor({ type: 'activity', namespace: 'default', workflowId: `review-${id}`, isLocal: true }),
    ).toBe(`app-${id}`);
    expect(keyIdFor({ type: 'activity', namespace: 'default', isLocal: false })).toBe(DEPLOYMENT_KEY_ID);
    expect(keyIdFor(undefined)).toBe(DEPLOYMENT_KEY_ID);
    expect(keyIdFor(wf('floor-123'))).toBe(DEPLOYMENT_KEY_ID);
    expect(keyIdFor(wf(`application-${id}-x`))).toBe(DEPLOYMENT_KEY_ID);
  });

  it('passes plaintext payloads through (histories recorded before encryption) and never encrypts twice', async () => {
    const codec = new EncryptionCodec(testKeyring());
    const plain = json({ status: 'OPENED' });
    expect(await codec.decode([plain])).toEqual([plain]);
    const once = await codec.encode([plain], wf(`application-${randomUUID()}`));
    expect(await codec.encode(once, wf(`application-${randomUUID()}`))).toEqual(once);
    expect(await codec.encode([])).toEqual([]);
  });

  it('refuses a payload changed in storage, or under another key id', async () => {
    const codec = new EncryptionCodec(testKeyring());
    const [p] = await codec.encode([json(1)], wf(`application-${randomUUID()}`));
    const flipped = Buffer.from(p!.data!);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    const keyId = Buffer.from(p!.metadata!['encryption-key-id']!).toString();
    await expect(codec.decode([{ ...p, data: flipped }])).rejects.toThrow(
      new PayloadDecodeError(keyId, 'NOT_AUTHENTIC'),
    );
    // Relabelled to another application's key: unknown there, and the key id is authenticated anyway.
    const other = `app-${randomUUID()}`;
    const relabelled = { ...p, metadata: { ...p!.metadata, 'encryption-key-id': Buffer.from(other) } };
    await expect(codec.decode([relabelled])).rejects.toMatchObject({
      name: 'PayloadDecodeError',
      keyId: other,
      reason: 'UNKNOWN_DATA_KEY',
    });
  });

  it('names neither the data nor an unrecognized key id when it cannot decrypt, and tells its listener', async () => {
    const heard: unknown[] = [];
    const codec = new EncryptionCodec(testKeyring(), { onDecodeError: (e) => heard.push(e) });
    const [p] = await codec.encode([json({ name: '张伟' })], wf(`application-${randomUUID()}`));
    const forged = {
      ...p,
      metadata: { ...p!.metadata, 'encryption-key-id': Buffer.from('张伟 13800138000') },
    };
    const error = await codec.decode([forged]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadDecodeError);
    expect((error as Error).message).toBe(
      'cannot decrypt payload (key unrecognized): data key not in this key store',
    );
    expect(heard).toEqual([{ keyId: 'unrecognized', reason: 'UNKNOWN_DATA_KEY' }]);
  });
});

describe('the failure converter', () => {
  const { failureConverter } = createRequire(import.meta.url)(failureConverterPath) as {
    failureConverter: FailureConverter;
  };
  const keyId = `app-${randomUUID()}`;

  it('writes a decode failure as it is, in the workflow task’s form and the activity’s', () => {
    const error = new PayloadDecodeError(keyId, 'UNWRAP_FAILED');
    const asActivity = ApplicationFailure.fromError(error, {
      message: `Failed to parse activity args for activity checkIdentity: ${error.message}`,
    });
    for (const e of [error, asActivity]) {
      const failure = failureConverter.errorToFailure(e, defaultPayloadConverter);
      expect(failure.encodedAttributes).toBeUndefined();
      expect(failure.message).toBe(e.message);
    }
  });

  it('encodes every other failure, one of that type carrying other words or a cause included', () => {
    const others = [
      new Error(`cannot decrypt payload (key ${keyId}): data key not in this key store`),
      ApplicationFailure.create({ type: 'PayloadDecodeError', message: '张伟 13800138000' }),
      ApplicationFailure.create({
        type: 'PayloadDecodeError',
        message: `cannot decrypt payload (key ${keyId}): data key crypto-shredded`,
        cause: new Error('张伟'),
      }),
      ApplicationFailure.create({
        type: 'PayloadDecodeError',
        message: `cannot decrypt payload (key ${keyId}): data key crypto-shredded`,
        details: ['张伟'],
      }),
    ];
    for (const e of others) {
      const failure = failureConverter.errorToFailure(e, defaultPayloadConverter);
      expect(failure.message).toBe('Encoded failure');
      expect(failure.encodedAttributes).toBeDefined();
    }
  });
});

describe('data keys', () => {
  it('creates one key per application even when many payloads ask at once', async () => {
    const store = new MemoryDataKeyStore();
    const keyring = testKeyring(store);
    const id = applicationKeyId(randomUUID());
    const keys = await Promise.all(Array.from({ length: 20 }, () => keyring.keyForEncrypt(id)));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    expect((await store.list()).length).toBe(1);
  });

  it('agrees on one key when two processes create it at the same moment (shared SQLite file)', async () => {
    const file = path.join(dir, 'race.db');
    const kms = new LocalKms(newMasterKey('m1'));
    const a = new Keyring({ kms, store: new SqliteDataKeyStore(file) });
    const b = new Keyring({ kms, store: new SqliteDataKeyStore(file) });
    const id = applicationKeyId(randomUUID());
    const [ka, kb] = await Promise.all([a.keyForEncrypt(id), b.keyForEncrypt(id)]);
    expect(ka.equals(kb)).toBe(true);
  });

  it('keeps at most `size` keys unwrapped in memory, each for at most `ttlMs`', async () => {
    const store = new MemoryDataKeyStore();
    const kms = new LocalKms(newMasterKey('m1'));
    const keyring = new Keyring({ kms, store, cache: { size: 2, ttlMs: 60_000 } });
    const ids = [randomUUID(), randomUUID(), randomUUID()].map(applicationKeyId);
    for (const id of ids) await keyring.keyForEncrypt(id);
    // The first one was evicted: shredding it behind the keyring's back takes effect at once.
    await store.shred(ids[0]!, new Date().toISOString());
    await store.shred(ids[2]!, new Date().toISOString());
    await expect(keyring.keyForDecrypt(ids[0]!)).rejects.toBeInstanceOf(DataKeyShreddedError);
    await expect(keyring.keyForDecrypt(ids[2]!)).resolves.toBeDefined(); // still cached
  });

  it('encrypts bytes for an application (documents, audit log) that only it can decrypt', async () => {
    const keyring = testKeyring();
    const [a, b] = [randomUUID(), randomUUID()];
    const sealed = await keyring.encrypt(a, Buffer.from('ID card front'));
    expect(sealed.includes(Buffer.from('ID card front'))).toBe(false);
    expect((await keyring.decrypt(a, sealed)).toString()).toBe('ID card front');
    await expect(keyring.decrypt(b, sealed)).rejects.toThrow(/not for application/);
    await keyring.shred(a);
    await expect(keyring.decrypt(a, sealed)).rejects.toBeInstanceOf(DataKeyShreddedError);
    await expect(keyring.encrypt(a, Buffer.from('again'))).rejects.toBeInstanceOf(DataKeyShreddedError);
  });
});

describe('master key rotation', () => {
  it('decodes old payloads with a retired master key, and rewrap lets it go', async () => {
    const store = new MemoryDataKeyStore();
    const m1 = newMasterKey('m1');
    const m2 = newMasterKey('m2');
    const before = new EncryptionCodec(new Keyring({ kms: new LocalKms(m1), store }));
    const [old] = await before.encode([json('old')], wf(`application-${randomUUID()}`));

    // m2 is current, m1 kept for unwrapping: old payloads decode, new keys are wrapped by m2.
    const rotated = new Keyring({ kms: new LocalKms(m2, [m1]), store });
    expect(text((await new EncryptionCodec(rotated).decode([old!]))[0])).toBe('"old"');
    await new EncryptionCodec(rotated).encode([json('new')], wf(`application-${randomUUID()}`));
    expect((await store.list()).map((r) => ('masterKeyId' in r ? r.masterKeyId : '')).sort()).toEqual([
      'm1',
      'm2',
    ]);

    const { rewrapped } = await rotated.rewrap();
    expect(rewrapped).toHaveLength(1);
    const m2only = new EncryptionCodec(new Keyring({ kms: new LocalKms(m2), store }));
    expect(text((await m2only.decode([old!]))[0])).toBe('"old"');
  });
});

describe('configuration', () => {
  it('generates a development master key into the data folder once, readable by the owner only', async () => {
    const dataDir = path.join(dir, 'dev');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = masterKeys(config);
    const second = masterKeys(config);
    expect(first.generated).toBe(true);
    expect(second.generated).toBe(false);
    expect(first.kms.currentKeyId()).toBe(second.kms.currentKeyId());
    const file = path.join(dataDir, 'keys', 'master-keys.json');
    expect(first.source).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).current).toBe(first.kms.currentKeyId());
    // What one process encrypts, another process (a new keyring on the same files) decrypts.
    const id = randomUUID();
    const sealed = await keyringFromConfig(config).encrypt(id, Buffer.from('x'));
    expect((await keyringFromConfig(config).decrypt(id, sealed)).toString()).toBe('x');
  });

  it('takes the master key from the environment, with retired keys for decoding only', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const old = Buffer.alloc(32, 9).toString('base64');
    const { kms, source } = masterKeys(
      loadConfig({
        DATA_DIR: dir,
        ENCRYPTION_MASTER_KEY: key,
        ENCRYPTION_MASTER_KEY_ID: 'prod-2027',
        ENCRYPTION_RETIRED_MASTER_KEYS: `prod-2026=${old}`,
      }),
    );
    expect(kms.currentKeyId()).toBe('prod-2027');
    expect(source).toBe('ENCRYPTION_MASTER_KEY');
    expect(() => masterKeys(loadConfig({ DATA_DIR: dir, ENCRYPTION_MASTER_KEY: 'c2hvcnQ=' }))).toThrow(
      /32 bytes/,
    );
  });

  it('never generates a key file that was named explicitly', () => {
    const missing = path.join(dir, 'nowhere', 'keys.json');
    expect(() => masterKeys(loadConfig({ DATA_DIR: dir, ENCRYPTION_MASTER_KEY_FILE: missing }))).toThrow(
      /cannot read the master key file/,
    );
  });
});
