/**
 * Our webhooks against `standardwebhooks`, the Standard Webhooks reference library an app given
 * a `whsec_` secret would verify with: it verifies what the service signs, the SDK verifies what
 * it signs, and each tenant's deliveries verify with that tenant's secret, from the settings to
 * the bytes on the wire.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { WebhookVerificationError as ReferenceRefusal, Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { httpAppNotifier, tenantNotifier } from '../../adapters/http/app-notifier';
import { loadConfig } from '../../config';
import type { AppEvent } from '../../contracts/providers';
import { webhookSecretProblem } from '../../contracts/webhook-secret';
import { signWebhook, verifyWebhook as verifyInNode } from '../../contracts/webhook-signature';
import { verifyWebhook, WebhookVerificationError } from '../../sdk/webhooks';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from '../provided';
import { appEventArb } from '../support/app-events';

const whsec = (bytes: Uint8Array) => `whsec_${Buffer.from(bytes).toString('base64')}`;
const whsecArb = fc.uint8Array({ minLength: 24, maxLength: 64 }).map(whsec);

/** The three headers, as the reference library's types take them. */
const signatureHeaders = (headers: IncomingHttpHeaders | Record<string, string>) => ({
  'webhook-id': String(headers['webhook-id']),
  'webhook-timestamp': String(headers['webhook-timestamp']),
  'webhook-signature': String(headers['webhook-signature']),
});

