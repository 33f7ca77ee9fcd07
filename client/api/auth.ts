/**
 * Bearer tokens map to roles. Apps start and follow applications; operators and supervisors
 * read them. The caller's identity comes from its token, never from the request body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Channel } from '../../domain/application';
import { sendProblem } from './problem';

/** `institution`: a payment institution (its id is WECHAT_PAY, UNIONPAY or JD_PAY), for agreements and debits only. */
export type Role = 'app' | 'operator' | 'supervisor' | 'institution';

export interface Caller {
  role: Role;
  /** Who is calling, from configuration: what decisions and audit trails record. */
  id: string;
  /** App tokens only: the bank's own app (the default) or a partner bank's app. */
  channel?: Channel;
  /** PARTNER-channel app tokens: the partner bank, which its applications and accounts belong to. */
  partnerId?: string;
}

export type Credentials = readonly (Caller & { token: string })[];

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Fixed-length digests, so comparing never depends on where or whether the lengths differ. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The caller a bearer token stands for. Every configured token is compared, in constant time,
 * whatever matched first: how long the check takes says nothing about which token came close.
 */
export function callerFor(tokens: Credentials, header: string | undefined): Caller | undefined {
  const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return undefined;
  const presented = digest(token);
  let found: Credentials[number] | undefined;
  for (const c of tokens) {
    if (timingSafeEqual(presented, digest(c.token)) && !found) found = c;
  }
  if (!found) return undefined;
  const { token: _secret, ...caller } = found;
  return caller;
}

/** The channel an app token speaks for, and its partner: what applications and accounts are matched against. */
export const ownerOf = (caller: Caller): { channel: Channel; partnerId?: string } => ({
  channel: caller.channel ?? 'OWN_APP',
  ...(caller.partnerId && { partnerId: caller.partnerId }),
});

/** An onRequest hook (before the body is read or validated) that lets only the given roles through: 401 without a valid token, 403 for others. */
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
