/**
 * Issue 14 item 5 on the real dev server: the ID card's end date read at opening goes to core
 * banking with the account; the daily sweep (run here for chosen dates instead of waiting days)
 * reminds, restricts and freezes; new photos of a valid card restore the account. The file has
 * sandboxes of its own: a sweep acts on every account core banking holds.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureIdExpirySchedule, idExpiryScheduleId } from '../../api/services/id-expiry';
import { addDays, todayInChina } from '../../domain/china-time';
import { defaultIdExpiryPolicy } from '../../domain/id-expiry';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import type { idExpirySweep } from '../../workflows/id-expiry/sweep';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  OWN_APP_TENANT,
  readAccount,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { eventually, newPhotos } from '../support/review';
import { type OwnSandboxes, receivedEvents, startOwnSandboxes } from './own-sandboxes';

let sandboxes: OwnSandboxes;
let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  sandboxes = await startOwnSandboxes();
  h = await startHarness(
    {},
    { providersUrl: sandboxes.providersUrl, coreBankingUrl: sandboxes.coreBankingUrl },
  );
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sandboxes?.close();
});

let runs = 0;
/** One sweep as the schedule runs it, for the day given. */
const sweep = (asOf: string) =>
  h.client.workflow.execute<typeof idExpirySweep>('idExpirySweep', {
    workflowId: `id-expiry-test-${Date.now()}-${++runs}`,
    taskQueue: h.taskQueue,
    args: [{ policy: defaultIdExpiryPolicy, asOf }],
  });

/** An account opened with a card that ends `validForDays` from today (or for life). */
async function openWithCard(back: { validForDays: number } | { validUntil: 'LONG' }) {
  const req = await newApplication(h.documents, { back });
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED' || opened.review !== 'NONE')
    throw new Error(`not opened cleanly: ${opened.status}`);
  return { req, accountNumber: opened.accountNumber };
}

const events = async (applicationId: string) =>
  (await receivedEvents(h.providersUrl, applicationId)).map((e) => e.type);

describe('the ID card expiry lifecycle', () => {
  it('keeps the end date read at opening with the account', async () => {
    const { accountNumber } = await openWithCard({ validForDays: 100 });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).idValidUntil).toBe(
      addDays(todayInChina(), 100),
    );
  });

  it('reminds, then makes the account receive-only, then freezes it; new photos of a valid card restore it', async () => {
    const { req, accountNumber } = await openWithCard({ validForDays: 40 });
    const validUntil = addDays(todayInChina(), 40);

    const reminded = await sweep(addDays(validUntil, -30));
    expect(reminded.reminded).toBeGreaterThanOrEqual(1);
    expect(await events(req.applicationId)).toContain('ID_EXPIRING_SOON');
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');

    await sweep(addDays(validUntil, 30));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('RECEIVE_ONLY');
    expect(await events(req.applicationId)).toContain('HOLD_APPLIED');

    // The same day again places nothing more.
    await sweep(addDays(validUntil, 30));
    expect((await readAccount(h.coreBankingUrl, accountNumber)).holds).toHaveLength(1);

    await sweep(addDays(validUntil, 60));
    const frozen = await readAccount(h.coreBankingUrl, accountNumber);
    expect(frozen.status).toBe('FROZEN');
    expect(frozen.holds.map((x) => x.reason)).toEqual(['ID_CARD_EXPIRED', 'ID_CARD_EXPIRED']);
    expect(await events(req.applicationId)).toContain('ACCOUNT_FROZEN');

    const photos = await newPhotos(h, req.applicant);
    const renewed = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/id-renewal`,
      headers: bearer('app'),
      payload: photos,
    });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({ accepted: true, idValidUntil: '2041-02-03' });
    expect(renewed.json().lifted).toHaveLength(2);
    expect(await readAccount(h.coreBankingUrl, accountNumber)).toMatchObject({
      status: 'ACTIVE',
      holds: [],
      idValidUntil: '2041-02-03',
    });
    // The renewal answers once decided; its webhook follows in the background.
    expect(
      await eventually(
        () => events(req.applicationId),
        (e) => e.includes('ID_RENEWED'),
      ),
    ).toContain('ID_RENEWED');
  });

  it("photos of a card that has ended, or of someone else's card, renew nothing", async () => {
    const { req, accountNumber } = await openWithCard({ validForDays: 10 });
    const front = await h.documents.put(makeIdCardImage({ side: 'FRONT', ...req.applicant }), OWN_APP_TENANT);
    const endedBack = await h.documents.put(
      makeIdCardImage({ side: 'BACK', validForDays: -1 }),
      OWN_APP_TENANT,
    );
    const ended = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/id-renewal`,
      headers: bearer('app'),
      payload: { idFront: front, idBack: endedBack },
    });
    expect(ended.json()).toMatchObject({ accepted: false, reasons: ['ID_CARD_EXPIRED'], lifted: [] });
    const stranger = await newPhotos(h, { name: '赵某', idNumber: '11010519491231002X' });
    const other = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/id-renewal`,
      headers: bearer('app'),
      payload: stranger,
    });
    expect(other.json()).toMatchObject({ accepted: false });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).idValidUntil).toBe(
      addDays(todayInChina(), 10),
    );
  });

  it('a card valid for life is never acted on', async () => {
    const { req, accountNumber } = await openWithCard({ validUntil: 'LONG' });
    await sweep(addDays(todayInChina(), 36_000));
    expect(await readAccount(h.coreBankingUrl, accountNumber)).toMatchObject({
      status: 'ACTIVE',
      idValidUntil: 'LONG',
    });
    expect(await events(req.applicationId)).not.toContain('HOLD_APPLIED');
  });

  it('every worker ensures one daily schedule for the sweep, at 01:30 China time', async () => {
    const queue = `id-expiry-schedule-${Date.now()}`;
    await ensureIdExpirySchedule(h.client, { taskQueue: queue });
    const id = await ensureIdExpirySchedule(h.client, { taskQueue: queue });
    expect(id).toBe(idExpiryScheduleId(queue));
    const described = await h.client.schedule.getHandle(id).describe();
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 1, end: 1, step: 1 }] });
    await h.client.schedule.getHandle(id).delete();
  });
});
