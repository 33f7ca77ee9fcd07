/** The data converter every Temporal client and worker of the project uses (docs/encryption.md). */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type DecodeErrorListener, EncryptionCodec } from './codec';
import type { Keyring } from './keyring';

/** Bundled into the workflow code and `require()`d by the worker and clients. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** `onDecodeError` hears of each payload that cannot be decrypted (the worker counts them). */
export function encryptedDataConverter(
  keyring: Keyring,
  opts: { onDecodeError?: DecodeErrorListener | undefined } = {},
): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring, opts)], failureConverterPath };
}
