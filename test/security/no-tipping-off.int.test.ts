/**
 * No tipping-off (DESIGN.md, "What apps and customers are told"): five review journeys driven
 * through HTTP API v1 on the real dev server (a watch-list doubt cleared by two operators, a
 * confirmed fraud, an escalation past the operator's SLA, a hold core banking refuses, a plain
 * rejection of the photos). Everything the app and the customer's session were answered (the
 * start, the code, the application, the account, the delivery log) and every webhook the app's
 * inbox received is scanned for a detailed code: a reason code that is not a public reason, a
 * review decision's reason, watch-list, fraud and escalation words, and the hold ids core
 * banking keeps. Staff's views and the ops inbox are scanned too, and must show what the app
 * must not: the scan would see a leak. The file has sandboxes of its own: its refused holds must
 * not reach the files running beside it, and its inboxes hold its events only.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  approveReasonSchema,
  closeReasonSchema,
  fraudReasonSchema,
  rejectReasonSchema,
} from '../../domain/review';
import { publicReasonSchema, reasonCodeSchema } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { bearer, startApi } from '../support/api';
import {
  type ApplicationOptions,
  type Harness,
  newApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newPerson } from '../support/people';
import { eventually } from '../support/review';
import {
  type OwnSandboxes,
  type ReceivedEvent,
  receivedEvents,
  refuse,
  startOwnSandboxes,
} from '../workflows/own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {
      review: {
        // Escalates a round nobody decides within 2 s; core banking's part retried every second.
        operatorSlaSeconds: 2,
        bankActionWindowSeconds: 1,
        bankActionBackoffSeconds: 1,
        bankActionMaxBackoffSeconds: 1,
      },
    },
    {
      providersUrl: sandboxes.providersUrl,
      coreBankingUrl: sandboxes.coreBankingUrl,
      // Ops alerts to an inbox of their own: the app's holds exactly what the app received.
      opsWebhookUrl: `${sandboxes.providersUrl}/sandbox/ops-webhook`,
    },
  );
  api = await startApi(h);
});
afterEach(async () => {
  await refuse(sandboxes.coreBankingUrl, []);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

// What the app must never read.
const PUBLIC_REASONS: ReadonlySet<string> = new Set(publicReasonSchema.options);
const DETAILED_CODES: readonly string[] = [
  ...reasonCodeSchema.options.filter((code) => !PUBLIC_REASONS.has(code)),
  ...approveReasonSchema.options,
  ...rejectReasonSchema.options,
  ...closeReasonSchema.options,
  ...fraudReasonSchema.options,
];
const WORDS = ['WATCHLIST', 'FRAUD', 'ESCALAT', 'OPS_', 'doubt', 'RENTED'];

/** Each detailed code (as a whole code), word (any case) and hold id the text carries. */
function detailsIn(text: string, holdIds: Iterable<string>): string[] {
  const found = DETAILED_CODES.filter((code) => new RegExp(`(?<![A-Z0-9_])${code}(?![A-Z0-9_])`).test(text));
  const lower = text.toLowerCase();
  found.push(...WORDS.filter((word) => lower.includes(word.toLowerCase())));
  found.push(...[...holdIds].filter((id) => text.includes(id)));
  return found;
}

type Headers = Record<string, string>;
const asSession = (token: string): Headers => ({ authorization: `Bearer ${token}` });

/** One journey's application, and everything read about it. */
interface Journey {
  applicationId: string;
  accountNumber: string;
  reviewId: string;
  session: Headers;
  /** Every answer the app token or the session got, and every webhook in the app's inbox. */
  told: { where: string; text: string }[];
  /** What staff read (application, account, delivery log, review). */
  staff: string[];
  /** Hold ids as staff read them in core banking's holds. */
  holdIds: Set<string>;
}

/** Each application's own back photo: byte-identical uploads would be one document, sealed once. */
let backs = 0;

