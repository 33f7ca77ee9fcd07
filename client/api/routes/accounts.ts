/** Accounts: read status, holds and limits; re-submit ID photos for an account under review. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DocumentStore, tenantOf } from '../../../adapters/documents';
import type { CoreBanking } from '../../../adapters/ports';
import type { IdCardPhotos } from '../../../domain/documents';
import { idRenewalResultSchema } from '../../../domain/id-expiry';
import { resubmissionResultSchema, resubmissionSchema } from '../../../domain/review';
import { routes } from '../../../sdk/routes';
import {
  accountParamsSchema,
  accountViewSchema,
  idempotencyHeadersSchema,
  problemSchema,
} from '../../../sdk/schemas';
import type { Renewals } from '../../id-expiry';
import type { IdempotencyRecords } from '../../idempotency-records';
import type { Reviews } from '../../reviews';
import { allow, type Caller, type Credentials, ownerOf } from '../auth';
import { bindIdempotencyKey } from '../idempotency';
import { requireOwner } from '../owner';
import { requireUploaded, sealForApplication } from '../uploaded';

export const accountRoutes =
  (deps: {
    tokens: Credentials;
    coreBanking: CoreBanking;
    reviews: Reviews;
    renewals?: Renewals;
    documents: DocumentStore;
    idempotency: IdempotencyRecords;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    /** The caller's account (404 otherwise), and the new photos uploaded by the same app for it. */
    const accountWithUploads = async (caller: Caller, accountNumber: string, photos: IdCardPhotos) => {
      const account = requireOwner(
        caller,
        await deps.coreBanking.getAccount(accountNumber),
        'no account with this number',
      );
      await requireUploaded(deps.documents, photos, '', tenantOf(ownerOf(caller)), account.reference);
      return account;
    };

    app.get(
      routes.getAccount.path,
      {
        onRequest: allow(deps.tokens, 'app', 'operator', 'supervisor'),
        schema: {
          summary: 'Read an account: status, holds, limits and the bound account (masked)',
          params: accountParamsSchema,
          response: { 200: accountViewSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const account = requireOwner(
          req.caller!,
          await deps.coreBanking.getAccount(req.params.accountNumber),
          'no account with this number',
        );
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
      routes.resubmitIdDocuments.path,
      {
        onRequest: allow(deps.tokens, 'app'),
        preHandler: bindIdempotencyKey(deps.idempotency),
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
            422: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const account = await accountWithUploads(req.caller!, req.params.accountNumber, req.body);
        const result = await deps.reviews.resubmit(
          account.reference,
          req.body,
          req.headers['idempotency-key'],
        );
        await sealForApplication(deps.documents, req.body, account.reference);
        return reply.code(202).send(result);
      },
    );

    const { renewals } = deps;
    if (!renewals) return;
    app.post(
      routes.renewIdCard.path,
      {
        onRequest: allow(deps.tokens, 'app'),
        schema: {
          summary:
            "Photos of the holder's new ID card: accepted, the new end date is kept and the expiry holds are lifted",
          description:
            "Checked as a review checks re-submitted photos: against the account's holder, and valid today. Answers accepted: false with reasons when the customer must try again; 409 while another renewal of the account is being checked.",
          params: accountParamsSchema,
          body: resubmissionSchema,
          response: {
            200: idRenewalResultSchema,
            400: problemSchema,
            404: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const account = await accountWithUploads(req.caller!, req.params.accountNumber, req.body);
        await sealForApplication(deps.documents, req.body, account.reference);
        return reply.send(await renewals.renew(account, req.body));
      },
    );
  };
