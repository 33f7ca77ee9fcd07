/**
 * Checking a webhook from the service before acting on it (the Standard Webhooks scheme): the
 * signature `webhook-signature: v1,<base64 HMAC-SHA256>` over `${webhook-id}.${webhook-timestamp}.${body}`
 * with the shared secret (`WEBHOOK_SECRET`, best in its `whsec_<base64>` form), and a timestamp
 * close to now, so a captured request cannot be replayed later. Web Crypto only: runs in Node
 * 20+, browsers, workers and WebViews.
 *
 *   const event = await verifyWebhook({ secret, headers: req.headers, body: rawBody });
 *
 * Pass the body exactly as received (text or bytes), before any JSON parsing: the signature
 * covers those bytes. Deliveries are retried, so de-duplicate by `event.eventId` (= `webhook-id`).
 */
import { base64Bytes, webhookKey } from '../domain/webhook-secret';
import { type WebhookEvent, webhookEventSchema } from './schemas';

export type { WebhookEvent };

/**
 * The request's headers: a fetch `Headers`, or a record of header names (any case) to a value
 * or a list of values, as Node (`IncomingHttpHeaders`), Fastify and Express give them.
 */
export type WebhookHeaders = Headers | object;

export interface VerifyWebhookOptions {
  /**
   * The secret shared with the service (its `WEBHOOK_SECRET`, or a partner's own): `whsec_<base64>`
   * as Standard Webhooks libraries take it, or the plain text of an older one. A malformed
   * `whsec_` secret throws a plain Error, not a WebhookVerificationError: the receiver's setup is
   * wrong, not the webhook.
   */
  secret: string;
  headers: WebhookHeaders;
  /** The raw request body, exactly as received. */
  body: string | Uint8Array;
  /** How far the timestamp may be from now, either way; 300 s unless given. */
  toleranceSeconds?: number;
  /** The receiver's clock; now unless given. */
  now?: Date;
}

export type WebhookRefusal =
  | 'MISSING_HEADERS'
  | 'BAD_TIMESTAMP'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'BAD_SIGNATURE'
  | 'BAD_PAYLOAD';

/** A webhook that must not be acted on; answer it 4xx (the service retries 5xx and timeouts). */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** Compares every byte whatever the first difference, so timing tells an attacker nothing. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

async function hmacSha256(key: Uint8Array<ArrayBuffer>, parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const hmacKey = await globalThis.crypto.subtle.importKey(
    'raw',
    key,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', hmacKey, data));
}

/**
 * Answers the event if the webhook is authentic and fresh; otherwise throws a
 * WebhookVerificationError naming why. Several signatures (space-separated, as during a secret
 * rotation) pass if any one matches.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const { secret, headers, body } = options;
  // First, so that a receiver set up with a malformed secret hears so on its first delivery.
  const key = webhookKey(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'MISSING_HEADERS',
      'webhook-id, webhook-timestamp and webhook-signature are all required',
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('BAD_TIMESTAMP', 'webhook-timestamp is not a number of seconds');
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = (options.now ?? new Date()).getTime() / 1000;
  if (!(Math.abs(nowSeconds - Number(timestamp)) <= tolerance)) {
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      `webhook-timestamp is more than ${tolerance} s from now: a replay, or a clock that is off`,
    );
  }

  const encoder = new TextEncoder();
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const expected = await hmacSha256(key, [encoder.encode(`${id}.${timestamp}.`), bodyBytes]);
  const matches = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => base64Bytes(s.slice(3)))
    .some((given) => given !== undefined && sameBytes(given, expected));
  if (!matches) {
    throw new WebhookVerificationError('BAD_SIGNATURE', 'no webhook-signature matches the body and secret');
  }

  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch {
    throw new WebhookVerificationError('BAD_PAYLOAD', 'the signed body is not JSON');
  }
  const event = webhookEventSchema.safeParse(json);
  if (!event.success) {
    throw new WebhookVerificationError('BAD_PAYLOAD', 'the signed body is not an event');
  }
  return event.data;
}
