/**
 * The payload codec of the client, the worker, the replay workers and the codec server: each
 * payload is encrypted (AES-256-GCM) under its application's data key, named in the payload's
 * metadata, so decoding needs no context and keys can rotate without breaking old histories.
 *
 * Which key encodes comes from the SDK's serialization context (workflow or activity, SDK 1.24):
 * `application-<uuid>`, `review-<uuid>` and `renewal-<uuid>`, and activities they schedule, use
 * the application's key; so does an agreement signing bound to its account's application
 * (Keyring.bindWorkflow); payloads with no context, or of any other workflow, use the deployment
 * key. Payloads that
 * were never encrypted (histories recorded before encryption) pass through decode unchanged.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// A default import: under plain Node ESM (tsx) the CommonJS package has no named `temporal` export.
import proto from '@temporalio/proto';
import { decryptGcm, encryptGcm } from './gcm';
import {
  applicationIdOfKey,
  applicationIdOfWorkflow,
  applicationKeyId,
  DataKeyShreddedError,
  DEPLOYMENT_KEY_ID,
  type Keyring,
  UnknownDataKeyError,
} from './keyring';
import { UnknownMasterKeyError } from './kms';

export const ENCODING = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';

const ENCODING_BYTES = Buffer.from(ENCODING);
const { Payload: PayloadProto } = proto.temporal.api.common.v1;

/** The data key a payload of this workflow or activity is encrypted under. */
export function keyIdFor(context: SerializationContext | undefined): string {
  const applicationId = applicationIdOfWorkflow(context?.workflowId);
  return applicationId ? applicationKeyId(applicationId) : DEPLOYMENT_KEY_ID;
}

/** The keyring of the encryption codec among a client's codecs (none: a plaintext benchmark lane). */
export const keyringOfCodecs = (codecs: readonly PayloadCodec[]): Keyring | undefined =>
  codecs.find((c): c is EncryptionCodec => c instanceof EncryptionCodec)?.keyring;

export const isEncrypted = (p: Payload): boolean => {
  const encoding = p.metadata?.[METADATA_ENCODING];
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).equals(ENCODING_BYTES);
};

/** The key id an encrypted payload names, or undefined for a plaintext one. */
export function keyIdOf(p: Payload): string | undefined {
  if (!isEncrypted(p)) return undefined;
  const id = p.metadata?.[METADATA_KEY_ID];
  if (!id) throw new Error(`an encrypted payload without ${METADATA_KEY_ID}`);
  return Buffer.from(id).toString();
}

/** Why a payload could not be decrypted: codes, for metrics and logs. */
const DECODE_REASONS = {
  SHREDDED: 'data key crypto-shredded',
  UNKNOWN_DATA_KEY: 'data key not in this key store',
  UNKNOWN_MASTER_KEY: 'its master key is not configured',
  UNWRAP_FAILED: 'data key cannot be unwrapped (another master key, or the key service failed)',
  NOT_AUTHENTIC: 'payload not authentic under its data key (altered bytes, or another data key)',
  NO_KEY_ID: 'encrypted payload names no data key',
} as const;

export type DecodeErrorReason = keyof typeof DECODE_REASONS;

/**
 * What decode throws for any payload it cannot decrypt. Its message names the key id (or
 * `unrecognized`) and a fixed reason, never plaintext, ciphertext or the underlying error's
 * text, so the SDK can fail the task with it and the failure converter may store it unencrypted
 * (encryption/failure-converter.cjs): encrypting it would need the very key that is missing.
 */
export class PayloadDecodeError extends Error {
  constructor(
    readonly keyId: string,
    readonly reason: DecodeErrorReason,
  ) {
    super(`cannot decrypt payload (key ${keyId}): ${DECODE_REASONS[reason]}`);
    this.name = 'PayloadDecodeError';
  }
}

/** Told of each payload decode could not decrypt (the worker counts and logs them). */
export type DecodeErrorListener = (error: { keyId: string; reason: DecodeErrorReason }) => void;

const shownKeyId = (keyId: string | undefined): string =>
  keyId === undefined
    ? 'unnamed'
    : keyId === DEPLOYMENT_KEY_ID || applicationIdOfKey(keyId) !== undefined
      ? keyId
      : 'unrecognized';

function keyReason(err: unknown): DecodeErrorReason {
  if (err instanceof DataKeyShreddedError) return 'SHREDDED';
  if (err instanceof UnknownDataKeyError) return 'UNKNOWN_DATA_KEY';
  if (err instanceof UnknownMasterKeyError) return 'UNKNOWN_MASTER_KEY';
  return 'UNWRAP_FAILED';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(
    /** Public so a client can bind a workflow to its application (keyringOfCodecs). */
    readonly keyring: Keyring,
    private readonly opts: { onDecodeError?: DecodeErrorListener } = {},
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0 || payloads.every(isEncrypted)) return payloads;
    const keyId = await this.encodeKeyId(context);
    const key = await this.keyring.keyForEncrypt(keyId);
    const aad = Buffer.from(keyId);
    return payloads.map((p) =>
      isEncrypted(p)
        ? p
        : {
            metadata: { [METADATA_ENCODING]: ENCODING_BYTES, [METADATA_KEY_ID]: aad },
            data: encryptGcm(key, PayloadProto.encode(p).finish(), aad),
          },
    );
  }

  /** By the workflow id, or the binding of a workflow whose id names no application. */
  private async encodeKeyId(context: SerializationContext | undefined): Promise<string> {
    const named = keyIdFor(context);
    if (named !== DEPLOYMENT_KEY_ID) return named;
    const owner = await this.keyring.applicationOfWorkflow(context?.workflowId);
    return owner ? applicationKeyId(owner) : named;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((p) => this.decodeOne(p)));
  }

  private async decodeOne(p: Payload): Promise<Payload> {
    if (!isEncrypted(p)) return p;
    const named = p.metadata?.[METADATA_KEY_ID];
    if (!named) throw this.decodeError(undefined, 'NO_KEY_ID');
    const keyId = Buffer.from(named).toString();
    let key: Buffer;
    try {
      key = await this.keyring.keyForDecrypt(keyId);
    } catch (err) {
      throw this.decodeError(keyId, keyReason(err));
    }
    try {
      const inner = PayloadProto.decode(decryptGcm(key, p.data ?? new Uint8Array(), Buffer.from(keyId)));
      return { metadata: inner.metadata, data: inner.data };
    } catch {
      throw this.decodeError(keyId, 'NOT_AUTHENTIC');
    }
  }

  /** The data-free error, after telling the listener (whose own failure must not hide it). */
  private decodeError(keyId: string | undefined, reason: DecodeErrorReason): PayloadDecodeError {
    const error = new PayloadDecodeError(shownKeyId(keyId), reason);
    try {
      this.opts.onDecodeError?.({ keyId: error.keyId, reason });
    } catch {
      // A listener's failure is not the payload's.
    }
    return error;
  }
}