/**
 * Starts an application through the API (the app's backend mints the customer's session first;
 * the app starts it, the device sends the same start again and types the code, the app repeats
 * the code with the device's key), and reads its first answers as both.
 */
async function open(opts: ApplicationOptions): Promise<Journey> {
  const back = { validUntil: `2042-${String(1 + (backs % 12)).padStart(2, '0')}-${10 + ++backs}` };
  const req = await newApplication(h.documents, { ...opts, back });
  const { applicationId } = req;
  const minted = await api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { applicationId },
  });
  expect(minted.statusCode).toBe(201);
  const session = asSession(minted.json().sessionToken as string);
  const j: Journey = {
    applicationId,
    accountNumber: '',
    reviewId: reviewWorkflowId(applicationId),
    session,
    told: [],
    staff: [],
    holdIds: new Set(),
  };

  for (const [who, headers] of [
    ['app', bearer('app')],
    ['session', session],
  ] as const) {
    const started = await api.inject({ method: 'POST', url: '/v1/applications', headers, payload: req });
    expect(started.statusCode).toBe(200);
    expect(started.json().status).toBe('AWAITING_SMS_CODE');
    j.told.push({ where: `start (${who})`, text: started.body });
  }

  const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
  const key = `code-${randomUUID()}`;
  const submitted = await api.inject({
    method: 'POST',
    url: `/v1/applications/${applicationId}/sms-code`,
    headers: { ...session, 'idempotency-key': key },
    payload: { code },
  });
  expect(submitted.statusCode).toBe(200);
  expect(submitted.json()).toMatchObject({ status: 'OPENED', review: 'PENDING' });
  j.told.push({ where: 'sms-code (session)', text: submitted.body });
  j.accountNumber = submitted.json().accountNumber as string;
  // The app's backend retries the device's call: the same result, or 409 saying where it stands.
  const repeated = await api.inject({
    method: 'POST',
    url: `/v1/applications/${applicationId}/sms-code`,
    headers: { ...bearer('app'), 'idempotency-key': key },
    payload: { code },
  });
  expect([200, 409]).toContain(repeated.statusCode);
  j.told.push({ where: 'sms-code again (app)', text: repeated.body });

  await look(j);
  return j;
}

const get = async (url: string, headers: Headers) => {
  const res = await api.inject({ method: 'GET', url, headers });
  expect(res.statusCode, `GET ${url}`).toBe(200);
  return res;
};

/** Reads the application, its delivery log and its account as the app, the session and staff. */
async function look(j: Journey) {
  const urls = [
    `/v1/applications/${j.applicationId}`,
    `/v1/applications/${j.applicationId}/events`,
    `/v1/accounts/${j.accountNumber}`,
  ];
  for (const [who, headers] of [
    ['app', bearer('app')],
    ['session', j.session],
  ] as const) {
    for (const url of urls)
      j.told.push({ where: `GET ${url} (${who})`, text: (await get(url, headers)).body });
  }
  for (const url of [...urls, `/v1/reviews/${j.reviewId}`]) {
    const res = await get(url, bearer('operator'));
    j.staff.push(res.body);
    if (url.startsWith('/v1/accounts/')) {
      for (const hold of res.json().holds as { holdId: string }[]) j.holdIds.add(hold.holdId);
    }
  }
}

/** The account as the app, the session and staff read it now. */
async function accountAs(j: Journey) {
  const url = `/v1/accounts/${j.accountNumber}`;
  return {
    app: (await get(url, bearer('app'))).json(),
    session: (await get(url, j.session)).json(),
    staff: (await get(url, bearer('operator'))).json(),
  };
}

/** Staff's delivery log of the application, its review's included. */
const staffLog = async (j: Journey) =>
  (await get(`/v1/applications/${j.applicationId}/events`, bearer('operator'))).json().events as {
    type: string;
    status: string;
  }[];

