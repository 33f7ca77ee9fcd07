/** Accounts: read status, holds and limits; re-submit ID photos for an account under review. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DocumentStore } from '../../../adapters/documents';
import type { CoreBanking } from '../../../adapters/ports';
import type { CoreAccount } from '../../../contracts/core-banking';
import { channelSchema } from '../../../domain/application';
import { resubmissionResultSchema, resubmissionSchema } from '../../../domain/review';
import {
  accountParamsSchema,
  accountViewSchema,
  idempotencyHeadersSchema,
  problemSchema,
} from '../../../sdk/schemas';
import { sameOwner } from '../../applications';
import type { Reviews } from '../../reviews';
import { allow, type Caller, type Credentials, ownerOf } from '../auth';
import { sendProblem } from '../problem';
import { requireUploaded } from '../uploaded';

/**
 * Partner-channel accounts are dedicated to their partner: an app sees only accounts of its own
 * channel (and partner); another channel's account answers 404, as if it did not exist. Staff see all.
 */
function visibleTo(caller: Caller, account: CoreAccount): boolean {
  if (caller.role !== 'app') return true;
  const channel = channelSchema.safeParse(account.channel);
  if (!channel.success) return false;
  return sameOwner(
    { channel: channel.data, ...(account.partnerId && { partnerId: account.partnerId }) },
    ownerOf(caller),
  );
}

export const accountRoutes =
  (deps: {
    tokens: Credentials;
    coreBanking: CoreBanking;
    reviews: Reviews;
    documents: DocumentStore;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/accounts/:accountNumber',
      {
        onRequest: allow(deps.tokens, 'app', 'operator', 'supervisor'),
        schema: {
          summary: 'Read an account: status, holds, limits and the bound account (masked)',
          params: accountParamsSchema,
          response: { 200: accountViewSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const account = await deps.coreBanking.getAccount(req.params.accountNumber);
        if (!account || !visibleTo(req.caller!, account))
          return sendProblem(reply, 404, 'Not found', 'no account with this number');
        return reply.send({
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
        });
      },
    );

    app.post(
      '/v1/accounts/:accountNumber/id-documents',
      {
        onRequest: allow(deps.tokens, 'app'),
        schema: {
          summary: 'Re-submit ID-card photos for an account under review (after a payment hold)',
          description:
            'Answers 202 with accepted: true when the photos pass the check and the next review round opens, or accepted: false with reasons when the customer must try again.',
          params: accountParamsSchema,
          headers: idempotencyHeadersSchema,
          body: resubmissionSchema,
          response: {
            202: resubmissionResultSchema,
            400: problemSchema,
            404: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const account = await deps.coreBanking.getAccount(req.params.accountNumber);
        if (!account || !visibleTo(req.caller!, account))
          return sendProblem(reply, 404, 'Not found', 'no account with this number');
        await requireUploaded(deps.documents, req.body, '');
        return reply
          .code(202)
          .send(await deps.reviews.resubmit(account.reference, req.body, req.headers['idempotency-key']));
      },
    );
  };
