/** The app's calls: start an application, submit the SMS code, read an application. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type DocumentStore, tenantOf } from '../../adapters/documents';
import {
  type ApplicationView,
  channelSchema,
  startApplicationRequestSchema,
  submitSmsCodeRequestSchema,
} from '../../domain/application';
import { deliverySchema, isOpsEvent } from '../../domain/deliveries';
import { publicApplicationView, publicCodeResult } from '../../domain/public-reasons';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { routes } from '../../sdk/routes';
import {
  applicationParamsSchema,
  applicationViewSchema,
  idempotencyHeadersSchema,
  problemSchema,
  resendCodeAnswerSchema,
  submitCodeAnswerSchema,
} from '../../sdk/schemas';
import type { IdempotencyRecords } from '../../stores/idempotency-records';
import { type Caller, ownerOf } from '../auth';
import { bindIdempotencyKey } from '../idempotency';
import { isStaff, requireOwner } from '../owner';
import { sendProblem, sendWrongCode } from '../problem';
import type { Applications } from '../services/applications';
import type { Reviews } from '../services/reviews';
import { requireUploaded, sealForApplication } from '../uploaded';

export const applicationRoutes =
  (deps: {
    applications: Applications;
    reviews: Reviews;
    documents: DocumentStore;
    idempotency: IdempotencyRecords;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    /** An app reads only its channel's (and its partner's) applications; staff read all. Others': 404. */
    const readable = async (caller: Caller, applicationId: string) =>
      requireOwner(
        caller,
        await deps.applications.get(applicationId),
        'no application with this applicationId',
      );

    /** Apps, partners and sessions are told coarse reasons; staff see the detailed ones (domain/public-reasons.ts). */
    const shown = (caller: Caller, view: ApplicationView) =>
      isStaff(caller) ? view : publicApplicationView(view);

    app.post(
      routes.startApplication.path,
      {
        // The channel is the token's: a body naming another is refused before validation, and an
        // absent one is filled in, so the flow version defaults and checks are the channel's.
        preValidation: async (req, reply) => {
          const caller = req.caller!;
          const body = req.body as Record<string, unknown> | undefined;
          if (!body || typeof body !== 'object' || Array.isArray(body)) return;
          // A session starts the application it was minted for and no other (before validation,
          // so that no malformed body is needed to learn which one that is).
          const own = caller.session?.applicationId;
          if (own !== undefined && String(body.applicationId ?? '').toLowerCase() !== own) {
            return sendProblem(
              reply,
              403,
              'Forbidden',
              `body.applicationId is not the application this session was minted for (${own})`,
            );
          }
          const { channel } = ownerOf(caller);
          if (body.channel === undefined) body.channel = channel;
          // An unknown channel is a malformed field (400 from validation); a known other one is forbidden.
          else if (channelSchema.safeParse(body.channel).success && body.channel !== channel) {
            return sendProblem(
              reply,
              403,
              'Forbidden',
              `body.channel ${JSON.stringify(body.channel)} is not this token's channel (${channel}); leave it out or send ${channel}`,
            );
          }
        },
        schema: {
          summary: 'Start an application; answers when it waits for the SMS code or is decided',
          description:
            "Idempotent by applicationId: the same request again answers the same application; a different request with a used applicationId is a 409. The channel is the token's: a body channel that contradicts it is a 403. flowVersion defaults to the channel's (OWN_APP: v4, PARTNER: v2); v1 needs no documents, v2 needs documents.selfie and no mobile, v3 needs documents.idFront and idBack, v4 what v3 needs plus intent and device (a declaration that is not true is answered REJECTED INTENT_NOT_CONFIRMED). A v2 start answers the decided application (OPENED or REJECTED): there is no code to wait for.",
          body: startApplicationRequestSchema,
          response: {
            200: applicationViewSchema,
            202: applicationViewSchema,
            400: problemSchema,
            403: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const owner = ownerOf(req.caller!);
        const { applicationId, documents } = req.body;
        await requireUploaded(deps.documents, documents, 'documents.', tenantOf(owner), applicationId);
        const view = await deps.applications.start(req.body, { ...owner, caller: req.caller!.id });
        await sealForApplication(deps.documents, documents, applicationId);
        return reply
          .code(view.status === 'CHECKING' || view.status === 'OPENING' ? 202 : 200)
          .send(publicApplicationView(view));
      },
    );

    app.post(
      routes.submitSmsCode.path,
      {
        preHandler: bindIdempotencyKey(deps.idempotency),
        schema: {
          summary: 'Submit the SMS code; answers the opened account, or 422 with the tries left',
          params: applicationParamsSchema,
          headers: idempotencyHeadersSchema,
          body: submitSmsCodeRequestSchema,
          response: {
            200: submitCodeAnswerSchema,
            400: problemSchema,
            404: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await readable(req.caller!, req.params.applicationId);
        const result = await deps.applications.submitSmsCode(
          req.params.applicationId,
          req.body.code,
          req.headers['idempotency-key'],
        );
        if (result.status === 'WRONG_CODE') return sendWrongCode(reply, result.attemptsLeft);
        return reply.send(publicCodeResult(result));
      },
    );

    app.post(
      routes.resendSmsCode.path,
      {
        preHandler: bindIdempotencyKey(deps.idempotency),
        schema: {
          summary:
            'Ask for a new SMS code; 202 with the new codes left, or 429 with Retry-After when too early',
          description:
            "The same verification gets a new code, sent to the card's reserved mobile; the code sent before stops counting and the tries left carry over. The application waits for the new code as long as it lives. A new code may be asked for once the policy's interval since the last one has passed (else 429, Retry-After in seconds), a few times (then 409); 409 too when the application is not waiting for a code.",
          params: applicationParamsSchema,
          headers: idempotencyHeadersSchema,
          response: {
            202: resendCodeAnswerSchema,
            404: problemSchema,
            409: problemSchema,
            429: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await readable(req.caller!, req.params.applicationId);
        const result = await deps.applications.resendSmsCode(
          req.params.applicationId,
          req.headers['idempotency-key'],
        );
        return reply.code(202).send(result);
      },
    );

    app.get(
      routes.getApplication.path,
      {
        schema: {
          summary: 'Read an application: status, steps and their outcomes, the account once opened',
          params: applicationParamsSchema,
          response: { 200: applicationViewSchema, 404: problemSchema },
        },
      },
      async (req) => shown(req.caller!, await readable(req.caller!, req.params.applicationId)),
    );

    app.get(
      routes.listEvents.path,
      {
        schema: {
          summary: "The delivery log of the application's webhook events, its review's included",
          params: applicationParamsSchema,
          response: { 200: z.object({ events: z.array(deliverySchema) }), 404: problemSchema },
        },
      },
      async (req) => {
        const view = await readable(req.caller!, req.params.applicationId);
        const review =
          view.review && view.review !== 'NONE'
            ? await deps.reviews.get(reviewWorkflowId(req.params.applicationId))
            : undefined;
        const events = [...view.deliveries, ...(review?.deliveries ?? [])];
        // Alerts to the bank's operations team are theirs: in an app's log they would tip it off.
        return { events: isStaff(req.caller!) ? events : events.filter((e) => !isOpsEvent(e.type)) };
      },
    );
  };
