/**
 * The console's risk-life lists beside the review queue (docs/risk-life.md): accounts whose
 * re-verification is due or overdue, or whose bank restriction's appeal awaits a decision, paged; an account opened (audited), claimed and released as
 * review cases are; and the re-verification funnel. Operators and supervisors only
 * (api/access.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  reVerificationFunnelSchema,
  riskLifeAccountSchema,
  riskLifeListPageSchema,
  riskLifeListQuerySchema,
} from '../../domain/re-verification-outcomes';
import { claimSchema } from '../../domain/review';
import { routes } from '../../sdk/routes';
import { accountParamsSchema, funnelPeriodSchema, problemSchema } from '../../sdk/schemas';
import type { Funnel } from '../services/funnel';
import { decodeCursor, type ReVerificationLists } from '../services/re-verification-lists';

/** A cursor of another list, or none this API answered, is the caller's mistake: 400 naming `cursor`. */
const listQuerySchema = riskLifeListQuerySchema.superRefine((q, ctx) => {
  if (q.cursor !== undefined && decodeCursor(q.status, q.cursor) === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['cursor'],
      message: 'must be a cursor this listing answered for the same status',
    });
});

export const reVerificationListRoutes =
  (deps: { reVerificationLists?: ReVerificationLists; funnel: Funnel }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      routes.reVerificationFunnel.path,
      {
        schema: {
          summary:
            'Re-verification outcomes: cases started in the period, passed, failed by class of reason, in progress',
          querystring: funnelPeriodSchema,
          response: { 200: reVerificationFunnelSchema, 400: problemSchema },
        },
      },
      async (req) => deps.funnel.reVerifications(req.query),
    );

    const lists = deps.reVerificationLists;
    if (!lists) return;
    app.get(
      routes.listReVerificationsDue.path,
      {
        schema: {
          summary:
            "Accounts whose holder's re-verification is DUE (within grace) or OVERDUE (receive-only), or whose bank restriction's appeal passed and awaits a decision (APPEALED)",
          description:
            "DUE and OVERDUE oldest due date first; APPEALED the most recently proposed case first, each row with its `caseId` and the decision deadline as `dueAt`. Paged by `cursor` (send the answer's `nextCursor` with the same `status`; another list's cursor is a 400). Staff see the holder's name masked and the rating; `overdue` says the list's deadline has passed; `claim` says who works the account now.",
          querystring: listQuerySchema,
          response: { 200: riskLifeListPageSchema, 400: problemSchema },
        },
      },
      async (req) => lists.list(req.query),
    );

    app.get(
      routes.openReVerificationDue.path,
      {
        schema: {
          summary: 'One account of the lists, opened: recorded in the audit log before it is answered',
          params: accountParamsSchema,
          response: { 200: riskLifeAccountSchema, 400: problemSchema, 404: problemSchema },
        },
      },
      async (req, reply) =>
        reply
          .header('cache-control', 'no-store')
          .send(await lists.open(req.params.accountNumber, req.caller!.id)),
    );

    app.post(
      routes.claimReVerificationDue.path,
      {
        schema: {
          summary:
            "Claim an account of the lists (or renew your claim) for the review policy's lease; audited",
          description:
            '409 CLAIMED with claimedBy and until while another holds it; 409 NOT_CLAIMABLE when the account is on no list now.',
          params: accountParamsSchema,
          response: { 200: claimSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema },
        },
      },
      async (req) => lists.claim(req.params.accountNumber, req.caller!.id),
    );

    app.delete(
      routes.releaseReVerificationDueClaim.path,
      {
        schema: {
          summary: 'Release a claim on an account: its holder, or a supervisor for anyone; audited',
          params: accountParamsSchema,
          response: {
            204: z.null().describe('Released, or there was no claim'),
            400: problemSchema,
            403: problemSchema,
            404: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await lists.release(req.params.accountNumber, req.caller!.id, req.caller!.role === 'supervisor');
        return reply.code(204).send(null);
      },
    );
  };
