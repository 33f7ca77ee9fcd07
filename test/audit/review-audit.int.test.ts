/**
 * The review workflow writes the audit log on the real dev server: each decision, hold, freeze
 * and re-submission once, even when the activity's answer is lost and Temporal retries it;
 * supervisors read it over HTTP, without personal data; the chain verifies; crypto-shredding the
 * application leaves its notes and history unreadable and the chain intact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditEvent } from '../../domain/audit';
import { encryptedDataConverter } from '../../encryption/data-converter';
import type { Keyring } from '../../encryption/keyring';
import { AuditTrail, keyringSealer, SqliteAuditLog } from '../../stores/audit';
import { testKeyring } from '../security/keys';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  readAccount,
  startHarness,
  TEST_AUDIT_HMAC_KEY,
  workflowBundle,
} from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';

/** The worker's audit log, which loses the answer of the first write of each workflow entry: Temporal retries. */
class LosesFirstAnswers extends AuditTrail {
  readonly lost = new Set<string>();
  calls = 0;

  override async record(event: AuditEvent): Promise<AuditEntry> {
    const entry = await super.record(event);
    if (!event.id.startsWith('review-')) return entry;
    this.calls += 1;
    if (this.lost.has(event.id)) return entry;
    this.lost.add(event.id);
    throw new Error(`simulated: the answer for ${event.id} was lost after the write`);
  }
}

let dir: string;
let keyring: Keyring;
let audit: LosesFirstAnswers;
let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-review-'));
  keyring = testKeyring(dir);
  audit = new LosesFirstAnswers({
    log: new SqliteAuditLog(path.join(dir, 'audit.db')),
    hmacKey: TEST_AUDIT_HMAC_KEY,
    sealer: keyringSealer(keyring),
  });
  h = await startHarness({}, { keyring, audit });
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  audit?.close();
  await rm(dir, { recursive: true, force: true });
});

const reject = {
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'glare covers the number',
} as const;
const approve = { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' } as const;
const RULES = 'review-rules-2026-11';

const getAudit = (accountNumber: string, who: 'supervisor' | 'operator' | 'app' = 'supervisor') =>
  api.inject({ url: `/v1/audit?accountNumber=${accountNumber}`, headers: bearer(who) });

/** Activity attempts Temporal recorded for the review's `audit` activities. */
async function auditAttempts(harness: Harness, reviewId: string): Promise<number[]> {
  const events = (await harness.client.workflow.getHandle(reviewId).fetchHistory()).events ?? [];
  const auditScheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'audit')
      .map((e) => String(e.eventId)),
  );
  return events
    .filter((e) => auditScheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
}

