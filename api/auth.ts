/**
 * Bearer tokens map to callers. Configured tokens (APP_TOKENS, OPERATOR_TOKENS, ...) stand for a
 * tenant or a member of staff; session tokens, minted by an app's backend, stand for one
 * customer's application or account. The caller's identity comes from its token, never from the
 * request body. What each caller may call is api/access.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Channel } from '../domain/application';
import { SESSION_TOKEN_PREFIX } from '../domain/sessions';
import { type Session, type SessionStore, tokenHash } from '../stores/sessions';

/**
 * `institution`: a payment institution (its id is WECHAT_PAY, UNIONPAY or JD_PAY), for agreements
 * and debits only. `engineer`: decodes payloads through the codec server; the API tells them who
 * they are and nothing else. `session`: a customer's device, for its own application and account.
 */
export type Role = 'app' | 'operator' | 'supervisor' | 'institution' | 'engineer' | 'session';

export interface Caller {
  role: Role;
  /** Who is calling, from configuration: what decisions and audit trails record. */
  id: string;
  /** App tokens only: the bank's own app (the default) or a partner bank's app. */
  channel?: Channel;
  /** PARTNER-channel app tokens: the partner bank, which its applications and accounts belong to. */
  partnerId?: string;
  /** Session tokens: what the session acts for (its tenant is `id`, `channel` and `partnerId`). */
  session?: Session;
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

/**
 * The caller of a request: a configured token, else a live session (expired or revoked ones
 * are nobody: a 401, as for an unknown token).
 */
export async function resolveCaller(
  tokens: Credentials,
  sessions: SessionStore | undefined,
  header: string | undefined,
  now = new Date(),
): Promise<Caller | undefined> {
  const configured = callerFor(tokens, header);
  if (configured) return configured;
  const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (!sessions || !token?.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
  const session = await sessions.find(tokenHash(token), now);
  if (!session) return undefined;
  return {
    role: 'session',
    id: session.tenantId,
    channel: session.channel,
    ...(session.partnerId && { partnerId: session.partnerId }),
    session,
  };
}

/** The channel an app token (or a session it minted) speaks for, and its partner: what applications and accounts are matched against. */
export const ownerOf = (caller: Caller): { channel: Channel; partnerId?: string } => ({
  channel: caller.channel ?? 'OWN_APP',
  ...(caller.partnerId && { partnerId: caller.partnerId }),
});
