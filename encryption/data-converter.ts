/** The data converter every Temporal client and worker of the project uses (docs/encryption.md). */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec';
import type { Keyring } from './keyring';

/** Bundled into the workflow code and `require()`d by the worker and clients. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export function encryptedDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath };
}
