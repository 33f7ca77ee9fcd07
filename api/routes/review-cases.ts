/**
 * What the review console needs beside the queue and decisions, each for staff only and through
 * the same token roles as every other call: claiming a case (a lease the review workflow holds,
 * so the API enforces it, not the page), the case file (the applicant's entries masked, the ID
 * photos), revealing one entry, and the photos themselves. Revealing an entry and viewing a
 * photo are recorded in the audit log before anything is answered: no record, no bytes.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DocumentNotFoundError, type DocumentStore, sniffImageType } from '../../adapters/documents';
import { documentIdSchema } from '../../domain/identifiers';
import { maskIdNumber, maskName } from '../../domain/masking';
import { caseFileSchema, claimSchema } from '../../domain/review';
import { routes } from '../../sdk/routes';
import { problemSchema, revealAnswerSchema, revealRequestSchema } from '../../sdk/schemas';
import type { AuditTrail } from '../../stores/audit';
import { NotFoundError } from '../services/errors';
import type { Reviews } from '../services/reviews';

type Json = Record<string, unknown>;

const reviewId = z
  .string()
  .regex(/^review-[0-9a-f-]{36}$/, 'must be a reviewId such as review-<applicationId>');
const reviewParamsSchema = z.strictObject({ reviewId });
const documentParamsSchema = z.strictObject({ reviewId, documentId: documentIdSchema });

export const reviewCaseRoutes =
  (deps: {
    reviews: Reviews;
    documents: DocumentStore;
    audit: Pick<AuditTrail, 'record' | 'recordDocumentView'>;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      routes.claimReview.path,
      {
        schema: {
          summary: 'Claim a case to decide it (or renew your claim) for the policy lease',
          description:
            'While the claim holds, a decision by anyone else is a 409 naming the holder. The claim ends with the decision, on release, or when the lease runs out. 409 with claimedBy and until while another holds it; 409 when the case has nothing to decide (awaiting new photos, or cleared).',
          params: reviewParamsSchema,
          response: { 200: claimSchema, 404: problemSchema, 409: problemSchema },
        },
      },
      async (req) => deps.reviews.claim(req.params.reviewId, req.caller!.id),
    );

    app.delete(
      routes.releaseClaim.path,
      {
        schema: {
          summary: 'Release a claim: its holder, or a supervisor for anyone',
          params: reviewParamsSchema,
          response: {
            204: z.null().describe('Released, or there was no claim'),
            403: problemSchema,
            404: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await deps.reviews.release(req.params.reviewId, req.caller!);
        return reply.code(204).send(null);
      },
    );

    app.get(
      routes.getCaseFile.path,
      {
        schema: {
          summary: "The applicant's entered name and ID number (masked) and the case's ID photos",
          params: reviewParamsSchema,
          response: { 200: caseFileSchema, 404: problemSchema },
        },
      },
      async (req) => {
        const file = await deps.reviews.caseFile(req.params.reviewId);
        return {
          applicant: { name: maskName(file.applicant.name), idNumber: maskIdNumber(file.applicant.idNumber) },
          documents: file.documents,
        };
      },
    );

    app.post(
      routes.revealApplicant.path,
      {
        schema: {
          summary: "One of the applicant's entered fields, unmasked; recorded in the audit log",
          params: reviewParamsSchema,
          body: revealRequestSchema,
          response: { 200: revealAnswerSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const file = await deps.reviews.caseFile(req.params.reviewId);
        const { field } = req.body;
        await deps.audit.record({
          id: `applicant-reveal:${randomUUID()}`,
          at: new Date().toISOString(),
          actor: req.caller!.id,
          action: 'APPLICANT_REVEALED',
          applicationId: file.applicationId,
          accountNumber: file.accountNumber,
          reason: field === 'name' ? 'NAME' : 'ID_NUMBER',
          refs: { reviewId: req.params.reviewId },
        });
        return reply.header('cache-control', 'no-store').send({ field, value: file.applicant[field] });
      },
    );

    app.get(
      routes.getReviewDocument.path,
      {
        schema: {
          summary: 'An ID photo of the case (the image bytes); each view is recorded in the audit log',
          params: documentParamsSchema,
          response: { 404: problemSchema },
        },
      },
      async (req, reply) => {
        const { reviewId: id, documentId } = req.params;
        const file = await deps.reviews.caseFile(id);
        // Only the case's own photos: a documentId alone opens nothing.
        if (!file.documents.some((d) => d.documentId === documentId)) {
          throw new NotFoundError('no document with this id in this case');
        }
        const bytes = await deps.documents.get(documentId, file.applicationId).catch((err: unknown) => {
          throw err instanceof DocumentNotFoundError
            ? new NotFoundError('the document is no longer stored')
            : err;
        });
        await deps.audit.recordDocumentView({
          applicationId: file.applicationId,
          accountNumber: file.accountNumber,
          documentId,
          reviewId: id,
          viewer: req.caller!.id,
          reason: 'REVIEW',
        });
        // Image bytes: sent as they are (Fastify serializes no Buffer); the route's schema names JSON only.
        return (reply as FastifyReply)
          .header('cache-control', 'no-store, private')
          .type(sniffImageType(bytes) ?? 'application/octet-stream')
          .send(bytes);
      },
    );
  };

/** The photo route answers image bytes, which no JSON schema on the route can say. */
export function documentImageDownload(openapi: Json): Json {
  const path = routes.getReviewDocument.path.replace(/:(\w+)/g, '{$1}');
  const op = ((openapi.paths ?? {}) as Record<string, { get?: { responses?: Record<string, unknown> } }>)[
    path
  ]?.get;
  if (op) {
    op.responses = {
      ...op.responses,
      200: {
        description: 'The image bytes, as uploaded',
        content: {
          'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
          'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
        },
      },
    };
  }
  return openapi;
}
