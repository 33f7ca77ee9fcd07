/**
 * A stand-in for the app backend's webhook: checks the signature like a real app should (with
 * the SDK's verifyWebhook, sdk/webhooks.ts), and
 * records what the service told the app, so tests can check each event arrived and arrived
 * once (deliveries > 1 shows a redelivery).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appEventSchema } from '../../contracts/providers';
import { verifyWebhook, WebhookVerificationError } from '../../sdk/webhooks';
import { HttpError, parseOr400 } from '../http';
import type { ProvidersStore } from './store';

const querySchema = z.object({ applicationId: z.string().min(1).optional() });

export function registerAppWebhookRoutes(
  app: FastifyInstance,
  store: ProvidersStore,
  now: () => Date,
  webhookSecret?: string,
  /** Each partner bank's inbox, `/sandbox/app-webhook/<partnerId>`, checks its own secret. */
  partnerWebhookSecrets: Readonly<Record<string, string>> = {},
): void {
  app.register(async (scope) => {
    // The signature covers the bytes as sent, so keep them before JSON parsing.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      (req as { rawBody?: string }).rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new HttpError(400, 'BAD_REQUEST', 'body is not JSON'), undefined);
      }
    });
    const receive = async (request: FastifyRequest, inbox: string, secret: string | undefined) => {
      const raw = (request as { rawBody?: string }).rawBody ?? '';
      if (secret) {
        // As an app would: with the SDK's check, the one apps are told to use.
        try {
          await verifyWebhook({ secret, headers: request.headers, body: raw, now: now() });
        } catch (err) {
          if (!(err instanceof WebhookVerificationError)) throw err;
          // An event it cannot read is still refused below, by the contract's schema.
          if (err.reason !== 'BAD_PAYLOAD') {
            throw new HttpError(
              401,
              'BAD_SIGNATURE',
              `webhook signature missing, wrong or too old (${err.reason})`,
            );
          }
        }
      }
      const event = parseOr400(appEventSchema, request.body);
      return { ok: true, deliveries: store.recordEvent(event, now(), inbox) };
    };
    scope.post('/sandbox/app-webhook', (request) => receive(request, 'bank', webhookSecret));
    // The bank's operations team's webhook (OPS_WEBHOOK_URL), signed with the bank's secret: its
    // alerts are kept apart from what the app received (listed with inbox `ops`).
    scope.post('/sandbox/ops-webhook', (request) => receive(request, 'ops', webhookSecret));
    scope.post<{ Params: { partnerId: string } }>('/sandbox/app-webhook/:partnerId', (request) => {
      const { partnerId } = request.params;
      const secret = partnerWebhookSecrets[partnerId];
      // A partner the sandbox was not told of has no inbox, as a real one would not.
      if (webhookSecret && !secret) throw new HttpError(404, 'NO_SUCH_INBOX', 'no inbox for this partner');
      return receive(request, partnerId, secret);
    });
  });

  app.get('/sandbox/app-webhook/events', async (request) => {
    const { applicationId } = parseOr400(querySchema, request.query, 'query');
    return { events: store.listEvents(applicationId) };
  });
}