const decide = (j: Journey, who: Headers, body: object) =>
  api.inject({ method: 'POST', url: `/v1/reviews/${j.reviewId}/decisions`, headers: who, payload: body });

/**
 * Once staff's log shows `types` and every event delivered, the inboxes hold all there is: the
 * app's inbox joins what the app was told, and the last reads are taken.
 */
async function settle(j: Journey, types: string[]): Promise<{ app: ReceivedEvent[]; ops: ReceivedEvent[] }> {
  const log = await eventually(
    () => staffLog(j),
    (events) =>
      types.every((t) => events.some((e) => e.type === t)) && events.every((e) => e.status === 'DELIVERED'),
    100,
  );
  expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(types));
  expect(log.every((e) => e.status === 'DELIVERED')).toBe(true);
  const received = await receivedEvents(sandboxes.providersUrl, j.applicationId);
  expect(received.length).toBe(log.length);
  const app = received.filter((e) => e.inbox === 'bank');
  const ops = received.filter((e) => e.inbox === 'ops');
  for (const event of app) j.told.push({ where: `webhook ${event.type}`, text: JSON.stringify(event) });
  await look(j);
  return { app, ops };
}

/** The detailed codes found in what the app or the session was told, by where. */
const leaks = (j: Journey) =>
  j.told
    .map(({ where, text }) => ({ where, found: detailsIn(text, j.holdIds) }))
    .filter((l) => l.found.length > 0);

/** What the same scan finds in staff's views and the ops inbox: proof it would see a leak. */
const seenByStaff = (j: Journey, ops: ReceivedEvent[]) =>
  detailsIn([...j.staff, ...ops.map((e) => JSON.stringify(e))].join('\n'), j.holdIds);

const types = (events: ReceivedEvent[]) => events.map((e) => e.type);

