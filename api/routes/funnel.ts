/** GET /v1/funnel: where applicants drop out, per flow version and channel. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { routes } from '../../sdk/routes';
import { funnelPeriodSchema, funnelRowSchema, problemSchema } from '../../sdk/schemas';
import type { Funnel } from '../services/funnel';

export const funnelRoutes =
  (deps: { funnel: Funnel }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      routes.funnel.path,
      {
        schema: {
          summary:
            'Funnel figures: per flow version and channel, how many reached, passed, were rejected at or abandoned each step',
          querystring: funnelPeriodSchema,
          response: { 200: z.object({ funnel: z.array(funnelRowSchema) }), 400: problemSchema },
        },
      },
      async (req) => ({ funnel: await deps.funnel.rows(req.query) }),
    );
  };
