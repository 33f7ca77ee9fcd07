/**
 * A stand-in for the app backend's webhook: records what the service told the app, so tests
 * can check each event arrived and arrived once (deliveries > 1 shows a redelivery).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appEventSchema } from '../../contracts/providers';
import { parseOr400 } from '../http';
import type { ProvidersStore } from './store';

const querySchema = z.object({ applicationId: z.string().min(1).optional() });

export function registerAppWebhookRoutes(app: FastifyInstance, store: ProvidersStore, now: () => Date): void {
  app.post('/sandbox/app-webhook', async (request) => {
    const event = parseOr400(appEventSchema, request.body);
    return { ok: true, deliveries: store.recordEvent(event, now()) };
  });

  app.get('/sandbox/app-webhook/events', async (request) => {
    const { applicationId } = parseOr400(querySchema, request.query, 'query');
    return { events: store.listEvents(applicationId) };
  });
}
