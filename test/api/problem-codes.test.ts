/**
 * Every problem the API sends carries a `code` from domain/problem-codes.ts: a workflow's refusal
 * by its type, the API's own refusals by theirs, so a caller (the SDK, the console) branches on
 * the code and never on a title or a status. In-process: Fastify's inject, no Temporal server.
 */
import { ApplicationFailure } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { problemHandler, sendWrongCode } from '../../api/problem';
import { ConflictError, FieldError, TooManyError } from '../../api/services/errors';
import { translateWorkflowError } from '../../api/services/workflow-errors';
import { API_PROBLEM_CODES, codeOfStatus, problemCodeSchema } from '../../domain/problem-codes';
import { type RefusalType, refusals } from '../../domain/refusals';

/** What the Temporal client throws for a validator's refusal: the failure is the cause. */
function refused(type: RefusalType, message: string, details: unknown[] = []): Error {
  const err = new Error('update failed');
  (err as { cause?: unknown }).cause = ApplicationFailure.create({ type, message, details });
  return err;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post('/refusal/:type', { schema: { params: z.object({ type: z.string() }) } }, async (req) => {
    throw translateWorkflowError(
      refused(req.params.type as RefusalType, 'refused by the workflow', [{ retryAfterSeconds: 30 }]),
      {
        notFound: 'no such thing',
      },
    );
  });
  typed.post(
    '/validated',
    { schema: { body: z.strictObject({ round: z.number().int() }) } },
    async () => ({}),
  );
  typed.post('/field', async () => {
    throw new FieldError('note', 'is required when rejecting');
  });
  typed.post('/conflict', async () => {
    throw new ConflictError(
      'this applicationId was already used with a different request',
      {},
      'REQUEST_MISMATCH',
    );
  });
  typed.post('/limit', async () => {
    throw new TooManyError('5 applications today', 60);
  });
  typed.post('/wrong-code', async (_req, reply) => sendWrongCode(reply, 2));
  typed.post('/broken', async () => {
    throw new Error('a bug');
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

describe('problem codes', () => {
  it("are one enum: the API's own and every workflow refusal's type, none twice", () => {
    const codes = problemCodeSchema.options;
    expect(codes).toEqual([...API_PROBLEM_CODES, ...Object.keys(refusals)]);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(Object.keys(refusals) as RefusalType[])(
    '%s: answered with its own status and its type as the code',
    async (type) => {
      const res = await app.inject({ method: 'POST', url: `/refusal/${type}` });
      expect(res.statusCode).toBe(refusals[type].status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status: refusals[type].status,
        code: type,
        detail: expect.stringContaining('refused by the workflow'),
      });
    },
  );

  it("names the API's own refusals: validation, a field, a conflict, a limit, a wrong code, a failure", async () => {
    const post = (url: string, payload?: unknown) =>
      app.inject({ method: 'POST', url, ...(payload !== undefined && { payload: payload as object }) });
    expect((await post('/validated', { round: 'one' })).json()).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      errors: [{ field: 'body.round' }],
    });
    expect((await post('/field')).json()).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect((await post('/conflict')).json()).toMatchObject({ status: 409, code: 'REQUEST_MISMATCH' });
    expect((await post('/limit')).json()).toMatchObject({ status: 429, code: 'LIMIT_REACHED' });
    expect((await post('/wrong-code')).json()).toMatchObject({
      status: 422,
      code: 'WRONG_CODE',
      attemptsLeft: 2,
    });
    expect((await post('/broken')).json()).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('gives every status the API answers a code of the enum', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503]) {
      expect(problemCodeSchema.safeParse(codeOfStatus(status)).success, String(status)).toBe(true);
    }
  });
});
