/** GET /v1/accounts/{accountNumber}: status, holds, limits and the bound account, masked. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CoreBanking } from '../../../activities/ports';
import type { Config } from '../../../config';
import { allow } from '../auth';
import { sendProblem } from '../problem';
import { accountParamsSchema, accountViewSchema, problemSchema } from '../schemas';

export const accountRoutes =
  (deps: { tokens: Config['tokens']; coreBanking: CoreBanking }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/accounts/:accountNumber',
      {
        preHandler: allow(deps.tokens, 'app', 'operator', 'supervisor'),
        schema: {
          summary: 'Read an account',
          params: accountParamsSchema,
          response: { 200: accountViewSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const account = await deps.coreBanking.getAccount(req.params.accountNumber);
        if (!account) return sendProblem(reply, 404, 'Not found', 'no account with this number');
        return {
          accountNumber: account.accountNumber,
          accountClass: account.accountClass,
          status: account.status,
          limits: account.limits,
          openedAt: account.openedAt,
          holds: account.holds,
          boundAccount: account.binding && {
            maskedNumber: account.binding.maskedNumber,
            kind: account.binding.kind,
          },
        };
      },
    );
  };
