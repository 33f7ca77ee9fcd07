/** POST /v1/documents: ID-card and face images, stored by content address. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DocumentStore, MAX_DOCUMENT_BYTES, sniffImageType, tenantOf } from '../../adapters/documents';
import { routes } from '../../sdk/routes';
import { documentCreatedSchema, problemSchema } from '../../sdk/schemas';
import { ownerOf } from '../auth';
import { sendProblem } from '../problem';
import { takeUpload, type UploadQuotaDeps } from '../upload-quota';

export const documentRoutes =
  (deps: { documents: DocumentStore; uploadQuota?: UploadQuotaDeps }): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser(
      ['image/jpeg', 'image/png'],
      { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
      (_req, body, done) => done(null, body),
    );
    app.post(
      routes.uploadDocument.path,
      {
        bodyLimit: MAX_DOCUMENT_BYTES,
        schema: {
          summary: 'Upload an ID-card or face image (raw JPEG or PNG bytes, at most 5 MiB)',
          response: {
            201: documentCreatedSchema,
            400: problemSchema,
            413: problemSchema,
            415: problemSchema,
            429: problemSchema,
          },
        },
      },
      async (req, reply) => {
        // No Content-Type at all leaves the body unread: there are no image bytes to look at.
        if (req.body !== undefined && req.body !== null && !Buffer.isBuffer(req.body))
          return sendProblem(reply, 415, 'Unsupported image', 'body is neither a JPEG nor a PNG image');
        const bytes = req.body;
        if (bytes === undefined || bytes === null) {
          return sendProblem(reply, 400, 'Invalid request', 'body must be the image bytes', {
            errors: [
              {
                field: 'body',
                message: 'must be the JPEG or PNG bytes, with Content-Type image/jpeg or image/png',
              },
            ],
          });
        }
        const sniffed = sniffImageType(bytes);
        if (!sniffed)
          return sendProblem(reply, 415, 'Unsupported image', 'body is neither a JPEG nor a PNG image');
        if (sniffed !== req.headers['content-type']) {
          return sendProblem(
            reply,
            400,
            'Invalid request',
            `body is ${sniffed} but Content-Type says ${req.headers['content-type']}`,
          );
        }
        if (deps.uploadQuota) await takeUpload(deps.uploadQuota, req.caller!, bytes);
        const documentId = await deps.documents.put(bytes, tenantOf(ownerOf(req.caller!)));
        return reply.code(201).send({ documentId });
      },
    );
  };
