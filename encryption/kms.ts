/**
 * Master keys behind a KMS-shaped port: data keys are wrapped (encrypted) under a master key that
 * never leaves the key service. In production the port is a real KMS (AWS KMS Encrypt/Decrypt,
 * GCP Cloud KMS, Vault transit: the same three calls); `LocalKms` holds the keys in memory, read
 * from the environment or a key file, for development, tests and small installations.
 */
import { randomBytes } from 'node:crypto';
import { decryptGcm, encryptGcm } from './gcm';

/** Additional authenticated data bound to a wrapped key, as KMSs call it: "encryption context". */
export type EncryptionContext = Record<string, string>;

export interface KeyManagementService {
  /** The master key new data keys are wrapped under; older ones stay usable for unwrapping. */
  currentKeyId(): string;
  encrypt(keyId: string, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
  decrypt(keyId: string, ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

export class UnknownMasterKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `master key ${keyId} is not configured (a retired key must stay in ENCRYPTION_RETIRED_MASTER_KEYS)`,
    );
    this.name = 'UnknownMasterKeyError';
  }
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** Sorted keys: the same context always authenticates the same bytes. */
const contextBytes = (context: EncryptionContext) =>
  Buffer.from(
    JSON.stringify(Object.fromEntries(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)))),
  );

/** AES-256-GCM with the master key; output is iv ‖ ciphertext ‖ tag. */
export class LocalKms implements KeyManagementService {
  private readonly keys: Map<string, Buffer>;

  /** `current` wraps new keys; `retired` only unwraps. */
  constructor(
    private readonly current: MasterKey,
    retired: MasterKey[] = [],
  ) {
    this.keys = new Map([...retired, current].map((k) => [k.id, checkKey(k)]));
  }

  currentKeyId(): string {
    return this.current.id;
  }

  async encrypt(keyId: string, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    return encryptGcm(this.key(keyId), plaintext, contextBytes(context));
  }

  async decrypt(keyId: string, ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    return decryptGcm(this.key(keyId), ciphertext, contextBytes(context));
  }

  private key(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownMasterKeyError(keyId);
    return key;
  }
}

function checkKey(k: MasterKey): Buffer {
  if (!/^[\w.-]{1,64}$/.test(k.id))
    throw new Error(`master key id ${JSON.stringify(k.id)} is not [\\w.-]{1,64}`);
  if (k.key.length !== 32) throw new Error(`master key ${k.id} must be 32 bytes (base64 of 32 random bytes)`);
  return k.key;
}

/** `id=base64,id=base64` (retired keys in the environment). */
export function parseKeyList(list: string | undefined): MasterKey[] {
  if (!list?.trim()) return [];
  return list.split(',').map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error('each retired master key must be id=base64');
    return { id: pair.slice(0, at).trim(), key: Buffer.from(pair.slice(at + 1).trim(), 'base64') };
  });
}

export const newMasterKey = (id: string): MasterKey => ({ id, key: randomBytes(32) });
