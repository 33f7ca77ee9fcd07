/**
 * Every error leaves the API in one shape, RFC 9457 problem details, naming the field and the
 * rule where there is one, so an app developer can fix the request without reading our code.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { codeOfStatus, type ProblemCode } from '../domain/problem-codes';
import { ConflictError, FieldError, ForbiddenError, NotFoundError, TooManyError } from './services/errors';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Every problem carries a `code` (domain/problem-codes.ts): the status's own unless the caller
 * names a more specific one in `extra.code`, so a caller never has to guess from the title.
 */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
  extra: { code?: ProblemCode; [field: string]: unknown } = {},
): FastifyReply {
  const { code = codeOfStatus(status), ...rest } = extra;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `urn:account-opening:problem:${status}`, title, status, detail, code, ...rest });
}

/** A wrong SMS code (an application's or a signing's): 422, with the tries left. */
export const sendWrongCode = (reply: FastifyReply, attemptsLeft: number): FastifyReply =>
  sendProblem(reply, 422, 'Wrong code', `the code is wrong; ${attemptsLeft} tries left`, {
    code: 'WRONG_CODE',
    attemptsLeft,
  });

export function problemHandler(
  err: FastifyError,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const errors: FieldProblem[] = err.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
    }));
    const first = errors[0];
    return sendProblem(reply, 400, 'Invalid request', first ? `${first.field} ${first.message}` : 'invalid', {
      errors,
    });
  }
  if (err instanceof FieldError) {
    return sendProblem(reply, 400, 'Invalid request', `body.${err.field} ${err.message}`, {
      code: err.code,
      errors: [{ field: `body.${err.field}`, message: err.message }],
    });
  }
  if (err instanceof TooManyError) {
    reply.header('retry-after', String(err.retryAfterSeconds));
    return sendProblem(reply, 429, 'Too many requests', err.message, { code: err.code });
  }
  if (err instanceof ForbiddenError)
    return sendProblem(reply, 403, 'Forbidden', err.message, { code: err.code });
  if (err instanceof NotFoundError)
    return sendProblem(reply, 404, 'Not found', err.message, { code: err.code });
  if (err instanceof ConflictError) {
    return sendProblem(reply, 409, 'Conflict', err.message, { ...err.extra, code: err.code });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's own refusals: unparsable JSON, body too large, unsupported media type.
    return sendProblem(reply, err.statusCode, 'Invalid request', err.message);
  }
  req.log.error({ err: { message: err.message, type: err.name } }, 'request failed');
  return sendProblem(reply, 500, 'Internal error', 'the request could not be completed; it is safe to retry');
}
