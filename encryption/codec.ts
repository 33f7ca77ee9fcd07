/**
 * The payload codec of the client, the worker, the replay workers and the codec server: each
 * payload is encrypted (AES-256-GCM) under its application's data key, named in the payload's
 * metadata, so decoding needs no context and keys can rotate without breaking old histories.
 *
 * Which key encodes comes from the SDK's serialization context (workflow or activity, SDK 1.24):
 * `application-<uuid>` and `review-<uuid>`, and activities they schedule, use the application's
 * key; payloads with no context, or of any other workflow, use the deployment key. Payloads that
 * were never encrypted (histories recorded before encryption) pass through decode unchanged.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// A default import: under plain Node ESM (tsx) the CommonJS package has no named `temporal` export.
import proto from '@temporalio/proto';
import { decryptGcm, encryptGcm } from './gcm';
import { applicationIdOfWorkflow, applicationKeyId, DEPLOYMENT_KEY_ID, type Keyring } from './keyring';

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

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0 || payloads.every(isEncrypted)) return payloads;
    const keyId = keyIdFor(context);
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

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((p) => this.decodeOne(p)));
  }

  private async decodeOne(p: Payload): Promise<Payload> {
    const keyId = keyIdOf(p);
    if (keyId === undefined) return p;
    const key = await this.keyring.keyForDecrypt(keyId);
    const inner = PayloadProto.decode(decryptGcm(key, p.data ?? new Uint8Array(), Buffer.from(keyId)));
    return { metadata: inner.metadata, data: inner.data };
  }
}
