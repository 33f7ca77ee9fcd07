/** The HTTP API in-process on a harness's worker, for tests that go through HTTP. */
import type { FastifyInstance } from 'fastify';
import { httpCoreBanking } from '../../activities/http/core-banking';
import { buildApi } from '../../client/api/app';
import type { Harness } from './harness';

export const tokens = {
  app: 'test-app-token-0123456789',
  operator: 'test-operator-token-0123456789',
  supervisor: 'test-supervisor-token-0123456789',
};

export const bearer = (role: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[role]}` });

export function startApi(h: Harness): Promise<FastifyInstance> {
  return buildApi({
    tokens,
    applications: h.applications,
    documents: h.documents,
    coreBanking: httpCoreBanking(h.coreBankingUrl),
  });
}
