/** Identity-register sandbox: the applicant's name picks the answer (see catalogue.json). */
import type { FastifyInstance } from 'fastify';
import { identityRequestSchema } from '../../contracts/providers';
import { catalogue } from '../catalogue';
import { parseOr400 } from '../http';

const { rules, otherwise } = catalogue.providers.identity;

export function identityAnswer(name: string): { status: number; body: unknown } {
  return (rules.find((rule) => name.includes(rule.nameContains)) ?? otherwise).answer;
}

export function registerIdentityRoutes(app: FastifyInstance): void {
  app.post('/identity/v1/verify', async (request, reply) => {
    const body = parseOr400(identityRequestSchema, request.body);
    const answer = identityAnswer(body.name);
    return reply.status(answer.status).send(answer.body);
  });
}
