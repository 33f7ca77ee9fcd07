/** GET /v1/audit: the audit log of one account, for supervisors (docs/audit.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditAnswerSchema, auditQuerySchema } from '../../domain/audit';
import { routes } from '../../sdk/routes';
import { problemSchema } from '../../sdk/schemas';
import type { AuditTrail } from '../../stores/audit';

export const auditRoutes =
  (deps: { audit: Pick<AuditTrail, 'forAccount'> }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      routes.audit.path,
      {
        schema: {
          summary:
            'The audit log of an account, oldest first: who did what, when, why, in which round and under ' +
            'which rule version, hash-chained (prevHash, hash). References only: no personal data, notes sealed',
          querystring: auditQuerySchema,
          response: { 200: auditAnswerSchema, 400: problemSchema },
        },
      },
      async (req) => ({ entries: await deps.audit.forAccount(req.query.accountNumber) }),
    );
  };
