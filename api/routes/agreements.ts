/**
 * Payment institutions' calls: sign an agreement (elements, then the SMS code), cancel it, debit
 * under it. An account's app and staff list the account's agreements; the app may cancel them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreBanking } from '../../adapters/ports';
import { agreementSigningViewSchema, signingRequestSchema } from '../../domain/agreement-signing';
import { debitSchema, type Institution } from '../../domain/agreements';
import { smsCodeSchema } from '../../domain/application';
import { routes } from '../../sdk/routes';
import {
  accountParamsSchema,
  agreementCodeAnswerSchema,
  agreementListSchema,
  agreementParamsSchema,
  debitRequestBodySchema,
  problemSchema,
} from '../../sdk/schemas';
import type { AuditTrail } from '../../stores/audit';
import type { Caller } from '../auth';
import { isStaff, ownedAccount, visibleTo } from '../owner';
import { sendProblem, sendWrongCode } from '../problem';
import type { Agreements } from '../services/agreements';

export const agreementRoutes =
  (deps: { agreements: Agreements; coreBanking: CoreBanking; audit: AuditTrail }): FastifyPluginAsyncZod =>
  async (app) => {
    const institutionOf = (caller: Caller) => caller.id as Institution;
    /** Whether an app or session caller owns the account (the same owner rule as every other route). */
    const owns = (caller: Caller) => async (accountNumber: string) => {
      const account = ownedAccount(await deps.coreBanking.getAccount(accountNumber));
      return account !== undefined && visibleTo(caller, account);
    };

    app.post(
      routes.startAgreement.path,
      {
        schema: {
          summary: "Sign an agreement: the holder's elements are checked and an SMS code goes to the holder",
          description:
            "Idempotent by the institution's reference: the same request again answers the same signing; another request under a used reference is a 409. Answers AWAITING_SMS_CODE with the code's expiry, or REFUSED with a reason (HOLDER_MISMATCH also for an unknown account). Elements that do not match, and the codes sent to the holder, are counted per account and day before anything starts: past either of the day's counts, 429 with Retry-After and nothing checked or sent. The limits granted on signing never exceed the bank's policy for the scope.",
          body: signingRequestSchema,
          response: {
            200: agreementSigningViewSchema,
            400: problemSchema,
            409: problemSchema,
            429: problemSchema,
          },
        },
      },
      async (req) => deps.agreements.start(req.body, institutionOf(req.caller!)),
    );

    app.get(
      routes.getAgreement.path,
      {
        schema: {
          summary:
            "Read a signing: its status and, once signed, the agreement number and limits (the institution's own only)",
          params: agreementParamsSchema,
          response: { 200: agreementSigningViewSchema, 404: problemSchema },
        },
      },
      async (req) => deps.agreements.get(req.params.agreementId, institutionOf(req.caller!)),
    );

    app.post(
      routes.submitAgreementCode.path,
      {
        schema: {
          summary:
            'Submit the SMS code the holder received; answers the signed agreement, or 422 with the tries left',
          params: agreementParamsSchema,
          body: z.strictObject({ code: smsCodeSchema }),
          response: {
            200: agreementCodeAnswerSchema,
            400: problemSchema,
            404: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const result = await deps.agreements.submitCode(
          req.params.agreementId,
          req.body.code,
          institutionOf(req.caller!),
        );
        if (result.status === 'AWAITING_SMS_CODE') return sendWrongCode(reply, result.attemptsLeft);
        return reply.send(result);
      },
    );

    app.delete(
      routes.cancelAgreement.path,
      {
        schema: {
          summary:
            "Cancel an agreement (or a signing in progress): its institution, the account's app, or staff (recorded in the audit log). Final",
          params: agreementParamsSchema,
          response: {
            200: z.object({ status: z.literal('CANCELLED') }),
            404: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req) => {
        const caller = req.caller!;
        const staff = isStaff(caller);
        const who =
          caller.role === 'institution'
            ? { institution: institutionOf(caller) }
            : staff
              ? { staff: caller.id }
              : { accountApp: true as const };
        const { agreementId } = req.params;
        const { status, accountNumber } = await deps.agreements.cancel(agreementId, who, owns(caller));
        if (staff) {
          // A bank employee stopping a customer's payments answers for it: who, when, which.
          // (An agreement's account is never deleted from core banking but in the sandbox.)
          const account = await deps.coreBanking.getAccount(accountNumber);
          if (account) {
            await deps.audit.record({
              id: `agreement-cancel:${agreementId}`,
              at: new Date().toISOString(),
              actor: caller.id,
              action: 'AGREEMENT_CANCELLED',
              applicationId: account.reference,
              accountNumber,
              refs: { agreementId },
            });
          }
        }
        return { status };
      },
    );

    app.get(
      routes.listAgreements.path,
      {
        schema: {
          summary: "An account's agreements, oldest first: the account's app and staff",
          params: accountParamsSchema,
          response: { 200: agreementListSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const { accountNumber } = req.params;
        const notFound = () => sendProblem(reply, 404, 'Not Found', 'no account with this number');
        if (!(await owns(req.caller!)(accountNumber))) return notFound();
        const agreements = await deps.agreements.listForAccount(accountNumber);
        if (!agreements) return notFound();
        return reply.send({ agreements });
      },
    );

    app.post(
      routes.debit.path,
      {
        schema: {
          summary: 'Debit an account under a signed agreement; idempotent by the reference',
          description:
            "Only through the institution's own active agreement number. Refused (422 with a reason) when the account is receive-only or frozen, when the agreement's per-debit or daily limit or the Class II caps for payments to non-bound accounts (10,000 a day, 200,000 a year) would be passed, when an entrusted debit names another payee or falls outside its term, or when funds are short. The same reference and body answer the same debit (200); another body under a used reference is a 409.",
          body: debitRequestBodySchema,
          response: {
            200: debitSchema,
            201: debitSchema,
            400: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const answer = await deps.agreements.debit(req.body, institutionOf(req.caller!));
        if ('settled' in answer) return reply.code(answer.replayed ? 200 : 201).send(answer.settled);
        if (answer.refused === 'REFERENCE_REUSED') {
          return sendProblem(reply, 409, 'Conflict', 'this reference was already used for another debit', {
            code: 'REQUEST_MISMATCH',
          });
        }
        return sendProblem(reply, 422, 'Debit refused', `the debit is refused: ${answer.refused}`, {
          code: 'DEBIT_REFUSED',
          reason: answer.refused,
        });
      },
    );
  };
