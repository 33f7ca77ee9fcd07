/**
 * What both sandbox services share at the HTTP edge: one error shape, zod parsing that names
 * the field, and request logs that never carry bodies, query strings or path values (they hold
 * personal data: names, ID numbers, mobiles, card and account numbers).
 */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** More fields of the answer beside error and message (a refusal's `reason`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Logs the route pattern (`/core/v1/accounts/:accountNumber`), never the concrete URL. */
class PersonalDataFreeLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    _error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    reply.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  }
}

export function createServer(opts: {
  logger?: boolean;
  /** Where log lines go when `logger` is on (standard output unless said). */
  logStream?: { write(line: string): void };
  bodyLimit?: number;
}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          redact: ['req.headers', 'req.url', 'req.query'],
          ...(opts.logStream && { stream: opts.logStream }),
        }
      : false,
    logController: new PersonalDataFreeLogController(),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
  });

  // An empty body reaches the zod schema (and a 400 naming it) instead of fastify's own error shape.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    defaultJson(request, text, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .status(error.statusCode)
        .send({ error: error.code, ...error.details, message: error.message });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'unhandled error');
    const code = status === 400 ? 'BAD_REQUEST' : status >= 500 ? 'INTERNAL' : (error.code ?? 'ERROR');
    return reply
      .status(status)
      .send({ error: code, message: status >= 500 ? 'internal error' : error.message });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  app.get('/health', async () => ({ ok: true }));
  return app;
}

/** Parses with a contract schema; a failure is a 400 whose message names each bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((issue) => `${[what, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
  throw new HttpError(400, 'BAD_REQUEST', message);
}

export function requireIdempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.trim() === '') {
    throw new HttpError(400, 'BAD_REQUEST', 'header Idempotency-Key is required');
  }
  return key;
}
