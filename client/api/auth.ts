/**
 * Bearer tokens map to roles. Apps start and follow applications; operators and supervisors
 * read them. The caller's identity comes from its token, never from the request body.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

export type Role = 'app' | 'operator' | 'supervisor';

export interface Caller {
  role: Role;
  /** Who is calling, from configuration: what decisions and audit trails record. */
  id: string;
}

export type Credentials = readonly (Caller & { token: string })[];

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function callerFor(tokens: Credentials, header: string | undefined): Caller | undefined {
  const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return undefined;
  const found = tokens.find((c) => same(token, c.token));
  return found && { role: found.role, id: found.id };
}

/** A preHandler that lets only the given roles through: 401 without a valid token, 403 for others. */
export const allow =
  (tokens: Credentials, ...roles: Role[]) =>
  async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = callerFor(tokens, req.headers.authorization);
    if (!caller) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, 401, 'Unauthorized', 'send Authorization: Bearer <token>');
    }
    if (!roles.includes(caller.role)) {
      return sendProblem(
        reply,
        403,
        'Forbidden',
        `the ${caller.role} role may not call this; it needs ${roles.join(' or ')}`,
      );
    }
    req.caller = caller;
  };
