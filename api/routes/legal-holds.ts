/**
 * Legal holds, for supervisors (docs/retention.md): while one stands on an application (or the
 * account it opened), nothing of it is destroyed, by the retention Schedule or by hand.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  legalHoldListSchema,
  legalHoldParamsSchema,
  legalHoldSchema,
  placeLegalHoldSchema,
  releaseLegalHoldSchema,
} from '../../domain/legal-holds';
import { routes } from '../../sdk/routes';
import { problemSchema } from '../../sdk/schemas';
import type { LegalHolds } from '../services/legal-holds';

export const legalHoldRoutes =
  (deps: { legalHolds: LegalHolds }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      routes.placeLegalHold.path,
      {
        schema: {
          summary:
            "Place a legal hold on an application or an account: none of that person's data is destroyed while it stands",
          description:
            'Exactly one of applicationId or accountNumber, and the reason (the legal basis or case reference). An unknown application or account is a 404. Audited.',
          body: placeLegalHoldSchema,
          response: { 201: legalHoldSchema, 400: problemSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const hold = await deps.legalHolds.place(req.body, req.caller!.id);
        return reply.code(201).send(hold);
      },
    );

    app.delete(
      routes.releaseLegalHold.path,
      {
        schema: {
          summary:
            'Release a standing legal hold, saying why; destruction that was due goes ahead on the next run',
          params: legalHoldParamsSchema,
          body: releaseLegalHoldSchema,
          response: { 200: legalHoldSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema },
        },
      },
      async (req) => deps.legalHolds.release(req.params.legalHoldId, req.body.reason, req.caller!.id),
    );

    app.get(
      routes.listLegalHolds.path,
      {
        schema: {
          summary: 'Every legal hold, standing ones first, newest first',
          response: { 200: legalHoldListSchema },
        },
      },
      async () => ({ legalHolds: await deps.legalHolds.list() }),
    );
  };
