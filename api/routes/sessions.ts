/**
 * Customer sessions: an app's backend mints one for an application or an account of its own
 * tenant, and hands the token to the customer's device (the SDK in a partner app, /apply in a
 * WebView); the device ends it when done. Also GET /v1/me, which tells any caller who it is.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreBanking } from '../../adapters/ports';
import { createSessionRequestSchema, SESSION_TTL_SECONDS, sessionCreatedSchema } from '../../domain/sessions';
import { routes } from '../../sdk/routes';
import { callerViewSchema, problemSchema } from '../../sdk/schemas';
import type { AuditTrail } from '../../stores/audit';
import { newSessionToken, type Session, type SessionStore, tokenHash } from '../../stores/sessions';
import { ownerOf } from '../auth';
import { ownedAccount, requireOwner } from '../owner';
import type { Applications } from '../services/applications';
import { NotFoundError } from '../services/errors';

export const sessionRoutes =
  (deps: {
    sessions?: SessionStore;
    applications: Applications;
    coreBanking: CoreBanking;
    audit: AuditTrail;
    clock?: () => Date;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const now = deps.clock ?? (() => new Date());

    app.get(
      routes.whoAmI.path,
      {
        schema: {
          summary:
            'Who the token stands for: the id decisions record, the role, and a session what it acts for',
          response: { 200: callerViewSchema },
        },
      },
      async (req) => {
        const { id, role, session } = req.caller!;
        return {
          id,
          role,
          ...(session && {
            session: {
              applicationId: session.applicationId,
              ...(session.accountNumber && { accountNumber: session.accountNumber }),
              expiresAt: session.expiresAt,
            },
          }),
        };
      },
    );

    const { sessions } = deps;
    if (!sessions) return;

    app.post(
      routes.createSession.path,
      {
        schema: {
          summary:
            "Mint a customer's session for one application (new or the tenant's own) or one account of the tenant",
          description: `For an app's backend: the session token goes to the customer's device, which may then act for that application and the account it opens (or that account) only. Lives ttlSeconds (default ${SESSION_TTL_SECONDS.default}, at most ${SESSION_TTL_SECONDS.max}). Another tenant's application or account is a 404. Minting is audited.`,
          body: createSessionRequestSchema,
          response: { 201: sessionCreatedSchema, 400: problemSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const caller = req.caller!;
        const owner = ownerOf(caller);
        let applicationId: string;
        let accountNumber: string | undefined;
        if ('applicationId' in req.body) {
          applicationId = req.body.applicationId;
          // A new application is the minting tenant's to start; an existing one must be its own.
          const existing = await deps.applications.get(applicationId).catch((err: unknown) => {
            if (err instanceof NotFoundError) return undefined;
            throw err;
          });
          if (existing) requireOwner(caller, existing, 'no application with this applicationId');
        } else {
          const account = requireOwner(
            caller,
            ownedAccount(await deps.coreBanking.getAccount(req.body.accountNumber)),
            'no account with this number',
          );
          applicationId = account.reference;
          accountNumber = account.accountNumber;
        }
        const minted = now();
        const ttl = req.body.ttlSeconds ?? SESSION_TTL_SECONDS.default;
        const { token, sessionId } = newSessionToken();
        const session: Session = {
          sessionId,
          tenantId: caller.id,
          ...owner,
          applicationId,
          ...(accountNumber && { accountNumber }),
          expiresAt: new Date(minted.getTime() + ttl * 1000).toISOString(),
        };
        await sessions.put(session, tokenHash(token));
        // Who minted which session for which application, and for how long: no personal data.
        await deps.audit.record({
          id: `session:${sessionId}`,
          at: minted.toISOString(),
          actor: caller.id,
          action: 'SESSION_MINTED',
          applicationId,
          ...(accountNumber && { accountNumber }),
          refs: { sessionId, ttlSeconds: String(ttl) },
        });
        return reply.code(201).send({
          sessionToken: token,
          expiresAt: session.expiresAt,
          sessionId,
          applicationId,
          ...(accountNumber && { accountNumber }),
        });
      },
    );

    app.delete(
      routes.endSession.path,
      {
        schema: {
          summary: 'End the calling session: its token is refused from then on',
          response: { 204: z.null().describe('Ended') },
        },
      },
      async (req, reply) => {
        await sessions.revoke(req.caller!.session!.sessionId, now());
        return reply.code(204).send(null);
      },
    );
  };