describe('whsec_ secrets and the reference library', () => {
  it('it verifies what our signer signs, and refuses it under another secret', () => {
    fc.assert(
      fc.property(whsecArb, whsecArb, appEventArb, (secret, other, event) => {
        const body = JSON.stringify(event);
        const headers = signWebhook(secret, event.eventId, body);
        expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
        if (other !== secret)
          expect(() => new Webhook(other).verify(body, headers)).toThrow(ReferenceRefusal);
      }),
      { numRuns: 100 },
    );
  });

  it('the SDK and the Node check verify what it signs, and refuse it under another secret', async () => {
    const signedAt = new Date('2026-03-01T08:00:00Z');
    await fc.assert(
      fc.asyncProperty(whsecArb, whsecArb, appEventArb, async (secret, other, event) => {
        const body = JSON.stringify(event);
        const headers = {
          'webhook-id': event.eventId,
          'webhook-timestamp': String(signedAt.getTime() / 1000),
          'webhook-signature': new Webhook(secret).sign(event.eventId, signedAt, body),
        };
        expect(await verifyWebhook({ secret, headers, body, now: signedAt })).toMatchObject({
          eventId: event.eventId,
          applicationId: event.applicationId,
        });
        expect(verifyInNode(secret, headers, body, { now: signedAt })).toBe(true);
        if (other !== secret) {
          const refused = await verifyWebhook({ secret: other, headers, body, now: signedAt }).catch(
            (e) => e,
          );
          expect(refused).toBeInstanceOf(WebhookVerificationError);
          expect(refused.reason).toBe('BAD_SIGNATURE');
          expect(verifyInNode(other, headers, body, { now: signedAt })).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('a plain-text secret keys with its UTF-8 bytes, as every secret did before whsec_ was read', () => {
    const secret = 'plain-秘密-webhook-secret-0123';
    const signedAt = new Date('2026-03-01T08:00:00Z');
    const raw = new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    expect(signWebhook(secret, 'e1', '{}', signedAt)['webhook-signature']).toBe(
      raw.sign('e1', signedAt, '{}'),
    );
  });
});

describe('a malformed whsec_ secret', () => {
  const b64 = (length: number, byte = 0xa5) => Buffer.alloc(length, byte).toString('base64');
  const malformed = {
    short: `whsec_${b64(23)}`,
    empty: 'whsec_',
    unpadded: `whsec_${b64(32).replace(/=+$/, '')}`,
    urlSafe: `whsec_${Buffer.alloc(30, 0xff).toString('base64url')}`,
    spaced: `whsec_${b64(30).slice(0, 20)} ${b64(30).slice(20)}`,
  };

  it('is refused, saying why without repeating it; 24 and 64 bytes are not', () => {
    expect(webhookSecretProblem(`whsec_${b64(24)}`)).toBeUndefined();
    expect(webhookSecretProblem(`whsec_${b64(64)}`)).toBeUndefined();
    expect(webhookSecretProblem(malformed.short)).toMatch(/24 bytes or more .*not 23$/);
    expect(webhookSecretProblem(malformed.empty)).toMatch(/24 bytes or more .*not 0$/);
    for (const secret of [malformed.unpadded, malformed.urlSafe, malformed.spaced]) {
      const problem = webhookSecretProblem(secret);
      expect(problem).toMatch(/standard base64/);
      expect(problem).not.toContain(secret.slice(6, 16));
    }
    // The reference library refuses these too; a missing padding it lets pass, Go's does not.
    expect(() => new Webhook(malformed.urlSafe)).toThrow();
    expect(() => new Webhook(malformed.spaced)).toThrow();
  });

  it('neither signs nor verifies: the signer throws, the SDK throws an Error that is not a refusal', async () => {
    for (const secret of Object.values(malformed)) {
      expect(() => signWebhook(secret, 'e1', '{}')).toThrow(/^webhook secret: /);
      const headers = signWebhook(`whsec_${b64(32)}`, 'e1', '{}');
      const thrown = await verifyWebhook({ secret, headers, body: '{}' }).catch((e) => e);
      expect(thrown).toBeInstanceOf(Error);
      expect(thrown).not.toBeInstanceOf(WebhookVerificationError);
    }
  });
});

describe("each tenant's deliveries", () => {
  it("verify with that tenant's whsec_ secret and no other's, from the settings to the wire", async () => {
    const received = new Map<string, { headers: IncomingHttpHeaders; body: string }>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.set(req.url ?? '', { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bankSecret = TEST_WEBHOOK_SECRET;
      const partnerSecret = TEST_PARTNER_WEBHOOK_SECRETS['partner-x']!;
      const config = loadConfig({
        APP_WEBHOOK_URL: `${base}/bank`,
        WEBHOOK_SECRET: bankSecret,
        PARTNER_APP_TOKENS: 'partner-x=partner-x-app-token-0123456789',
        PARTNER_WEBHOOK_URLS: `partner-x=${base}/partner-x`,
        PARTNER_WEBHOOK_SECRETS: `partner-x=${partnerSecret}`,
      });
      const notifier = tenantNotifier(
        { url: config.appWebhookUrl, secret: config.webhookSecret },
        config.partnerWebhooks,
      );
      const event = (eventId: string, partnerId?: string): AppEvent => ({
        eventId,
        type: 'ACCOUNT_OPENED',
        applicationId: '7f0c1f5e-8d1a-4a57-9f43-0d1b0c8d2f11',
        ...(partnerId ? { partnerId } : {}),
        occurredAt: new Date().toISOString(),
        data: {},
      });
      await notifier.send(event('p1', 'partner-x'));
      await notifier.send(event('b1'));
      // Operations' alerts are signed with the bank's secret too.
      await httpAppNotifier(`${base}/ops`, config.webhookSecret).send(event('o1'));

      const delivered = (path: string) => {
        const d = received.get(path)!;
        return [d.body, signatureHeaders(d.headers)] as const;
      };
      expect(new Webhook(partnerSecret).verify(...delivered('/partner-x'))).toMatchObject({
        eventId: 'p1',
        partnerId: 'partner-x',
      });
      expect(() => new Webhook(bankSecret).verify(...delivered('/partner-x'))).toThrow(ReferenceRefusal);
      expect(new Webhook(bankSecret).verify(...delivered('/bank'))).toMatchObject({ eventId: 'b1' });
      expect(() => new Webhook(partnerSecret).verify(...delivered('/bank'))).toThrow(ReferenceRefusal);
      expect(new Webhook(bankSecret).verify(...delivered('/ops'))).toMatchObject({ eventId: 'o1' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
