/**
 * One definition of API v1's operations (sdk/routes.ts): the server registers exactly the
 * routes of the table, no more and no fewer, documents each of them in /openapi.json, and the
 * SDK fills their paths safely. The API is built with inert dependencies: only its routes are
 * looked at, nothing is called.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type ApiDeps, buildApi } from '../../api/app';
import { type HttpMethod, pathOf, type RouteParams, routes } from '../../sdk/routes';
import { operationKey, operationsOf } from '../api/openapi-support';

/** No tokens, logger or plugins, and every other dependency an empty object: routes register, none is called. */
const inertDeps = new Proxy({} as ApiDeps, {
  get: (_target, key) => (key === 'tokens' ? [] : key === 'logger' || key === 'plugins' ? undefined : {}),
});

let api: FastifyInstance;
beforeAll(async () => {
  api = await buildApi(inertDeps);
  await api.ready();
});
afterAll(async () => {
  await api?.close();
});

/**
 * Every route Fastify serves, hidden ones included, read from its route tree (printRoutes):
 * `├── /v1/reviews (GET, HEAD)` lines whose indentation says which line they extend.
 */
function servedRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

const tableKeys = () =>
  Object.values(routes)
    .map((r) => `${r.method} ${r.path}`)
    .sort();

describe('the route table is the API', () => {
  it('lists every /v1 route the server registers, and the server registers every route of the table', () => {
    const served = servedRoutes(api);
    expect(served).toContain('GET /health'); // the parser reads the tree
    expect(served.filter((r) => r.split(' ')[1]!.startsWith('/v1/')).sort()).toEqual(tableKeys());
    for (const route of Object.values(routes)) {
      expect(api.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).toBe(
        true,
      );
    }
  });

  it('documents every operation of the table in /openapi.json, and nothing else under /v1', async () => {
    const res = await api.inject({ url: '/openapi.json' });
    const documented = operationsOf(res.json())
      .map((op) => op.key)
      .filter((key) => key.split(' ')[1]!.startsWith('/v1/'))
      .sort();
    const table = Object.values(routes)
      .map((r) => operationKey(r.method, r.path.replace(/:(\w+)/g, '{$1}')))
      .sort();
    expect(documented).toEqual(table);
  });

  it('has one name per operation', () => {
    expect(new Set(tableKeys()).size).toBe(Object.keys(routes).length);
  });
});

describe('pathOf', () => {
  it('fills the parameters, URL-encoded, so a value stays inside its segment', () => {
    expect(pathOf('submitSmsCode', { applicationId: 'a1b2' })).toBe('/v1/applications/a1b2/sms-code');
    expect(pathOf('getReview', { reviewId: '../funnel' })).toBe('/v1/reviews/..%2Ffunnel');
    expect(pathOf('getAccount', { accountNumber: '62 30?x#y' })).toBe('/v1/accounts/62%2030%3Fx%23y');
    expect(pathOf('funnel', {})).toBe('/v1/funnel');
    expect(new URL(pathOf('getReview', { reviewId: '../funnel' }), 'http://h').pathname).toBe(
      '/v1/reviews/..%2Ffunnel',
    );
  });

  it('refuses a value a URL would resolve away, or none', () => {
    for (const bad of ['', '.', '..']) {
      expect(() => pathOf('getApplication', { applicationId: bad })).toThrow(TypeError);
    }
    expect(() => pathOf('getApplication', {} as RouteParams<'getApplication'>)).toThrow(/:applicationId/);
  });

  it('types the parameters from the path', () => {
    expectTypeOf<RouteParams<'decide'>>().toEqualTypeOf<{ reviewId: string }>();
    expectTypeOf<RouteParams<'listReviews'>>().toEqualTypeOf<Record<never, never>>();
    expectTypeOf<(typeof routes)['startApplication']['method']>().toEqualTypeOf<'POST'>();
    expectTypeOf<(typeof routes)[keyof typeof routes]['method']>().toExtend<HttpMethod>();
  });
});
