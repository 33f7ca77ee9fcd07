/**
 * How webhooks to the app are signed (the Standard Webhooks scheme): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` keyed by a shared secret (webhook-secret.ts: a `whsec_` secret's
 * decoded bytes), sent as `webhook-signature: v1,<base64>` beside `webhook-id` and
 * `webhook-timestamp`. Receivers check the signature and reject old timestamps, so a captured
 * request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookKey } from './webhook-secret';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const mac = (secret: string, id: string, timestamp: string, body: string): string =>
  createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');

export function signWebhook(secret: string, id: string, body: string, now = new Date()): SignedHeaders {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${mac(secret, id, timestamp, body)}`,
  };
}

/**
 * Node-only and synchronous. Receivers (apps, the sandbox's webhook) use the SDK's
 * `verifyWebhook` (sdk/webhooks.ts, Web Crypto), which also answers why and parses the event;
 * this one is kept while test/activities/webhook-signature.test.ts and
 * test/workflows/webhooks.int.test.ts still call it.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => {
    const v = headers[h];
    return Array.isArray(v) ? v[0] : v;
  });
  if (!id || !timestamp || !signature) return false;
  const age = Math.abs((opts.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (!(age <= (opts.toleranceSeconds ?? 300))) return false;
  const expected = Buffer.from(mac(secret, id, timestamp, body));
  return signature
    .split(' ')
    .map((s) => Buffer.from(s.replace(/^v1,/, '')))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
