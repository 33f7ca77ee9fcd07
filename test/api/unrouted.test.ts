/** Requests that fuzzing the OpenAPI document found answered badly: each is a clear 4xx problem now. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startApi } from '../support/api';
import { type Harness, startHarness } from '../support/harness';

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

describe('requests no route takes', () => {
  it('an upload with neither Content-Type nor body is a 400 naming the body', async () => {
    const res = await api.inject({ method: 'POST', url: '/v1/documents', headers: bearer('app') });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('a method the path does not have is a 405 with Allow listing the methods it has', async () => {
    const put = await api.inject({ method: 'PUT', url: '/v1/applications', headers: bearer('app') });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.json()).toMatchObject({ status: 405, title: 'Method not allowed' });

    const del = await api.inject({
      method: 'DELETE',
      url: `/v1/applications/${randomUUID()}`,
      headers: bearer('app'),
    });
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD']);
  });

  it('an unknown path is a 404 whose detail does not echo the query string', async () => {
    const res = await api.inject({
      url: '/v1/nothing-here?idNumber=11010519491231002X&mobile=13800138000',
      headers: bearer('app'),
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toMatch(/11010519491231002X|13800138000|idNumber|\?/);
    expect(res.json().detail).toBe('no route GET /v1/nothing-here');
  });
});