describe('what the app and the customer are told through a review', () => {
  it('a possible watch-list match, receive-only until two operators clear it: no detail reaches the app or the session', async () => {
    const j = await open({ person: newPerson('周疑似') });
    await eventually(
      () => accountAs(j),
      (a) => a.staff.status === 'RECEIVE_ONLY',
    );
    const restricted = await accountAs(j);
    expect(restricted.staff.holds).toEqual([
      expect.objectContaining({ reason: 'WATCHLIST_POSSIBLE_MATCH', type: 'RECEIVE_ONLY' }),
    ]);
    for (const seen of [restricted.app, restricted.session]) {
      expect(seen.status).toBe('RECEIVE_ONLY');
      expect(seen.restrictions).toEqual([
        { kind: 'BANK_REVIEW', since: expect.any(String), action: 'CONTACT_BANK' },
      ]);
      expect(seen.holds).toEqual([expect.objectContaining({ reason: 'BANK_REVIEW' })]);
    }
    await look(j);

    const approve = { round: 1, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL' };
    const first = await decide(j, bearer('operator', 'op-alice'), approve);
    expect(first.json().status).toBe('AWAITING_SECOND_DECISION');
    await look(j);
    const second = await decide(j, bearer('operator', 'op-bob'), approve);
    expect(second.json()).toMatchObject({ status: 'CLEARED', hold: 'NONE' });

    const { app, ops } = await settle(j, ['ACCOUNT_OPENED', 'HOLD_APPLIED', 'HOLD_LIFTED']);
    expect(types(app)).toEqual(expect.arrayContaining(['ACCOUNT_OPENED', 'HOLD_APPLIED', 'HOLD_LIFTED']));
    const cleared = await accountAs(j);
    expect(cleared.app).toMatchObject({ status: 'ACTIVE', restrictions: [], holds: [] });
    expect(seenByStaff(j, ops)).toEqual(expect.arrayContaining(['WATCHLIST_POSSIBLE_MATCH', 'doubt']));
    expect(leaks(j)).toEqual([]);
  });

  it('a confirmed fraud freezes the account and alerts ops: the app and the session read FROZEN and BANK_REVIEW only', async () => {
    const j = await open({ front: { quality: ['BLURRED'] } });
    const fraud = {
      round: 1,
      decision: 'CONFIRM_FRAUD',
      reasonCode: 'ACCOUNT_RENTED_OR_SOLD',
      note: 'the card is used by someone else',
    };
    const proposed = await decide(j, bearer('operator', 'op-alice'), fraud);
    expect(proposed.json().status).toBe('AWAITING_SECOND_DECISION');
    await look(j);
    const confirmed = await decide(j, bearer('supervisor'), fraud);
    expect(confirmed.json()).toMatchObject({ status: 'FRAUD_CONFIRMED', hold: 'FROZEN' });

    const { app, ops } = await settle(j, ['ACCOUNT_OPENED', 'ACCOUNT_FROZEN', 'OPS_FRAUD_CONFIRMED']);
    expect(types(ops)).toContain('OPS_FRAUD_CONFIRMED');
    expect(types(app)).toEqual(expect.arrayContaining(['ACCOUNT_OPENED', 'ACCOUNT_FROZEN']));
    const frozen = await accountAs(j);
    expect(frozen.staff.holds).toEqual([
      expect.objectContaining({ reason: 'ACCOUNT_RENTED_OR_SOLD', type: 'FROZEN' }),
    ]);
    for (const seen of [frozen.app, frozen.session]) {
      expect(seen.status).toBe('FROZEN');
      expect(seen.restrictions).toEqual([
        { kind: 'BANK_REVIEW', since: expect.any(String), action: 'CONTACT_BANK' },
      ]);
    }
    expect(seenByStaff(j, ops)).toEqual(
      expect.arrayContaining(['ACCOUNT_RENTED_OR_SOLD', 'FRAUD', 'OPS_', 'RENTED', ...j.holdIds]),
    );
    expect(leaks(j)).toEqual([]);
  });

  it('a round past the operator SLA escalates to ops: the app and the session see a pending review only', async () => {
    const j = await open({ front: { quality: ['BLURRED'] } });
    await eventually(
      async () => (await get(`/v1/reviews/${j.reviewId}`, bearer('operator'))).json(),
      (review) => review.escalated === true,
      100,
    );

    const { app, ops } = await settle(j, ['ACCOUNT_OPENED', 'REVIEW_ESCALATED']);
    expect(types(ops)).toContain('REVIEW_ESCALATED');
    expect(types(app)).toContain('ACCOUNT_OPENED');
    for (const headers of [bearer('app'), j.session]) {
      expect((await get(`/v1/applications/${j.applicationId}`, headers)).json()).toMatchObject({
        status: 'OPENED',
        review: 'PENDING',
      });
    }
    expect(seenByStaff(j, ops)).toEqual(expect.arrayContaining(['ID_IMAGE_BLURRED', 'ESCALAT']));
    expect(leaks(j)).toEqual([]);
  });

  it('a hold core banking refuses alerts ops, and is placed once it takes it: the app and the session read REVIEW only', async () => {
    const j = await open({ front: { quality: ['BLURRED'] } });
    await refuse(sandboxes.coreBankingUrl, ['hold']);
    const rejected = await decide(j, bearer('operator', 'op-alice'), {
      round: 1,
      decision: 'REJECT',
      reasonCode: 'DOCUMENT_SUSPECTED_ALTERED',
      note: 'the digits look retouched',
    });
    expect(rejected.json()).toMatchObject({
      status: 'ACTION_PENDING',
      pendingAction: { action: 'PLACE_HOLD', lastError: 'REFUSED' },
    });
    await eventually(
      () => staffLog(j),
      (events) => events.some((e) => e.type === 'OPS_REVIEW_ACTION_FAILED' && e.status === 'DELIVERED'),
      100,
    );
    const pending = await accountAs(j);
    expect(pending.app).toMatchObject({ status: 'ACTIVE', restrictions: [] });
    await look(j);

    await refuse(sandboxes.coreBankingUrl, []);
    await eventually(
      async () => (await get(`/v1/reviews/${j.reviewId}`, bearer('operator'))).json(),
      (review) => review.status === 'AWAITING_RESUBMISSION',
      100,
    );
    const { app, ops } = await settle(j, [
      'ACCOUNT_OPENED',
      'OPS_REVIEW_ACTION_FAILED',
      'HOLD_APPLIED',
      'RESUBMISSION_REQUESTED',
    ]);
    expect(types(ops)).toContain('OPS_REVIEW_ACTION_FAILED');
    expect(types(app)).toEqual(expect.arrayContaining(['HOLD_APPLIED', 'RESUBMISSION_REQUESTED']));
    const held = await accountAs(j);
    expect(held.staff.holds).toEqual([
      expect.objectContaining({ reason: 'DOCUMENT_SUSPECTED_ALTERED', type: 'RECEIVE_ONLY' }),
    ]);
    for (const seen of [held.app, held.session]) {
      expect(seen.status).toBe('RECEIVE_ONLY');
      expect(seen.restrictions).toEqual([
        { kind: 'REVIEW', since: expect.any(String), action: 'RESUBMIT_ID' },
      ]);
    }
    expect(seenByStaff(j, ops)).toEqual(
      expect.arrayContaining(['DOCUMENT_SUSPECTED_ALTERED', 'OPS_', ...j.holdIds]),
    );
    expect(leaks(j)).toEqual([]);
  });

  it('a plain rejection of the photos: the app and the session read RECEIVE_ONLY, REVIEW and RESUBMIT_ID, never the reason', async () => {
    const j = await open({ front: { quality: ['BLURRED'] } });
    const rejected = await decide(j, bearer('operator', 'op-alice'), {
      round: 1,
      decision: 'REJECT',
      reasonCode: 'DOCUMENT_ILLEGIBLE',
      note: 'glare covers the number',
    });
    expect(rejected.json()).toMatchObject({ status: 'AWAITING_RESUBMISSION', hold: 'RECEIVE_ONLY' });

    const { app, ops } = await settle(j, ['ACCOUNT_OPENED', 'HOLD_APPLIED', 'RESUBMISSION_REQUESTED']);
    expect(types(app)).toEqual(
      expect.arrayContaining(['ACCOUNT_OPENED', 'HOLD_APPLIED', 'RESUBMISSION_REQUESTED']),
    );
    const held = await accountAs(j);
    expect(held.staff.holds).toEqual([
      expect.objectContaining({ reason: 'DOCUMENT_ILLEGIBLE', type: 'RECEIVE_ONLY' }),
    ]);
    for (const seen of [held.app, held.session]) {
      expect(seen.status).toBe('RECEIVE_ONLY');
      expect(seen.restrictions).toEqual([
        { kind: 'REVIEW', since: expect.any(String), action: 'RESUBMIT_ID' },
      ]);
      expect(seen.holds).toEqual([expect.objectContaining({ reason: 'REVIEW', type: 'RECEIVE_ONLY' })]);
    }
    expect(seenByStaff(j, ops)).toEqual(expect.arrayContaining(['DOCUMENT_ILLEGIBLE', ...j.holdIds]));
    expect(leaks(j)).toEqual([]);
  });
});

describe("the sandbox's ops inbox", () => {
  it('refuses an alert not signed with the bank’s webhook secret (401) and records nothing', async () => {
    const applicationId = randomUUID();
    const res = await fetch(`${sandboxes.providersUrl}/sandbox/ops-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        eventId: randomUUID(),
        type: 'REVIEW_ESCALATED',
        applicationId,
        occurredAt: new Date().toISOString(),
        data: {},
      }),
    });
    expect(res.status).toBe(401);
    expect(await receivedEvents(sandboxes.providersUrl, applicationId)).toEqual([]);
  });
});
