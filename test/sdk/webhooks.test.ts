/**
 * The SDK's webhook check (Web Crypto) against what the service really sends: signatures made
 * by contracts/webhook-signature.ts, the signer the webhook activity uses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appEventSchema } from '../../contracts/providers';
import { signWebhook } from '../../contracts/webhook-signature';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { verifyWebhook, type WebhookRefusal, WebhookVerificationError } from '../../sdk/webhooks';
import { appEventArb } from '../support/app-events';

const secret = 'a-secret-of-enough-length';
/** The Standard Webhooks form apps are given: its key is the decoded bytes, not the text. */
const whsecSecret = `whsec_${Buffer.alloc(32, 0xe7).toString('base64')}`;
const signedAt = new Date('2026-03-01T08:00:00Z');

async function refusal(call: Promise<unknown>): Promise<WebhookRefusal> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WebhookVerificationError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err.reason;
}

describe('verifyWebhook', () => {
  it('answers the event the service signed, and refuses any other body or secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(secret, whsecSecret),
        appEventArb,
        fc.string(),
        async (secret, event, other) => {
          const body = JSON.stringify(event);
          const headers = signWebhook(secret, event.eventId, body, signedAt);
          // The SDK reads what the service's own contract reads from those bytes.
          expect(await verifyWebhook({ secret, headers, body, now: signedAt })).toEqual(
            appEventSchema.parse(JSON.parse(body)),
          );
          if (other !== body) {
            expect(await refusal(verifyWebhook({ secret, headers, body: other, now: signedAt }))).toBe(
              'BAD_SIGNATURE',
            );
          }
          expect(
            await refusal(verifyWebhook({ secret: 'another-secret-entirely', headers, body, now: signedAt })),
          ).toBe('BAD_SIGNATURE');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('takes the body as bytes, and headers as fetch Headers or a Node header record of any case', async () => {
    const body = JSON.stringify({
      eventId: 'e1',
      type: 'ACCOUNT_OPENED',
      applicationId: '7f0c1f5e-8d1a-4a57-9f43-0d1b0c8d2f11',
      occurredAt: signedAt.toISOString(),
      data: { accountNumber: '6230000000000000001', name: '张伟·阿不都' },
    });
    const signed = signWebhook(secret, 'e1', body, signedAt);
    const bytes = new TextEncoder().encode(body);
    const upper = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), [v]]));
    for (const headers of [new Headers({ ...signed }), upper, { ...signed }]) {
      const event = await verifyWebhook({ secret, headers, body: bytes, now: signedAt });
      expect(event).toMatchObject({ eventId: 'e1', type: 'ACCOUNT_OPENED' });
    }
  });

  it('refuses a timestamp outside the tolerance either way, so a captured request cannot be replayed', async () => {
    const body = '{}';
    const headers = signWebhook(secret, 'e1', body, signedAt);
    const at = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);
    expect(await refusal(verifyWebhook({ secret, headers, body, now: at(301) }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(await refusal(verifyWebhook({ secret, headers, body, now: at(-301) }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    // Inside the window the signature is checked, and passes; the payload is then read.
    expect(await refusal(verifyWebhook({ secret, headers, body, now: at(299) }))).toBe('BAD_PAYLOAD');
    expect(
      await refusal(verifyWebhook({ secret, headers, body, now: at(3600), toleranceSeconds: 7200 })),
    ).toBe('BAD_PAYLOAD');
    const notANumber = { ...headers, 'webhook-timestamp': '2026-03-01T08:00:00Z' };
    expect(await refusal(verifyWebhook({ secret, headers: notANumber, body, now: signedAt }))).toBe(
      'BAD_TIMESTAMP',
    );
  });

  it('refuses missing headers, malformed signatures, and a signed body that is not an event', async () => {
    const body = 'not json';
    const headers = signWebhook(secret, 'e1', body, signedAt);
    expect(await refusal(verifyWebhook({ secret, headers: {}, body, now: signedAt }))).toBe(
      'MISSING_HEADERS',
    );
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(await refusal(verifyWebhook({ secret, headers: unsigned, body, now: signedAt }))).toBe(
      'MISSING_HEADERS',
    );
    for (const signature of ['v1,!!!not-base64!!!', 'v2,' + headers['webhook-signature'].slice(3), 'v1,']) {
      expect(
        await refusal(
          verifyWebhook({
            secret,
            headers: { ...headers, 'webhook-signature': signature },
            body,
            now: signedAt,
          }),
        ),
      ).toBe('BAD_SIGNATURE');
    }
    expect(await refusal(verifyWebhook({ secret, headers, body, now: signedAt }))).toBe('BAD_PAYLOAD');
  });

  it('passes when any one of several signatures matches (a secret being rotated)', async () => {
    const body = JSON.stringify({
      eventId: 'e2',
      type: 'HOLD_LIFTED',
      applicationId: 'x',
      occurredAt: signedAt.toISOString(),
      data: {},
    });
    const old = signWebhook('the-old-secret-of-enough-length', 'e2', body, signedAt);
    const current = signWebhook(secret, 'e2', body, signedAt);
    const headers = {
      ...current,
      'webhook-signature': `${old['webhook-signature']} ${current['webhook-signature']}`,
    };
    expect((await verifyWebhook({ secret, headers, body, now: signedAt })).type).toBe('HOLD_LIFTED');
  });

  it('accepts an event type this SDK does not know yet, so an older app keeps working', async () => {
    const body = JSON.stringify({
      eventId: 'e3',
      type: 'SOMETHING_NEW',
      applicationId: 'x',
      occurredAt: signedAt.toISOString(),
      data: {},
      extra: 1,
    });
    const headers = signWebhook(secret, 'e3', body, signedAt);
    expect(await verifyWebhook({ secret, headers, body, now: signedAt })).toMatchObject({
      type: 'SOMETHING_NEW',
      extra: 1,
    });
  });
});

describe("the sandbox's app webhook, which checks deliveries with the SDK", () => {
  it('takes a signed delivery, refuses a tampered or unsigned one with 401, and a signed non-event with 400', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdk-webhook-'));
    const secret = whsecSecret;
    const app = buildProvidersSandbox({ dbFile: path.join(dir, 'providers.db'), webhookSecret: secret });
    try {
      const body = JSON.stringify({
        eventId: 'e1',
        type: 'ACCOUNT_OPENED',
        applicationId: 'a1',
        occurredAt: new Date().toISOString(),
        data: {},
      });
      const post = (payload: string, headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/sandbox/app-webhook',
          headers: { 'content-type': 'application/json', ...headers },
          payload,
        });
      const signed = { ...signWebhook(secret, 'e1', body) };
      expect((await post(body, signed)).statusCode).toBe(200);
      expect((await post(body.replace('a1', 'a2'), signed)).statusCode).toBe(401);
      expect((await post(body, {})).statusCode).toBe(401);
      const stale = { ...signWebhook(secret, 'e1', body, new Date(Date.now() - 3600_000)) };
      expect((await post(body, stale)).statusCode).toBe(401);
      expect((await post('{"hello":1}', { ...signWebhook(secret, 'e9', '{"hello":1}') })).statusCode).toBe(
        400,
      );
      const listed = await app.inject({ url: '/sandbox/app-webhook/events?applicationId=a1' });
      expect(listed.json().events).toEqual([expect.objectContaining({ eventId: 'e1', deliveries: 1 })]);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
