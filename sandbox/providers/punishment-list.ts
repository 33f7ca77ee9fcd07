/**
 * The joint-punishment list for account trading (惩戒名单) as a sandbox (see catalogue.json):
 * testers list a person with PUT /sandbox/punishment-list/{idNumber} {until?} and remove them
 * with DELETE; POST /punishment-list/v1/check answers whether they are listed now.
 */
import type { FastifyInstance } from 'fastify';
import { punishmentListEntrySchema, punishmentListRequestSchema } from '../../contracts/providers';
import { parseOr400 } from '../http';
import type { ProvidersStore } from './store';

const paramsOf = (params: unknown): string => String((params as { idNumber?: string }).idNumber ?? '');

export function registerPunishmentListRoutes(
  app: FastifyInstance,
  deps: { store: ProvidersStore; now: () => Date },
): void {
  app.post('/punishment-list/v1/check', async (request) => {
    const { idNumber } = parseOr400(punishmentListRequestSchema, request.body);
    const entry = deps.store.punishment(idNumber);
    // A punishment whose end has passed no longer bars anyone.
    if (!entry || (entry.untilMs !== null && entry.untilMs <= deps.now().getTime())) return { listed: false };
    return { listed: true, ...(entry.untilMs !== null && { until: new Date(entry.untilMs).toISOString() }) };
  });

  app.put('/sandbox/punishment-list/:idNumber', async (request, reply) => {
    const { until } = parseOr400(punishmentListEntrySchema, request.body ?? {});
    const idNumber = paramsOf(request.params);
    deps.store.listPunished(idNumber, until ? Date.parse(until) : null);
    return reply.status(204).send();
  });

  app.delete('/sandbox/punishment-list/:idNumber', async (request, reply) => {
    deps.store.unlistPunished(paramsOf(request.params));
    return reply.status(204).send();
  });
}
