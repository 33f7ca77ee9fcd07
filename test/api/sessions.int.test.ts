/**
 * Customers' sessions through HTTP API v1 on the real dev server: minted by an app for one
 * application or account (audited, never the token), refused once expired, telling the device
 * what it acts for; and the upload quota per session and per tenant a day.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { SqliteSessionStore, tokenHash } from '../../stores/sessions';
import { bearer, startApi } from '../support/api';
import { type Harness, OWN_APP_TENANT, startHarness } from '../support/harness';
import { openWithReview } from '../support/review';

let h: Harness;
let api: FastifyInstance;
const sessions = new SqliteSessionStore(':memory:');
beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h, undefined, {}, { perSession: 2, perTenantPerDay: 4 }, sessions);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const mint = (payload: object, who: Record<string, string> = bearer('app')) =>
  api.inject({ method: 'POST', url: '/v1/sessions', headers: who, payload });
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const upload = (
  headers: Record<string, string>,
  image = makeIdCardImage({ side: 'BACK', validUntil: randomUUID() }),
) =>
  api.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...headers, 'content-type': 'image/png' },
    payload: image,
  });

describe('minting', () => {
  it("for an account of the app's: the session reads that account, and the mint is audited without the token", async () => {
    const { accountNumber, req } = await openWithReview(h);
    const minted = await mint({ accountNumber, ttlSeconds: 600 });
    expect(minted.statusCode).toBe(201);
    const { sessionToken, sessionId, expiresAt, applicationId } = minted.json();
    expect(applicationId).toBe(req.applicationId);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);

    const me = await api.inject({ method: 'GET', url: '/v1/me', headers: as(sessionToken) });
    expect(me.json()).toEqual({
      id: 'test-app',
      role: 'session',
      session: { applicationId: req.applicationId, accountNumber, expiresAt },
    });
    const account = await api.inject({
      method: 'GET',
      url: `/v1/accounts/${accountNumber}`,
      headers: as(sessionToken),
    });
    expect(account.statusCode).toBe(200);

    const audit = await api.inject({
      method: 'GET',
      url: `/v1/audit?accountNumber=${accountNumber}`,
      headers: bearer('supervisor'),
    });
    const entries = audit.json().entries as {
      action: string;
      actor: string;
      refs?: Record<string, string>;
    }[];
    expect(entries.filter((e) => e.action === 'SESSION_MINTED')).toEqual([
      expect.objectContaining({ actor: 'test-app', refs: { sessionId, ttlSeconds: '600' } }),
    ]);
    expect(audit.body).not.toContain(sessionToken);
  });

  it("refuses another tenant's account (404), a lifetime over a day (400), and a mint by a session (403)", async () => {
    const { accountNumber } = await openWithReview(h);
    expect((await mint({ accountNumber }, bearer('app', 'partner-x'))).statusCode).toBe(404);
    const tooLong = await mint({ applicationId: randomUUID(), ttlSeconds: 86_401 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().detail).toMatch(/ttlSeconds/);
    const { sessionToken } = (await mint({ applicationId: randomUUID() })).json();
    expect((await mint({ applicationId: randomUUID() }, as(sessionToken))).statusCode).toBe(403);
  });
});

describe('a session past its expiry', () => {
  it('is refused with 401 on every call, as an unknown token is', async () => {
    const applicationId = randomUUID();
    const token = `aos_${randomUUID()}`;
    await sessions.put(
      {
        sessionId: randomUUID(),
        tenantId: 'test-app',
        channel: 'OWN_APP',
        applicationId,
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      },
      tokenHash(token),
    );
    const read = await api.inject({
      method: 'GET',
      url: `/v1/applications/${applicationId}`,
      headers: as(token),
    });
    expect(read.statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/v1/me', headers: as(token) })).statusCode).toBe(401);
  });
});

describe('the upload quota', () => {
  it('a session uploads its 2 documents, then gets 429 with Retry-After and nothing is stored', async () => {
    const { sessionToken, expiresAt } = (await mint({ applicationId: randomUUID(), ttlSeconds: 300 })).json();
    expect((await upload(as(sessionToken))).statusCode).toBe(201);
    expect((await upload(as(sessionToken))).statusCode).toBe(201);
    const image = makeIdCardImage({ side: 'BACK', validUntil: randomUUID() });
    const third = await upload(as(sessionToken), image);
    expect(third.statusCode).toBe(429);
    const retryAfter = Number(third.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000) + 1);
    const id = createHash('sha256').update(image).digest('hex');
    expect(await h.documents.usable(id, OWN_APP_TENANT, randomUUID())).toBe(false);
  });

  it("a tenant's sessions and token share its daily count; past it a 429 until China's midnight", async () => {
    // Partner-x's count is its own: the bank's app above does not spend it.
    const partner = bearer('app', 'partner-x');
    const first = makeIdCardImage({ side: 'BACK', validUntil: randomUUID() });
    expect((await upload(partner, first)).statusCode).toBe(201);
    expect((await upload(partner, first)).statusCode).toBe(201); // the same bytes count once
    const { sessionToken } = (await mint({ applicationId: randomUUID() }, partner)).json();
    expect((await upload(as(sessionToken))).statusCode).toBe(201);
    expect((await upload(partner)).statusCode).toBe(201);
    expect((await upload(partner)).statusCode).toBe(201);
    const over = await upload(partner);
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(86_400);
    expect(over.json().detail).toMatch(/for today/);
  });
});
