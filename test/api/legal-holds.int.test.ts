/**
 * Legal holds through the API (docs/retention.md): a supervisor places one on an application or
 * an account with a reason, lists and releases it, each step audited; bad input is a 4xx problem
 * that changes nothing. That a standing hold stops destruction is test/workflows/retention.int.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openAccount } from '../support/agreements';
import { apiPerFile, bearer } from '../support/api';
import { newApplication } from '../support/harness';

const t = apiPerFile();
const supervisor = bearer('supervisor');

const place = (payload: object, headers = supervisor) =>
  t.api.inject({ method: 'POST', url: '/v1/legal-holds', headers, payload });
const release = (legalHoldId: string, payload: object, headers = supervisor) =>
  t.api.inject({ method: 'DELETE', url: `/v1/legal-holds/${legalHoldId}`, headers, payload });
const list = async () =>
  (
    (await t.api.inject({ method: 'GET', url: '/v1/legal-holds', headers: supervisor })).json() as {
      legalHolds: { legalHoldId: string; status: string }[];
    }
  ).legalHolds;

describe('legal holds', () => {
  it('a supervisor places one on an account, lists it and releases it with a reason, each step audited', async () => {
    const { accountNumber } = await openAccount(t.h);
    const placed = await place({ accountNumber, reason: 'Court order (2026) Hu 0101 Min Chu 123' });
    expect(placed.statusCode).toBe(201);
    const hold = placed.json() as { legalHoldId: string; applicationId: string };
    expect(hold).toMatchObject({
      legalHoldId: expect.stringMatching(/^lh-[0-9a-f]{32}$/),
      accountNumber,
      status: 'STANDING',
      reason: 'Court order (2026) Hu 0101 Min Chu 123',
      placedBy: 'sup-carol',
    });
    expect(await list()).toContainEqual(
      expect.objectContaining({ legalHoldId: hold.legalHoldId, status: 'STANDING' }),
    );

    const released = await release(hold.legalHoldId, { reason: 'Case closed by the court' });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({
      legalHoldId: hold.legalHoldId,
      status: 'RELEASED',
      releasedBy: 'sup-carol',
      releaseReason: 'Case closed by the court',
    });
    const entries = await t.h.audit.forAccount(accountNumber);
    expect(
      entries
        .filter((e) => e.refs?.legalHoldId === hold.legalHoldId)
        .map((e) => ({ action: e.action, actor: e.actor, noteSealed: e.noteSealed })),
    ).toEqual([
      { action: 'LEGAL_HOLD_PLACED', actor: 'sup-carol', noteSealed: true },
      { action: 'LEGAL_HOLD_RELEASED', actor: 'sup-carol', noteSealed: true },
    ]);
    // Released once: a second release is a conflict and changes nothing.
    const again = await release(hold.legalHoldId, { reason: 'Again' });
    expect(again.statusCode).toBe(409);
    expect((await list()).find((h) => h.legalHoldId === hold.legalHoldId)).toMatchObject({
      releaseReason: 'Case closed by the court',
    });
  });

  it('a hold on an application names it', async () => {
    const req = await newApplication(t.h.documents);
    await t.h.applications.start(req);
    const placed = await place({ applicationId: req.applicationId, reason: 'Regulator inquiry PBOC-2026-7' });
    expect(placed.statusCode).toBe(201);
    expect(placed.json()).toMatchObject({ applicationId: req.applicationId, status: 'STANDING' });
    expect(placed.json()).not.toHaveProperty('accountNumber');
  });

  it('refuses an unknown application or account (404), a hold without a reason or with two targets (400), and stores none', async () => {
    const before = await list();
    const unknownApp = await place({ applicationId: randomUUID(), reason: 'Court order 1' });
    expect(unknownApp.statusCode).toBe(404);
    expect(unknownApp.json()).toMatchObject({ detail: 'no application with this id' });
    expect((await place({ accountNumber: '6200000000000000001', reason: 'Court order 1' })).statusCode).toBe(
      404,
    );
    const { accountNumber } = await openAccount(t.h);
    const noReason = await place({ accountNumber });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toMatch(/reason/);
    const blank = await place({ accountNumber, reason: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toMatch(/must state why/);
    expect(
      (await place({ accountNumber, applicationId: randomUUID(), reason: 'Court order 1' })).statusCode,
    ).toBe(400);
    expect(await list()).toEqual(before);
  });

  it('refuses a release by an operator (403) or without a reason (400), and the hold stands', async () => {
    const { accountNumber } = await openAccount(t.h);
    const { legalHoldId } = (await place({ accountNumber, reason: 'Court order 2' })).json() as {
      legalHoldId: string;
    };
    const byOperator = await release(legalHoldId, { reason: 'Done' }, bearer('operator'));
    expect(byOperator.statusCode).toBe(403);
    expect((await release(legalHoldId, {})).statusCode).toBe(400);
    expect((await release('lh-not-one', { reason: 'Done' })).statusCode).toBe(400);
    expect((await release(`lh-${'0'.repeat(32)}`, { reason: 'Done' })).statusCode).toBe(404);
    expect((await list()).find((h) => h.legalHoldId === legalHoldId)).toMatchObject({ status: 'STANDING' });
  });
});
