/**
 * Staff's abnormal-account restrictions (docs/risk-life.md): an operator proposes with a category
 * and a note, a supervisor sending the same confirms (four eyes) and the account becomes
 * receive-only; after the holder's appeal (a re-verification), an operator lifts or upholds it.
 * Apps, partners and sessions never reach these routes (api/access.ts). The caller's id
 * goes into each message signed (api/services/bank-restrictions.ts), so the case takes no other name.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CoreBanking } from '../../adapters/ports';
import {
  bankRestrictionCaseSchema,
  restrictionCaseParamsSchema,
  restrictionDecisionRequestSchema,
  restrictionRequestSchema,
} from '../../domain/bank-restrictions';
import { routes } from '../../sdk/routes';
import { accountParamsSchema, problemSchema } from '../../sdk/schemas';
import type { BankRestrictions } from '../services/bank-restrictions';
import { ConflictError, NotFoundError } from '../services/errors';
import type { ReVerificationLists } from '../services/re-verification-lists';

export const restrictionRoutes =
  (deps: {
    coreBanking: CoreBanking;
    bankRestrictions?: BankRestrictions;
    reVerificationLists?: ReVerificationLists;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const { bankRestrictions } = deps;
    if (!bankRestrictions) return;

    /** The account, open: a closed one has nothing left to restrict. */
    const openAccount = async (accountNumber: string) => {
      const account = await deps.coreBanking.getAccount(accountNumber);
      if (!account) throw new NotFoundError('no account with this number');
      if (account.status === 'CLOSED') throw new ConflictError('the account is closed');
      return account;
    };

    app.post(
      routes.proposeRestriction.path,
      {
        schema: {
          summary: 'Propose a restriction of an abnormal account, or confirm the proposal (four eyes)',
          description:
            "An operator's proposal answers 202 with the case PROPOSED (it lapses unconfirmed after the policy's period). A supervisor other than the proposer sending the same category confirms it: 201 once the account is receive-only by the case's own hold, and the holder is told what to do and by when the bank decides (never the category). 403 when the proposer confirms their own proposal; 409 while another case of the account is open, or when the category differs from the proposal.",
          params: accountParamsSchema,
          body: restrictionRequestSchema,
          response: {
            201: bankRestrictionCaseSchema,
            202: bankRestrictionCaseSchema,
            400: problemSchema,
            403: problemSchema,
            404: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const caller = req.caller!;
        const account = await openAccount(req.params.accountNumber);
        const role = caller.role === 'supervisor' ? 'supervisor' : 'operator';
        const { status, view } = await bankRestrictions.propose(account, { id: caller.id, role }, req.body);
        return reply.code(status).send(view);
      },
    );

    app.post(
      routes.decideRestriction.path,
      {
        schema: {
          summary: "Decide a bank restriction: lift it, or uphold it after the holder's appeal",
          description:
            "LIFT removes the case's own hold only (any other restriction stays) and ends the case; UPHOLD, once the holder's appeal has passed its re-verification, keeps the restriction (the holder is told to contact the bank; staff may still lift it later). Audited; the app hears the outcome. 409 when the case is not waiting for that decision (the re-verification is still being checked, or nothing to uphold); 409 CLAIMED with claimedBy and until while another member of staff holds the account's claim from the lists.",
          params: restrictionCaseParamsSchema,
          body: restrictionDecisionRequestSchema,
          response: {
            200: bankRestrictionCaseSchema,
            400: problemSchema,
            // RESTRICTION_UNSIGNED: the case did not take the API's signature (an API holding another key).
            403: problemSchema,
            404: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const account = await deps.coreBanking.getAccount(req.params.accountNumber);
        if (!account) throw new NotFoundError('no account with this number');
        await deps.reVerificationLists?.refuseOthersClaim(req.params.accountNumber, req.caller!.id);
        return reply.send(
          await bankRestrictions.decide(account, req.params.caseId, req.caller!.id, req.body),
        );
      },
    );
  };
