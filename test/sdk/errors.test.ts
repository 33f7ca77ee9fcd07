/**
 * The SDK's ApiError carries the problem's `code`, typed from domain/problem-codes.ts, and still
 * reads an answer whose code it does not know (a newer API) or that has none (an older API, a
 * proxy). Pure: answers are made here, nothing is called.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ProblemCode } from '../../domain/problem-codes';
import { ApiError, apiErrorFrom } from '../../sdk/errors';

const answer = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

const problem = {
  type: 'urn:account-opening:problem:403',
  title: 'Forbidden',
  status: 403,
  detail: 'op-alice rejected round 1 and may not approve round 2',
};

describe("ApiError's code", () => {
  it("is the problem's code, typed from the API's enum", async () => {
    const err = await apiErrorFrom(answer({ ...problem, code: 'SAME_OPERATOR' }, 403));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'SAME_OPERATOR', detail: problem.detail });
    expectTypeOf(err.code).toEqualTypeOf<ProblemCode | undefined>();
  });

  it("is undefined for a code this SDK does not know, the problem's other fields still read", async () => {
    const err = await apiErrorFrom(
      answer(
        { ...problem, status: 400, code: 'SOMETHING_NEWER', errors: [{ field: 'body.note', message: 'x' }] },
        400,
      ),
    );
    expect(err).toMatchObject({ status: 400, code: undefined, field: 'body.note', title: 'Forbidden' });
  });

  it('is undefined for a problem without one, or an answer that is not problem details', async () => {
    expect(await apiErrorFrom(answer(problem, 403))).toMatchObject({
      code: undefined,
      detail: problem.detail,
    });
    expect(await apiErrorFrom(new Response('<html>bad gateway</html>', { status: 502 }))).toMatchObject({
      status: 502,
      code: undefined,
    });
  });
});
