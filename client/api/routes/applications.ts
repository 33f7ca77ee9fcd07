/** The app's calls: start an application, submit the SMS code, read an application. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DocumentStore } from '../../../documents/store';
import { startApplicationRequestSchema, submitSmsCodeRequestSchema } from '../../../domain/application';
import { deliverySchema } from '../../../domain/deliveries';
import { reviewWorkflowId } from '../../../domain/workflow-ids';
import type { Applications } from '../../applications';
import type { Reviews } from '../../reviews';
import { allow, type Credentials } from '../auth';
import { sendProblem } from '../problem';
import {
  applicationParamsSchema,
  applicationViewSchema,
  idempotencyHeadersSchema,
  problemSchema,
  submitCodeAnswerSchema,
} from '../schemas';
import { requireUploaded } from '../uploaded';

export const applicationRoutes =
  (deps: {
    tokens: Credentials;
    applications: Applications;
    reviews: Reviews;
    documents: DocumentStore;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/applications',
      {
        preHandler: allow(deps.tokens, 'app'),
        schema: {
          summary: 'Start an application; answers when it waits for the SMS code or is decided',
          description:
            'Idempotent by applicationId: the same request again answers the same application; a different request with a used applicationId is a 409.',
          body: startApplicationRequestSchema,
          response: {
            200: applicationViewSchema,
            202: applicationViewSchema,
            400: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await requireUploaded(deps.documents, req.body.documents, 'documents.');
        const view = await deps.applications.start(req.body);
        return reply.code(view.status === 'CHECKING' ? 202 : 200).send(view);
      },
    );

    app.post(
      '/v1/applications/:applicationId/sms-code',
      {
        preHandler: allow(deps.tokens, 'app'),
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
        const result = await deps.applications.submitSmsCode(
          req.params.applicationId,
          req.body.code,
          req.headers['idempotency-key'],
        );
        if (result.status === 'WRONG_CODE') {
          return sendProblem(
            reply,
            422,
            'Wrong code',
            `the code is wrong; ${result.attemptsLeft} tries left`,
            {
              attemptsLeft: result.attemptsLeft,
            },
          );
        }
        return reply.send(result);
      },
    );

    app.get(
      '/v1/applications/:applicationId',
      {
        preHandler: allow(deps.tokens, 'app', 'operator', 'supervisor'),
        schema: {
          summary: 'Read an application: status, steps and their outcomes, the account once opened',
          params: applicationParamsSchema,
          response: { 200: applicationViewSchema, 404: problemSchema },
        },
      },
      async (req) => deps.applications.get(req.params.applicationId),
    );

    app.get(
      '/v1/applications/:applicationId/events',
      {
        preHandler: allow(deps.tokens, 'app', 'operator', 'supervisor'),
        schema: {
          summary: "The delivery log of the application's webhook events, its review's included",
          params: applicationParamsSchema,
          response: { 200: z.object({ events: z.array(deliverySchema) }), 404: problemSchema },
        },
      },
      async (req) => {
        const view = await deps.applications.get(req.params.applicationId);
        const review =
          view.review && view.review !== 'NONE'
            ? await deps.reviews.get(reviewWorkflowId(req.params.applicationId))
            : undefined;
        return { events: [...view.deliveries, ...(review?.deliveries ?? [])] };
      },
    );
  };
