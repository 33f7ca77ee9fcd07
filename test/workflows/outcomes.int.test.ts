/** Real outcomes of each check, driven by the sandbox's magic inputs (docs/sandbox.md). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { CLASS_II_CAP, openElsewhere } from './core-banking-accounts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

/** The local activities an application ran so far, in order, from their markers' plain metadata. */
async function localActivityTypes(applicationId: string): Promise<string[]> {
  const history = await h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    return data
      ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type]
      : [];
  });
}

describe('ID-card photos', () => {
  it.each([
    ['not an ID card', { front: { notIdCard: true } }, 'ID_NOT_AN_ID_CARD'],
    ['an expired card', { back: { validUntil: '2020-01-01' } }, 'ID_CARD_EXPIRED'],
    ['data that contradicts the entry', { front: { name: '李四' } }, 'ID_DATA_MISMATCH'],
  ] as const)('tier 1: %s rejects before any SMS is awaited', async (_label, opts, reason) => {
    const req = await newApplication(h.documents, opts);
    const view = await h.applications.start(req);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: [reason] });
    expect(view.steps.find((s) => s.step === 'ID_DOCUMENT')).toEqual({
      step: 'ID_DOCUMENT',
      outcome: 'REJECT',
      reasons: [reason],
    });
    expect(view.accountNumber).toBeUndefined();
  });

  it('tier 2: a blurred photo still opens the account, with a review pending', async () => {
    const req = await newApplication(h.documents, {
      front: { quality: ['BLURRED'] },
      back: { quality: ['GLARE'] },
    });
    const view = await h.applications.start(req);
    expect(view.status).toBe('AWAITING_SMS_CODE');
    expect(view.steps[0]).toEqual({
      step: 'ID_DOCUMENT',
      outcome: 'REVIEW',
      reasons: ['ID_IMAGE_BLURRED', 'ID_IMAGE_GLARE'],
    });
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const opened = await h.applications.submitSmsCode(req.applicationId, code);
    expect(opened).toMatchObject({ status: 'OPENED', review: 'PENDING' });
  });
});

describe('identity register', () => {
  it.each([
    ['王不符', 'IDENTITY_MISMATCH'],
    ['王查无', 'IDENTITY_NOT_FOUND'],
  ])('%s is rejected with %s', async (name, reason) => {
    const req = await newApplication(h.documents, { person: newPerson(name) });
    expect(await h.applications.start(req)).toMatchObject({ status: 'REJECTED', reasons: [reason] });
  });
});

describe('UnionPay four elements', () => {
  it.each([
    ['0001', 'CARD_MISMATCH'],
    ['0002', 'CARD_PHONE_MISMATCH'],
    ['0003', 'CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED'],
    ['0004', 'CARD_REPORTED_LOST'],
    ['0005', 'CARD_EXPIRED'],
    ['0006', 'CARD_RESTRICTED'],
    ['0007', 'CARD_PIN_TRIES_EXCEEDED'],
    ['0008', 'CARD_DAILY_CHECKS_EXCEEDED'],
  ])('a card ending %s is rejected with %s', async (lastFour, reason) => {
    const req = await newApplication(h.documents, { card: newCard(lastFour) });
    const view = await h.applications.start(req);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: [reason] });
    expect(view.steps.find((s) => s.step === 'CARD_FOUR_ELEMENTS')?.outcome).toBe('REJECT');
  });

  it('retries a busy answer and goes on when UnionPay recovers', async () => {
    // The sandbox answers BUSY to the first call for a card ending 0010 (test/sandbox proves it).
    const req = await newApplication(h.documents, { card: newCard('0010') });
    const view = await h.applications.start(req);
    expect(view.status).toBe('AWAITING_SMS_CODE');
    expect(view.steps.find((s) => s.step === 'CARD_FOUR_ELEMENTS')?.outcome).toBe('PASS');
  });

  it('asks all the checks in one local activity, then only the busy check again', async () => {
    const clean = await newApplication(h.documents);
    expect((await h.applications.start(clean)).status).toBe('AWAITING_SMS_CODE');
    expect(await localActivityTypes(clean.applicationId)).toEqual(['runChecks']);

    const busy = await newApplication(h.documents, { card: newCard('0010') });
    expect((await h.applications.start(busy)).status).toBe('AWAITING_SMS_CODE');
    expect(await localActivityTypes(busy.applicationId)).toEqual(['runChecks', 'checkCardFourElements']);
  });

  it('opens and binds in the workflow task of the code: three workflow tasks in all, the webhook the one activity', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const answer = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(answer.status).toBe('OPENED');
    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId));
    await handle.result();
    expect(await localActivityTypes(req.applicationId)).toEqual([
      'runChecks',
      'confirmSmsCode',
      'openAccount',
      'bindAccount',
    ]);
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.flatMap(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(activities).toEqual(['notifyApp']);
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes).length).toBe(3);
  });

  it('rejects on every failed check at once, all reasons kept', async () => {
    const req = await newApplication(h.documents, { person: newPerson('王不符'), card: newCard('0004') });
    const view = await h.applications.start(req);
    expect(view.status).toBe('REJECTED');
    expect(view.reasons).toEqual(['IDENTITY_MISMATCH', 'CARD_REPORTED_LOST']);
  });
});

describe('core banking', () => {
  it('refuses an account beyond the per-person cap', async () => {
    // Core banking's own cap, counted over every channel: all but one of them opened at a branch.
    const capped = await startHarness();
    try {
      const person = newPerson();
      await openElsewhere(capped.coreBankingUrl, person, CLASS_II_CAP - 1);
      for (const expected of ['OPENED', 'REJECTED'] as const) {
        const req = await newApplication(capped.documents, { person });
        await capped.applications.start(req);
        const answer = await capped.applications.submitSmsCode(
          req.applicationId,
          await readSmsCode(capped.providersUrl, person.mobile),
        );
        expect(answer.status).toBe(expected);
        if (answer.status === 'REJECTED') expect(answer.reasons).toEqual(['PERSON_ACCOUNT_CAP_REACHED']);
      }
    } finally {
      await capped.stop();
    }
  });
});

describe('watch-list screening', () => {
  it('a possible match opens the account with a review pending', async () => {
    const req = await newApplication(h.documents, { person: newPerson('周疑似') });
    const view = await h.applications.start(req);
    expect(view.steps.find((s) => s.step === 'WATCHLIST')).toEqual({
      step: 'WATCHLIST',
      outcome: 'REVIEW',
      reasons: ['WATCHLIST_POSSIBLE_MATCH'],
    });
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile),
    );
    expect(opened).toMatchObject({ status: 'OPENED', review: 'PENDING' });
  });

  it('a confirmed match rejects', async () => {
    const req = await newApplication(h.documents, { person: newPerson('吴命中') });
    expect(await h.applications.start(req)).toMatchObject({
      status: 'REJECTED',
      reasons: ['WATCHLIST_CONFIRMED_MATCH'],
    });
  });
});
