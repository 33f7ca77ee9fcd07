/** The HTTP API v1 for apps and operators, with its OpenAPI document at /openapi.json and docs at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { DocumentStore } from '../adapters/documents';
import type { CoreBanking } from '../adapters/ports';
import type { AuditTrail } from '../stores/audit';
import type { IdempotencyRecords } from '../stores/idempotency-records';
import type { SessionStore } from '../stores/sessions';
import { enforceAccess } from './access';
import type { Credentials } from './auth';
import { documentImageUpload, documentProblems } from './openapi-errors';
import { problemHandler } from './problem';
import { accountRoutes } from './routes/accounts';
import { agreementRoutes } from './routes/agreements';
import { applicationRoutes } from './routes/applications';
import { auditRoutes } from './routes/audit';
import { consoleRoutes } from './routes/console';
import { dataExportRoutes } from './routes/data-exports';
import { documentRoutes } from './routes/documents';
import { funnelRoutes } from './routes/funnel';
import { legalHoldRoutes } from './routes/legal-holds';
import { reVerificationListRoutes } from './routes/re-verification-lists';
import { reVerificationRoutes } from './routes/re-verifications';
import { restrictionRoutes } from './routes/restrictions';
import { documentImageDownload, reviewCaseRoutes } from './routes/review-cases';
import { reviewRoutes } from './routes/reviews';
import { sessionRoutes } from './routes/sessions';
import type { Agreements } from './services/agreements';
import type { Applications } from './services/applications';
import type { BankRestrictions } from './services/bank-restrictions';
import type { DataExports } from './services/data-exports';
import type { Funnel } from './services/funnel';
import type { Renewals } from './services/id-expiry';
import type { LegalHolds } from './services/legal-holds';
import type { ReVerificationLists } from './services/re-verification-lists';
import type { ReVerifications } from './services/re-verifications';
import type { Reviews } from './services/reviews';
import { answerUnrouted } from './unrouted';
import type { UploadQuotaDeps } from './upload-quota';

export interface ApiDeps {
  tokens: Credentials;
  /** Customers' sessions (stores/sessions.ts); without it no session can be minted or used. */
  sessions?: SessionStore;
  /** NODE_ENV=production: the applicant's page refuses a tenant's token (api/routes/console.ts). */
  production?: boolean;
  /** Documents a session, and a tenant per day, may upload (api/upload-quota.ts); unset, no quota. */
  uploadQuota?: UploadQuotaDeps;
  applications: Applications;
  /** Payment institutions' agreements and debits (the API runs without them in benchmarks of other routes). */
  agreements?: Agreements;
  /** Renewals of holders' ID cards (the expiry lifecycle). */
  renewals?: Renewals;
  /** Re-verifications of account holders (the account's risk life). */
  reVerifications?: ReVerifications;
  /** Abnormal-account restriction cases (the account's risk life); unset, the routes are not served. */
  bankRestrictions?: BankRestrictions;
  /** The console's lists of accounts due or overdue for re-verification, and their claims; unset, not served. */
  reVerificationLists?: ReVerificationLists;
  reviews: Reviews;
  funnel: Funnel;
  documents: DocumentStore;
  coreBanking: CoreBanking;
  /** Which request each Idempotency-Key came with (a 422 for the same key with another request). */
  idempotency: IdempotencyRecords;
  /** The audit log (stores/audit): supervisors read it; routes that show documents append to it. */
  audit: AuditTrail;
  /** Supervisors' legal holds and exports of a person's data (docs/retention.md); unset, not served. */
  legalHolds?: LegalHolds;
  dataExports?: DataExports;
  logger?: Logger;
  /**
   * Registered before every route (api/main.ts): /metrics, /health and /ready with a timer
   * per route (config/metrics.ts), and a trace span per request (config/tracing.ts).
   */
  plugins?: FastifyPluginAsync[];
}

/** JSON bodies are small; images have their own limit on their route. */
const JSON_BODY_LIMIT = 64 * 1024;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: JSON_BODY_LIMIT,
    // Request logging stays on (Fastify's default; its top-level disableRequestLogging option is
    // deprecated): each line carries method, route and status only, as config/logger.ts
    // serializes them, since URLs hold account numbers and bodies personal data.
  }) as unknown as FastifyInstance; // Fastify's logger generic differs per instance; the API uses none of it.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);
  answerUnrouted(app);
  for (const plugin of deps.plugins ?? []) await app.register(plugin);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'account-opening API',
        version: '1.0.0',
        description: 'Open Class II accounts remotely: apps start and follow applications; operators review.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) =>
      documentProblems(
        documentImageDownload(
          documentImageUpload(
            'openapiObject' in doc ? (doc.openapiObject as Record<string, unknown>) : {},
            '/v1/documents',
          ),
        ),
        [{ path: '/v1/applications', method: 'post', statuses: ['429'] }],
      ),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Who may call what, for every route registered after it (api/access.ts).
  enforceAccess(app, deps);
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(documentRoutes(deps));
  await app.register(applicationRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(reVerificationRoutes(deps));
  await app.register(restrictionRoutes(deps));
  await app.register(reviewRoutes(deps));
  await app.register(funnelRoutes(deps));
  await app.register(reVerificationListRoutes(deps));
  await app.register(auditRoutes(deps));
  if (deps.agreements) await app.register(agreementRoutes({ ...deps, agreements: deps.agreements }));
  await app.register(reviewCaseRoutes(deps));
  await app.register(sessionRoutes(deps));
  if (deps.legalHolds) await app.register(legalHoldRoutes({ legalHolds: deps.legalHolds }));
  if (deps.dataExports) await app.register(dataExportRoutes({ dataExports: deps.dataExports }));
  // The review console (/console) and the applicant's page (/apply), over the same /v1 calls.
  await app.register(consoleRoutes({ production: deps.production ?? false }));
  return app;
}
