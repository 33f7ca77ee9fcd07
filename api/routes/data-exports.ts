/**
 * POST /v1/data-exports: what the bank holds on one person, for a supervisor (docs/retention.md).
 * The ID number travels in the body only: URLs reach access logs, proxies and traces.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { dataExportRequestSchema } from '../../domain/legal-holds';
import { routes } from '../../sdk/routes';
import { problemSchema } from '../../sdk/schemas';
import { type DataExports, dataExportSchema } from '../services/data-exports';

export const dataExportRoutes =
  (deps: { dataExports: DataExports }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      routes.exportPersonalData.path,
      {
        schema: {
          summary: 'Everything the bank holds on one person, decrypted, as one JSON document (audited)',
          description:
            "Applications (as entered and as decided), accounts and their holder, reviews and decisions, payment agreements, documents' metadata and audit entries with their notes. The person is named by the ID number in the body; no application found is an export with none.",
          body: dataExportRequestSchema,
          response: { 200: dataExportSchema, 400: problemSchema },
        },
      },
      async (req) => deps.dataExports.export(req.body.idNumber, req.caller!.id),
    );
  };
