/** Requests that fuzzing the OpenAPI document found answered badly: each is a clear 4xx problem now. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile, bearer } from '../support/api';

const t = apiPerFile();

describe('requests no route takes', () => {
  it('an upload with neither Content-Type nor body is a 400 naming the body', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/v1/documents', headers: bearer('app') });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('a method the path does not have is a 405 with Allow listing the methods it has', async () => {
    const put = await t.api.inject({ method: 'PUT', url: '/v1/applications', headers: bearer('app') });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.json()).toMatchObject({ status: 405, title: 'Method not allowed' });

    const del = await t.api.inject({
      method: 'DELETE',
      url: `/v1/applications/${randomUUID()}`,
      headers: bearer('app'),
    });
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD']);
  });

  it('an unknown path is a 404 whose detail does not echo the query string', async () => {
    const res = await t.api.inject({
      url: '/v1/nothing-here?idNumber=11010519491231002X&mobile=13800138000',
      headers: bearer('app'),
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toMatch(/11010519491231002X|13800138000|idNumber|\?/);
    expect(res.json().detail).toBe('no route GET /v1/nothing-here');
  });
});