describe('a review path in the audit log', () => {
  it('reject → bad photos → good photos → approve: each entry once, in order, despite retries; shredding keeps the chain', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);
    await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant, ['BLURRED']));
    await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
    await h.reviews.decide(reviewId, { round: 2, ...approve }, 'op-bob');
    const handle = h.client.workflow.getHandle(reviewId);
    await handle.result(); // a review finishes only once its entries are written

    const holdId = `${reviewId}:round-1:RECEIVE_ONLY`;
    const expected = [
      {
        id: `${reviewId}:round-1:DECISION`,
        actor: 'op-alice',
        action: 'REJECTED',
        reason: 'DOCUMENT_ILLEGIBLE',
        round: 1,
      },
      {
        id: `${holdId}:PLACED`,
        actor: 'system',
        action: 'HOLD_PLACED',
        reason: 'DOCUMENT_ILLEGIBLE',
        round: 1,
      },
      {
        id: `${reviewId}:round-1:RESUBMISSION-1`,
        actor: 'customer',
        action: 'RESUBMITTED',
        reason: 'ID_IMAGE_BLURRED',
        round: 1,
      },
      {
        id: `${reviewId}:round-1:RESUBMISSION-2`,
        actor: 'customer',
        action: 'RESUBMITTED',
        reason: 'PHOTOS_ACCEPTED',
        round: 1,
      },
      {
        id: `${reviewId}:round-2:DECISION`,
        actor: 'op-bob',
        action: 'APPROVED',
        reason: approve.reasonCode,
        round: 2,
      },
      {
        id: `${holdId}:LIFTED`,
        actor: 'system',
        action: 'HOLD_LIFTED',
        reason: approve.reasonCode,
        round: 2,
      },
    ];

    // Every write lost its first answer and was retried by Temporal, yet each entry is there once.
    expect(audit.lost.size).toBe(expected.length);
    expect(audit.calls).toBeGreaterThan(expected.length);
    expect(Math.max(...(await auditAttempts(h, reviewId)))).toBeGreaterThan(1);

    // Supervisors read it over HTTP, oldest first, with who, why, round and rule version.
    const res = await getAudit(accountNumber);
    expect(res.statusCode).toBe(200);
    const { entries } = res.json() as { entries: AuditEntry[] };
    expect(
      entries.map(({ id, actor, action, reason, round }) => ({ id, actor, action, reason, round })),
    ).toEqual(expected);
    expect(entries.every((e) => e.ruleVersion === RULES && e.applicationId === req.applicationId)).toBe(true);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries[0]).toMatchObject({ noteSealed: true });
    expect(entries[1]!.refs).toEqual({ holdId, type: 'RECEIVE_ONLY' });
    expect(Object.keys(entries[2]!.refs ?? {}).sort()).toEqual(['idBack', 'idFront']);
    // References only: no note, no account number, no applicant's name, ID number or mobile.
    for (const secret of [
      reject.note,
      accountNumber,
      req.applicant.name,
      req.applicant.idNumber,
      req.applicant.mobile,
    ]) {
      expect(res.body).not.toContain(secret);
    }
    expect(await h.audit.verify()).toMatchObject({ ok: true });

    // The new branch of the workflow replays: its audit commands are deterministic.
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: encryptedDataConverter(keyring) },
      temporal.api.history.v1.History.fromObject(history),
      reviewId,
    );

    // Crypto-shredding: the note and the history can no longer be decoded; the chain still verifies.
    expect(await audit.openNotes(accountNumber)).toEqual([
      { seq: entries[0]!.seq, id: expected[0]!.id, note: reject.note },
    ]);
    const { keyId } = await keyring.shred(req.applicationId);
    await audit.recordCryptoShred({
      applicationId: req.applicationId,
      actor: 'eng-dave',
      reason: 'ERASURE_REQUEST',
      keyId,
    });
    expect(await audit.openNotes(accountNumber)).toEqual([
      { seq: entries[0]!.seq, id: expected[0]!.id, note: undefined },
    ]);
    await expect(handle.result()).rejects.toThrow(/shredded/);
    expect(await h.audit.verify()).toMatchObject({ ok: true });
    const after = (await getAudit(accountNumber)).json() as { entries: AuditEntry[] };
    expect(after.entries.at(-1)).toMatchObject({
      action: 'CRYPTO_SHREDDED',
      actor: 'eng-dave',
      refs: { keyId },
    });
    expect(after.entries.slice(0, -1)).toEqual(entries);
  });

  it('the deadline freeze: frozen, then both holds lifted on approval', async () => {
    const fast = await startHarness({ review: { resubmissionDeadlineSeconds: 1 } });
    try {
      const { req, reviewId, accountNumber } = await openWithReview(fast);
      await fast.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
      await eventually(
        () => fast.reviews.get(reviewId),
        (c) => c.hold === 'FROZEN',
      );
      await fast.reviews.resubmit(req.applicationId, await newPhotos(fast, req.applicant));
      await fast.reviews.decide(reviewId, { round: 2, ...approve }, 'op-bob');
      await fast.client.workflow.getHandle(reviewId).result();
      expect((await readAccount(fast.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');

      const entries = await fast.audit.forAccount(accountNumber);
      expect(entries.map((e) => [e.action, e.actor, e.round, e.reason])).toEqual([
        ['REJECTED', 'op-alice', 1, 'DOCUMENT_ILLEGIBLE'],
        ['HOLD_PLACED', 'system', 1, 'DOCUMENT_ILLEGIBLE'],
        ['ACCOUNT_FROZEN', 'system', 1, 'RESUBMISSION_DEADLINE_PASSED'],
        ['RESUBMITTED', 'customer', 1, 'PHOTOS_ACCEPTED'],
        ['APPROVED', 'op-bob', 2, approve.reasonCode],
        ['HOLD_LIFTED', 'system', 2, approve.reasonCode],
        ['HOLD_LIFTED', 'system', 2, approve.reasonCode],
      ]);
      expect(entries[2]!.refs).toEqual({ holdId: `${reviewId}:FROZEN`, type: 'FROZEN' });
      expect(entries.slice(-2).map((e) => e.refs?.holdId)).toEqual([
        `${reviewId}:round-1:RECEIVE_ONLY`,
        `${reviewId}:FROZEN`,
      ]);
      expect(await fast.audit.verify()).toMatchObject({ ok: true, count: entries.length });
    } finally {
      await fast.stop();
    }
  });
});

describe('GET /v1/audit', () => {
  it('is for supervisors only: operators and apps get 403, no token 401, a malformed account 400', async () => {
    expect((await getAudit('6230580000012345678', 'operator')).statusCode).toBe(403);
    expect((await getAudit('6230580000012345678', 'app')).statusCode).toBe(403);
    expect((await api.inject({ url: '/v1/audit?accountNumber=6230580000012345678' })).statusCode).toBe(401);
    expect((await getAudit('not-a-number')).statusCode).toBe(400);
    expect((await api.inject({ url: '/v1/audit', headers: bearer('supervisor') })).statusCode).toBe(400);
  });

  it('an account with no entries answers an empty list', async () => {
    const res = await getAudit('6230580000099999999');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ entries: [] });
  });
});
