/**
 * The one rule for turning a webhook secret into the HMAC key that signs and checks webhooks,
 * shared by the signer (webhook-signature.ts), the SDK's verifyWebhook (through
 * domain/webhook-secret.ts) and the configuration's check, so that the two ends cannot drift.
 * Web globals only (atob, TextEncoder): the SDK runs it in browsers.
 */

/** The Standard Webhooks form of a secret, the one its libraries take: `whsec_<base64 of the key>`. */
const WHSEC_PREFIX = 'whsec_';

/**
 * The Standard Webhooks spec asks for 24 to 64 bytes. Fewer is refused: a short key is a weak
 * key. More is let through, because HMAC takes any length and the reference libraries accept it.
 */
const MIN_WHSEC_KEY_BYTES = 24;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64, padded, or undefined: what every Standard Webhooks library decodes (Go's
 * refuses a missing padding, though the JS and Python ones let it pass), so that a secret
 * accepted here verifies whichever library an app uses. atob alone also takes whitespace.
 */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type Parsed = { key: Uint8Array<ArrayBuffer> } | { problem: string };

function parse(secret: string): Parsed {
  // A secret without the prefix keys with its UTF-8 bytes, as every secret did before `whsec_`
  // was read: deployments and apps holding a plain one keep verifying. Decoding it as base64, as
  // the reference libraries do with an unprefixed secret, would break all of them at once.
  if (!secret.startsWith(WHSEC_PREFIX)) return { key: new TextEncoder().encode(secret) };
  const key = base64Bytes(secret.slice(WHSEC_PREFIX.length));
  if (!key)
    return { problem: 'a whsec_ secret must be whsec_ then standard base64 (A-Z a-z 0-9 + /, =-padded)' };
  if (key.length < MIN_WHSEC_KEY_BYTES) {
    return {
      problem: `a whsec_ secret must decode to ${MIN_WHSEC_KEY_BYTES} bytes or more (Standard Webhooks asks 24 to 64), not ${key.length}`,
    };
  }
  return { key };
}

/** Why this secret cannot key webhook signatures, or undefined when it can. Never repeats the secret. */
export function webhookSecretProblem(secret: string): string | undefined {
  const parsed = parse(secret);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** The HMAC-SHA256 key: the decoded bytes of a `whsec_` secret, else the UTF-8 bytes of the text. */
export function webhookKey(secret: string): Uint8Array<ArrayBuffer> {
  const parsed = parse(secret);
  if ('problem' in parsed) throw new Error(`webhook secret: ${parsed.problem}`);
  return parsed.key;
}
