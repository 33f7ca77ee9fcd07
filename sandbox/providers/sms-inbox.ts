/** The SMS test inbox: testers and tests read the code UnionPay "sent" to a mobile. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { smsInboxResponseSchema } from '../../contracts/providers';
import { HttpError, parseOr400 } from '../http';
import type { ProvidersStore } from './store';

const querySchema = z.object({ mobile: z.string().min(1) });

export function registerSmsInboxRoutes(app: FastifyInstance, store: ProvidersStore): void {
  app.get('/sandbox/sms', async (request): Promise<z.output<typeof smsInboxResponseSchema>> => {
    const { mobile } = parseOr400(querySchema, request.query, 'query');
    const message = store.lastSms(mobile);
    if (!message) throw new HttpError(404, 'NO_SMS', 'no code was sent to this mobile');
    return message;
  });
}
