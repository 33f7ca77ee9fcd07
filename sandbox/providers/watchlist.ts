/** Watch-list screening sandbox: the applicant's name picks the answer (see catalogue.json). */
import type { FastifyInstance } from 'fastify';
import { watchlistRequestSchema } from '../../contracts/providers';
import { catalogue } from '../catalogue';
import { parseOr400 } from '../http';

const { rules, otherwise } = catalogue.providers.watchlist;

export function watchlistAnswer(name: string): { status: number; body: unknown } {
  return (rules.find((rule) => name.includes(rule.nameContains)) ?? otherwise).answer;
}

export function registerWatchlistRoutes(app: FastifyInstance): void {
  app.post('/watchlist/v1/screen', async (request, reply) => {
    const body = parseOr400(watchlistRequestSchema, request.body);
    const answer = watchlistAnswer(body.name);
    return reply.status(answer.status).send(answer.body);
  });
}
