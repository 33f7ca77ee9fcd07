/** The HTTP API v1 for apps and operators, with its OpenAPI document at /openapi.json and docs at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { DocumentStore } from '../../adapters/documents';
import type { CoreBanking } from '../../adapters/ports';
import type { Applications } from '../applications';
import type { Funnel } from '../funnel';
import type { Reviews } from '../reviews';
import type { Credentials } from './auth';
import { documentImageUpload, documentProblems } from './openapi-errors';
import { problemHandler, sendProblem } from './problem';
import { accountRoutes } from './routes/accounts';
import { applicationRoutes } from './routes/applications';
import { documentRoutes } from './routes/documents';
import { funnelRoutes } from './routes/funnel';
import { reviewRoutes } from './routes/reviews';

export interface ApiDeps {
  tokens: Credentials;
  applications: Applications;
  reviews: Reviews;
  funnel: Funnel;
  documents: DocumentStore;
  coreBanking: CoreBanking;
  logger?: Logger;
}

/** JSON bodies are small; images have their own limit on their route. */
const JSON_BODY_LIMIT = 64 * 1024;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: JSON_BODY_LIMIT,
    // Request logs carry method, route and status only: URLs hold no personal data, bodies would.
    disableRequestLogging: false,
  }) as unknown as FastifyInstance; // Fastify's logger generic differs per instance; the API uses none of it.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, 404, 'Not found', `no route ${req.method} ${req.url}`),
  );

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
        documentImageUpload(
          'openapiObject' in doc ? (doc.openapiObject as Record<string, unknown>) : {},
          '/v1/documents',
        ),
        [{ path: '/v1/applications', method: 'post', statuses: ['429'] }],
      ),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(documentRoutes(deps));
  await app.register(applicationRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(reviewRoutes(deps));
  await app.register(funnelRoutes(deps));
  return app;
}
