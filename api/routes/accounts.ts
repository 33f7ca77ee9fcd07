/** Accounts: read status, holds and limits; re-submit ID photos for an account under review. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DocumentStore, tenantOf } from '../../adapters/documents';
import type { CoreBanking } from '../../adapters/ports';
import { BANK_RESTRICTION_HOLD_PREFIX, publicActionOf } from '../../domain/bank-restrictions';
import type { IdCardPhotos } from '../../domain/documents';
import { idRenewalResultSchema } from '../../domain/id-expiry';
import { publicHold, restrictionsOf } from '../../domain/restrictions';
import { resubmissionResultSchema, resubmissionSchema } from '../../domain/review';
import { routes } from '../../sdk/routes';
import {
  accountParamsSchema,
  accountViewSchema,
  idempotencyHeadersSchema,
  problemSchema,
} from '../../sdk/schemas';
import type { IdempotencyRecords } from '../../stores/idempotency-records';
import { type Caller, ownerOf } from '../auth';
import { bindIdempotencyKey } from '../idempotency';
import { isStaff, ownedAccount, requireOwner } from '../owner';
import type { BankRestrictions } from '../services/bank-restrictions';
import type { Renewals } from '../services/id-expiry';
import type { Reviews } from '../services/reviews';
import { requireUploaded, sealForApplication } from '../uploaded';

export const accountRoutes =
  (deps: {
    coreBanking: CoreBanking;
    reviews: Reviews;
    renewals?: Renewals;
    /** Abnormal-account restriction cases: staff read the case; the holder's action follows its status. */
    bankRestrictions?: BankRestrictions;
    documents: DocumentStore;
    idempotency: IdempotencyRecords;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    /** The caller's account (404 otherwise), and the new photos uploaded by the same app for it. */
    const accountWithUploads = async (caller: Caller, accountNumber: string, photos: IdCardPhotos) => {
      const account = requireOwner(
        caller,
        ownedAccount(await deps.coreBanking.getAccount(accountNumber)),
        'no account with this number',
      );
      await requireUploaded(deps.documents, photos, '', tenantOf(ownerOf(caller)), account.reference);
      return account;
    };

    app.get(
      routes.getAccount.path,
      {
        schema: {
          summary: 'Read an account: status, restrictions, limits and the bound account (masked)',
          description:
            'restrictions says what restricts the account and what the customer can do about it. Staff read holds as core banking placed them; apps, partners and sessions read each hold with its restriction kind as reason and an opaque holdId.',
          params: accountParamsSchema,
          response: { 200: accountViewSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const account = requireOwner(
          req.caller!,
          ownedAccount(await deps.coreBanking.getAccount(req.params.accountNumber)),
          'no account with this number',
        );
        const staff = isStaff(req.caller!);
        // Asked only when staff read the account or a bank restriction holds it: other reads cost no query.
        const restriction =
          deps.bankRestrictions &&
          (staff || account.holds.some((h) => h.holdId.startsWith(BANK_RESTRICTION_HOLD_PREFIX)))
            ? await deps.bankRestrictions.latest(account.reference)
            : undefined;
        const caseHold = restriction?.view.holdId;
        const contactBank = new Set(
          caseHold && publicActionOf(restriction.view.status) === 'CONTACT_BANK' ? [caseHold] : [],
        );
        return reply.send({
          accountNumber: account.accountNumber,
          accountClass: account.accountClass,
          status: account.status,
          limits: account.limits,
          openedAt: account.openedAt,
          // Staff read each hold as placed; everyone else its kind only (no tipping-off).
          holds: staff ? account.holds : account.holds.map(publicHold),
          // A re-verification due by the holder's rating shows RE_VERIFY before any hold (the risk life).
          restrictions: restrictionsOf(
            account.holds,
            { dueAt: account.reVerificationDueAt, now: new Date() },
            contactBank,
          ),
          boundAccount: account.binding && {
            maskedNumber: account.binding.maskedNumber,
            kind: account.binding.kind,
          },
          // The case's category, note and staff names are staff's alone (no tip-off).
          ...(staff && restriction && { bankRestriction: restriction.view }),
        });
      },
    );

    app.post(
      routes.resubmitIdDocuments.path,
      {
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
        schema: {
          summary:
            "Photos of the holder's new ID card: accepted, the new end date is kept and the expiry holds are lifted",
          description:
            "Checked as a review checks re-submitted photos: against the account's holder, and valid today. Answers as soon as the renewal is decided (the ID_RENEWED webhook follows in the background): accepted: false with reasons when the customer must try again; 409 while another renewal of the account is being checked.",
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
