/**
 * The review console's calls, through HTTP and without any page: a claim is a lease the review
 * workflow holds, so two operators deciding the same case are told apart by the API itself; the
 * queue pages oldest first; the case file masks the applicant until a reveal, and both a reveal
 * and a photo view land in the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startApi } from '../support/api';
import { type Harness, startHarness } from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';

const LEASE_SECONDS = 3;

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness({ review: { claimLeaseSeconds: LEASE_SECONDS } });
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const alice = bearer('operator', 'op-alice');
const bob = bearer('operator', 'op-bob');
const carol = bearer('supervisor', 'sup-carol');

const claim = (reviewId: string, who: Record<string, string>) =>
  api.inject({ method: 'POST', url: `/v1/reviews/${reviewId}/claim`, headers: who });
const release = (reviewId: string, who: Record<string, string>) =>
  api.inject({ method: 'DELETE', url: `/v1/reviews/${reviewId}/claim`, headers: who });
const decide = (reviewId: string, who: Record<string, string>, body: Record<string, unknown>) =>
  api.inject({ method: 'POST', url: `/v1/reviews/${reviewId}/decisions`, headers: who, payload: body });

const reject = {
  round: 1,
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'the number is blurred',
};

describe('a claim is enforced by the API', () => {
  it('keeps a second operator from deciding until the holder decides, releases, or the lease runs out', async () => {
    const { req, reviewId } = await openWithReview(h);

    const held = await claim(reviewId, alice);
    expect(held.statusCode).toBe(200);
    expect(held.json()).toEqual({ claimedBy: 'op-alice', until: expect.any(String) });
    // The holder claiming again renews the lease.
    expect((await claim(reviewId, alice)).statusCode).toBe(200);

    // Bob is told who holds it, and cannot decide.
    const refused = await claim(reviewId, bob);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ status: 409, claimedBy: 'op-alice', until: expect.any(String) });
    const blocked = await decide(reviewId, bob, reject);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().detail).toMatch(/claimed by op-alice/);
    expect((await h.reviews.get(reviewId)).decisions).toEqual([]);

    // Only the holder or a supervisor may release it.
    expect((await release(reviewId, bob)).statusCode).toBe(403);
    expect((await release(reviewId, carol)).statusCode).toBe(204);
    expect((await h.reviews.get(reviewId)).claim).toBeUndefined();

    // Now Bob holds it, and Alice is the one refused.
    expect((await claim(reviewId, bob)).json()).toMatchObject({ claimedBy: 'op-bob' });
    expect((await decide(reviewId, alice, reject)).statusCode).toBe(409);
    const rejected = await decide(reviewId, bob, reject);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'AWAITING_RESUBMISSION' });
    expect(rejected.json().claim).toBeUndefined(); // the decision ended the claim

    // Nothing to decide while new photos are awaited: no claim either.
    const nothing = await claim(reviewId, alice);
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().claimedBy).toBeUndefined();

    // Round 2: Bob's lease lapses unused, and then Alice may decide.
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    expect((await claim(reviewId, bob)).statusCode).toBe(200);
    const approve = { round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' };
    expect((await decide(reviewId, alice, approve)).statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 300));
    const cleared = await decide(reviewId, alice, approve);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ status: 'CLEARED' });
  });

  it('leaves an unclaimed case to whoever decides it (the CLI does not claim)', async () => {
    const { reviewId } = await openWithReview(h);
    expect((await decide(reviewId, bob, reject)).statusCode).toBe(200);
  });

  it('refuses apps and unknown cases', async () => {
    const { reviewId } = await openWithReview(h);
    expect((await claim(reviewId, bearer('app'))).statusCode).toBe(403);
    expect((await claim(`review-${crypto.randomUUID()}`, alice)).statusCode).toBe(404);
  });
});

describe('the queue for the console', () => {
  it('pages with nextPageToken, each page oldest first, with due times and claims', async () => {
    const first = await openWithReview(h);
    const second = await openWithReview(h);
    await claim(second.reviewId, bob);
    const mine = new Set([first.reviewId, second.reviewId]);
    // Visibility is eventually consistent: walk the pending queue until both cases show.
    const walk = async () => {
      await claim(second.reviewId, bob); // renewed: this file's lease is short
      const seen = new Map<string, Record<string, unknown>>();
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await api.inject({
          url: `/v1/reviews?status=PENDING&limit=2${token ? `&pageToken=${token}` : ''}`,
          headers: alice,
        });
        expect(res.statusCode).toBe(200);
        const page = res.json() as { reviews: Record<string, string>[]; nextPageToken?: string };
        expect(page.reviews.length).toBeLessThanOrEqual(2);
        const opened = page.reviews.map((r) => r.openedAt!);
        expect(opened).toEqual([...opened].sort());
        for (const r of page.reviews) if (mine.has(r.reviewId!)) seen.set(r.reviewId!, r);
        token = page.nextPageToken;
        pages += 1;
      } while (token && seen.size < 2);
      return { seen, pages };
    };
    const { seen, pages } = await eventually(
      walk,
      (w) => w.seen.size === 2 && w.seen.get(second.reviewId)?.claim !== undefined,
    );
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(seen.get(first.reviewId)).toMatchObject({
      flowVersion: 'v3',
      channel: 'OWN_APP',
      slaDueAt: expect.any(String),
      openedAt: expect.any(String),
    });
    expect(seen.get(second.reviewId)).toMatchObject({ claim: { claimedBy: 'op-bob' } });

    const bad = await api.inject({ url: '/v1/reviews?pageToken=bm90LWEtdG9rZW4', headers: alice });
    expect(bad.statusCode).toBe(400);
  });
});

describe('the case file, reveals and photos', () => {
  it('masks the entries until revealed, serves only the case photos, and audits both', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    const file = await api.inject({ url: `/v1/reviews/${reviewId}/case-file`, headers: alice });
    expect(file.statusCode).toBe(200);
    const body = file.json() as {
      applicant: { name: string; idNumber: string };
      documents: { documentId: string; side: string }[];
    };
    expect(body.applicant.name).not.toBe(req.applicant.name);
    expect(body.applicant.name.startsWith(Array.from(req.applicant.name)[0]!)).toBe(true);
    expect(body.applicant.idNumber).toBe(
      `${req.applicant.idNumber.slice(0, 3)}${'*'.repeat(11)}${req.applicant.idNumber.slice(-4)}`,
    );
    expect(body.documents.map((d) => [d.documentId, d.side])).toEqual([
      [req.documents.idFront, 'FRONT'],
      [req.documents.idBack, 'BACK'],
    ]);

    const revealed = await api.inject({
      method: 'POST',
      url: `/v1/reviews/${reviewId}/reveal`,
      headers: alice,
      payload: { field: 'idNumber' },
    });
    expect(revealed.json()).toEqual({ field: 'idNumber', value: req.applicant.idNumber });

    const photo = await api.inject({
      url: `/v1/reviews/${reviewId}/documents/${req.documents.idFront}`,
      headers: bob,
    });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['cache-control']).toMatch(/no-store/);
    expect(photo.rawPayload.subarray(1, 4).toString()).toBe('PNG');

    // Another case's photo, through this case: as unknown.
    const other = await openWithReview(h);
    const elsewhere = await api.inject({
      url: `/v1/reviews/${reviewId}/documents/${other.req.documents.idFront}`,
      headers: bob,
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(
      (
        await api.inject({
          url: `/v1/reviews/${reviewId}/documents/${req.documents.idFront}`,
          headers: bearer('app'),
        })
      ).statusCode,
    ).toBe(403);

    const entries = await h.audit.forAccount(accountNumber);
    expect(entries.map((e) => [e.action, e.actor, e.reason])).toEqual(
      expect.arrayContaining([
        ['APPLICANT_REVEALED', 'op-alice', 'ID_NUMBER'],
        ['DOCUMENT_VIEWED', 'op-bob', 'REVIEW'],
      ]),
    );
    // References only: no name, no ID number in what the log answers.
    expect(JSON.stringify(entries)).not.toContain(req.applicant.idNumber);
  });

  it('tells a token who it is', async () => {
    const me = await api.inject({ url: '/v1/me', headers: carol });
    expect(me.json()).toEqual({ id: 'sup-carol', role: 'supervisor' });
  });
});
