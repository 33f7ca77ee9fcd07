/**
 * Free text in the audit log (an operator's note) may hold personal data, so it is stored
 * sealed under the application's data key (encryption/keyring.ts): crypto-shredding the
 * application makes it unreadable, while the chain, computed over the stored ciphertext, still
 * verifies.
 */
import { DataKeyShreddedError } from '../../encryption/keyring';

export interface Sealer {
  /** The text sealed for the application; undefined when its data key is shredded (nothing may be stored). */
  seal(applicationId: string, text: string): Promise<string | undefined>;
  /** The text; undefined when the application's data key is shredded. */
  open(applicationId: string, sealed: string): Promise<string | undefined>;
}

/** What seals under per-application data keys: the Keyring (encryption/keyring.ts) the process already has. */
export interface DataKeys {
  encrypt(applicationId: string, plaintext: Uint8Array): Promise<Uint8Array>;
  decrypt(applicationId: string, sealed: Uint8Array): Promise<Uint8Array>;
}

/** Seals with the keyring's per-application data keys: a base64 envelope naming its key. */
export function keyringSealer(keyring: DataKeys): Sealer {
  const unlessShredded = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof DataKeyShreddedError) return undefined;
      throw err;
    }
  };
  return {
    seal: (applicationId, text) =>
      unlessShredded(async () =>
        Buffer.from(await keyring.encrypt(applicationId, Buffer.from(text, 'utf8'))).toString('base64'),
      ),
    open: (applicationId, sealed) =>
      unlessShredded(async () =>
        Buffer.from(await keyring.decrypt(applicationId, Buffer.from(sealed, 'base64'))).toString('utf8'),
      ),
  };
}
