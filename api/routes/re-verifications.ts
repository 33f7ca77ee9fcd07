/**
 * The account's risk life, the holder's side: a re-verification (new ID photos or a selfie, and
 * the intent declaration again), checked like an opening against the account's holder, then
 * decided (workflows/re-verification/re-verification.ts). Answers the case's id at once; the
 * outcome reaches the app by webhook (ID_RE_VERIFIED / ID_RE_VERIFICATION_FAILED). While a bank
 * restriction is in force, the re-verification is the holder's appeal (api/services/re-verifications.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DocumentStore, tenantOf } from '../../adapters/documents';
import type { CoreBanking } from '../../adapters/ports';
import { reVerificationRequestSchema, reVerificationStartedSchema } from '../../domain/risk-life';
import { routes } from '../../sdk/routes';
import { accountParamsSchema, problemSchema } from '../../sdk/schemas';
import { ownerOf } from '../auth';
import { ownedAccount, requireOwner } from '../owner';
import { ConflictError } from '../services/errors';
import type { ReVerifications } from '../services/re-verifications';
import { requireUploaded, sealForApplication } from '../uploaded';

export const reVerificationRoutes =
  (deps: {
    coreBanking: CoreBanking;
    documents: DocumentStore;
    reVerifications?: ReVerifications;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const { reVerifications } = deps;
    if (!reVerifications) return;
    app.post(
      routes.reVerify.path,
      {
        schema: {
          summary: "Re-verify the account's holder: new ID photos or a selfie, with the intent declaration",
          description:
            "Checked like an opening (OCR and the identity register for ID photos, face for a selfie) against the account's holder. Answers 202 with the case's id; the outcome follows by webhook: ID_RE_VERIFIED (the next due date set, any hold of a missed re-verification lifted) or ID_RE_VERIFICATION_FAILED with reasons (the holder may try again). While a bank restriction is in force, this is the holder's appeal against it: the same answer, and once it passes an operator decides within the stated time (RESTRICTION_UNDER_APPEAL, then RESTRICTION_LIFTED or RESTRICTION_UPHELD). 409 while another re-verification of the account is being checked, or while an appeal is being decided.",
          params: accountParamsSchema,
          body: reVerificationRequestSchema,
          response: {
            202: reVerificationStartedSchema,
            400: problemSchema,
            404: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const caller = req.caller!;
        const account = requireOwner(
          caller,
          ownedAccount(await deps.coreBanking.getAccount(req.params.accountNumber)),
          'no account with this number',
        );
        if (account.status === 'CLOSED') throw new ConflictError('the account is closed');
        const { documents } = req.body;
        await requireUploaded(
          deps.documents,
          documents,
          'documents.',
          tenantOf(ownerOf(caller)),
          account.reference,
        );
        await sealForApplication(deps.documents, documents, account.reference);
        return reply.code(202).send(await reVerifications.start(account, req.body));
      },
    );
  };
