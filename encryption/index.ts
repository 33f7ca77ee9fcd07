/**
 * Payload encryption and per-application data keys (docs/encryption.md). What other parts use:
 * the data converter for Temporal clients and workers, the keyring for bytes that belong to an
 * application (`keyring.encrypt(applicationId, bytes)` / `decrypt`: documents, an audit log),
 * which the shred operation renders unreadable together with the application's histories.
 */

export { type DataKeyStore, MemoryDataKeyStore, SqliteDataKeyStore } from '../stores/data-key-store';
export {
  type DecodeErrorListener,
  type DecodeErrorReason,
  ENCODING,
  EncryptionCodec,
  isEncrypted,
  keyIdFor,
  keyIdOf,
  METADATA_KEY_ID,
  PayloadDecodeError,
} from './codec';
export { encryptedDataConverter, failureConverterPath } from './data-converter';
export { keyringFromConfig, masterKeys } from './from-config';
export {
  applicationIdOfWorkflow,
  applicationKeyId,
  DataKeyShreddedError,
  DEPLOYMENT_KEY_ID,
  Keyring,
  UnknownDataKeyError,
} from './keyring';
export { type KeyManagementService, LocalKms } from './kms';
