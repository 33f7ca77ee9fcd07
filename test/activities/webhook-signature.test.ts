import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../contracts/webhook-signature';

const secret = 'a-secret-of-enough-length';
/** The Standard Webhooks form apps are given: its key is the decoded bytes, not the text. */
const whsecSecret = `whsec_${Buffer.alloc(32, 0xe7).toString('base64')}`;

describe('webhook signatures', () => {
  it('verify what was signed, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(secret, whsecSecret),
        fc.uuid(),
        fc.json(),
        fc.json(),
        (secret, id, body, other) => {
          const headers = signWebhook(secret, id, body);
          expect(verifyWebhook(secret, { ...headers }, body)).toBe(true);
          if (other !== body) expect(verifyWebhook(secret, { ...headers }, other)).toBe(false);
          expect(verifyWebhook('another-secret-entirely', { ...headers }, body)).toBe(false);
        },
      ),
    );
  });

  it('refuse old timestamps, so a captured request cannot be replayed', () => {
    const signedAt = new Date('2026-01-01T00:00:00Z');
    const headers = signWebhook(secret, 'e1', '{}', signedAt);
    expect(verifyWebhook(secret, { ...headers }, '{}', { now: new Date(signedAt.getTime() + 60_000) })).toBe(
      true,
    );
    expect(verifyWebhook(secret, { ...headers }, '{}', { now: new Date(signedAt.getTime() + 600_000) })).toBe(
      false,
    );
  });

  it('refuse a request without the headers', () => {
    expect(verifyWebhook(secret, {}, '{}')).toBe(false);
  });
});
