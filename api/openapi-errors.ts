/**
 * What every operation of the API answers besides its own results, written into the OpenAPI
 * document in one place because it is decided in one place: authentication and roles (401,
 * 403) for every operation, validation (400) wherever a request has parameters or a body, and
 * errors as RFC 9457 problem details (application/problem+json).
 */
import { z } from 'zod';
import { problemSchema } from '../sdk/schemas';

type Json = Record<string, unknown>;
interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

const problemJson = z.toJSONSchema(problemSchema, { target: 'draft-2020-12' });
const DESCRIPTIONS: Record<string, string> = {
  '400': 'The request is invalid: the problem names each field and rule',
  '401': 'No valid bearer token',
  '403': "The token's role may not do this",
  '429': 'A daily limit is reached; retry after the Retry-After header',
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function documentProblems(
  openapi: Json,
  extra: { path: string; method: (typeof METHODS)[number]; statuses: string[] }[] = [],
): Json {
  const paths = (openapi.paths ?? {}) as Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.responses ??= {};
      const statuses = ['401', '403'];
      if (op.parameters?.length || op.requestBody) statuses.push('400');
      for (const e of extra) if (e.path === path && e.method === method) statuses.push(...e.statuses);
      for (const status of statuses) {
        op.responses[status] ??= { description: DESCRIPTIONS[status] ?? 'Refused' };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        response.description ??= DESCRIPTIONS[status] ?? 'Refused';
        response.content = { 'application/problem+json': { schema: problemJson } };
      }
    }
  }
  return openapi;
}

/** Uploads are raw image bytes, which no JSON schema on the route can say. */
export function documentImageUpload(openapi: Json, path: string): Json {
  const op = ((openapi.paths ?? {}) as Record<string, { post?: Operation }>)[path]?.post;
  if (op) {
    op.requestBody = {
      required: true,
      description: 'The image bytes, at most 5 MiB; the type is checked by the bytes, not the header',
      content: {
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
        'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
      },
    };
  }
  return openapi;
}
