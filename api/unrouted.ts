/**
 * Requests no route takes: a path the API has, asked with a method it does not have, is a 405
 * naming the methods it does have (RFC 9110); anything else is a 404. Neither echoes the query
 * string, which is where a careless caller puts personal data.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

/** Call before any route is registered: it records each route's pattern as it is added. */
export function answerUnrouted(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    const source = route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods });
  });
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))];
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        405,
        'Method not allowed',
        `${req.method} is not allowed here; use ${allowed.join(' or ')}`,
      );
    }
    return sendProblem(reply, 404, 'Not found', `no route ${req.method} ${path}`);
  });
}
