/** The operators' calls: the review queue, one case with its decisions, and decisions. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decisionRequestSchema, reviewCaseSchema } from '../../domain/review';
import { routes } from '../../sdk/routes';
import {
  idempotencyHeadersSchema,
  problemSchema,
  reviewFilterSchema,
  reviewPageSchema,
} from '../../sdk/schemas';
import type { IdempotencyRecords } from '../../stores/idempotency-records';
import { bindIdempotencyKey } from '../idempotency';
import type { Reviews } from '../services/reviews';

const reviewParamsSchema = z.strictObject({
  reviewId: z.string().regex(/^review-[0-9a-f-]{36}$/, 'must be a reviewId such as review-<applicationId>'),
});

export const reviewRoutes =
  (deps: { reviews: Reviews; idempotency: IdempotencyRecords }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      routes.listReviews.path,
      {
        schema: {
          summary:
            'The review queue, filtered (status, escalated, hold, reason, flowVersion, channel), oldest first',
          description:
            "One page of `limit` cases; `nextPageToken` (absent on the last page) is the next page's `pageToken`. Oldest first across pages where visibility can order (PostgreSQL, MySQL, Elasticsearch); on the dev server's SQLite each page is sorted oldest first.",
          querystring: reviewFilterSchema,
          response: { 200: reviewPageSchema, 400: problemSchema },
        },
      },
      async (req) => deps.reviews.page(req.query),
    );

    app.get(
      routes.getReview.path,
      {
        schema: {
          summary: 'One case with its full decision history (who, when, why, round, rule version)',
          params: reviewParamsSchema,
          response: { 200: reviewCaseSchema, 404: problemSchema },
        },
      },
      async (req) => deps.reviews.get(req.params.reviewId),
    );

    app.post(
      routes.decide.path,
      {
        preHandler: bindIdempotencyKey(deps.idempotency),
        schema: {
          summary:
            'Decide the open round; the operator is the caller. APPROVE and REJECT take effect (a watch-list approval once another operator approves too); CLOSE_ACCOUNT and CONFIRM_FRAUD once a supervisor sends the same decision. 409 when the round is stale or decided, or another operator holds the claim; 403 when the second decision comes from the first decider, or a non-supervisor confirms a terminal one',
          params: reviewParamsSchema,
          headers: idempotencyHeadersSchema,
          body: decisionRequestSchema,
          response: {
            200: reviewCaseSchema,
            400: problemSchema,
            403: problemSchema,
            404: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (req) =>
        deps.reviews.decide(req.params.reviewId, req.body, req.caller!, req.headers['idempotency-key']),
    );
  };
