/**
 * Flow v4 (issue 22) on the real dev server against the sandboxes: v3's checks plus the intent,
 * the punishment list, linked applicants and a risk rating kept with the account. Each path the
 * replay suite holds a history of (test/record/histories.record.ts) runs here too.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldError } from '../../api/services/errors';
import type { ApplicationView } from '../../domain/application';
import { publicApplicationView } from '../../domain/public-reasons';
import type { DecisionRequest } from '../../domain/review';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { catalogue } from '../../sandbox/catalogue';
import { listPunished, newDevice, newV4Application } from '../support/flow-v4';
import { type Harness, readAccount, readSmsCode, startHarness } from '../support/harness';
import { newPerson } from '../support/people';
import { eventually } from '../support/review';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const CLASS_II = catalogue.coreBanking.limits.II;
const approve = { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' } as const;
const decision = (round: number, d: Omit<DecisionRequest, 'round'>): DecisionRequest => ({ round, ...d });
const steps = (view: Pick<ApplicationView, 'steps'>) => view.steps.map((s) => [s.step, s.outcome]);

/** Starts, sends the code, and answers the decided application as the workflow returns it (staff's view). */
async function openV4(req: Awaited<ReturnType<typeof newV4Application>>) {
  const first = await h.applications.start(req);
  expect(first.status).toBe('AWAITING_SMS_CODE');
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED') throw new Error(`not opened: ${JSON.stringify(opened)}`);
  const view = await h.applications.get(req.applicationId);
  return { opened, view, account: await readAccount(h.coreBankingUrl, opened.accountNumber) };
}

describe('v4: clean', () => {
  it('checks intent, the punishment list and linked applicants with v3, opens rated LOW at the class limits, and shows staff the intent, device summary, links and rating', async () => {
    const req = await newV4Application(h.documents);
    const { opened, view, account } = await openV4(req);
    expect(opened.review).toBe('NONE');
    expect(steps(view)).toEqual([
      ['INTENT', 'PASS'],
      ['ID_DOCUMENT', 'PASS'],
      ['IDENTITY', 'PASS'],
      ['WATCHLIST', 'PASS'],
      ['CARD_FOUR_ELEMENTS', 'PASS'],
      ['PUNISHMENT_LIST', 'PASS'],
      ['LINKED_APPLICANTS', 'PASS'],
      ['SMS_CODE', 'PASS'],
    ]);
    expect(view).toMatchObject({
      status: 'OPENED',
      flowVersion: 'v4',
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
      device: { platform: 'IOS', appVersion: '5.2.0' },
      links: { identitiesOnDevice: 1, identitiesOnMobile: 1 },
      riskRating: 'LOW',
    });
    // Staff see a summary of the device, never its id or address.
    expect(JSON.stringify(view)).not.toContain(req.device.deviceId);
    expect(JSON.stringify(view)).not.toContain(req.device.ip);
    expect(account).toMatchObject({ riskRating: 'LOW', limits: CLASS_II, status: 'ACTIVE' });
    expect(account.riskRatedAt).toEqual(expect.any(String));

    const shown = publicApplicationView(view);
    for (const field of ['intent', 'device', 'links', 'riskRating']) expect(shown).not.toHaveProperty(field);
    expect(shown.steps.map((s) => s.step)).toEqual([
      'INTENT',
      'ID_DOCUMENT',
      'IDENTITY',
      'CARD_FOUR_ELEMENTS',
      'SMS_CODE',
    ]);
  });

  it('the partner channel offers v4', async () => {
    const req = { ...(await newV4Application(h.documents)), channel: 'PARTNER' as const };
    const first = await h.applications.start(req, { partnerId: 'partner-x' });
    expect(first).toMatchObject({ status: 'AWAITING_SMS_CODE', flowVersion: 'v4', channel: 'PARTNER' });
  });
});

describe('v4: the intent', () => {
  it.each(['intent', 'device'] as const)(
    'a start without %s is refused naming the field, and nothing starts',
    async (field) => {
      const { [field]: _left, ...req } = await newV4Application(h.documents);
      const refused = await h.applications
        .start(req as typeof req & { intent: never; device: never })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(FieldError);
      expect((refused as FieldError).field).toBe(field);
      await expect(
        h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).describe(),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    },
  );

  it('a declaration that is not true is REJECTED INTENT_NOT_CONFIRMED at once: no check runs, no code is sent, no account', async () => {
    const req = await newV4Application(h.documents, {
      intent: { purpose: 'PAYMENTS', declaresNoRentOrSale: false },
    });
    const view = await h.applications.start(req);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: ['INTENT_NOT_CONFIRMED'] });
    expect(steps(view)).toEqual([['INTENT', 'REJECT']]);
    expect(view.accountNumber).toBeUndefined();
    expect(publicApplicationView(view).reasons).toEqual(['INTENT_NOT_CONFIRMED']);
    // UnionPay was never asked, so no code went to the mobile.
    const sms = await fetch(`${h.providersUrl}/sandbox/sms?mobile=${req.applicant.mobile}`);
    expect(sms.status).toBe(404);
  });
});

describe('v4: the punishment list', () => {
  it('a listed person is REJECTED PUNISHMENT_LISTED; apps read ACCOUNT_OPENING_RESTRICTED at the identity step', async () => {
    const req = await newV4Application(h.documents);
    await listPunished(h.providersUrl, req.applicant.idNumber);
    const view = await h.applications.start(req);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: ['PUNISHMENT_LISTED'] });
    expect(view.steps.find((s) => s.step === 'PUNISHMENT_LIST')).toEqual({
      step: 'PUNISHMENT_LIST',
      outcome: 'REJECT',
      reasons: ['PUNISHMENT_LISTED'],
    });
    expect(view.accountNumber).toBeUndefined();

    const shown = publicApplicationView(view);
    expect(shown.reasons).toEqual(['ACCOUNT_OPENING_RESTRICTED']);
    expect(shown.steps.find((s) => s.step === 'IDENTITY')).toEqual({
      step: 'IDENTITY',
      outcome: 'REJECT',
      reasons: ['ACCOUNT_OPENING_RESTRICTED'],
    });
    expect(JSON.stringify(shown)).not.toMatch(/PUNISHMENT/);
  });

  it('a listing whose end has passed does not bar the person', async () => {
    const req = await newV4Application(h.documents);
    await listPunished(h.providersUrl, req.applicant.idNumber, '2020-01-01T00:00:00.000Z');
    const first = await h.applications.start(req);
    expect(first.status).toBe('AWAITING_SMS_CODE');
    expect(first.steps.find((s) => s.step === 'PUNISHMENT_LIST')?.outcome).toBe('PASS');
  });
});

describe('v4: linked applicants and the ratings', () => {
  it('the second identity on a device opens rated MEDIUM; the third opens receive-only, rated HIGH with lowered limits, and two operators clear it', async () => {
    const device = newDevice();
    const first = await openV4(await newV4Application(h.documents, { device }));
    expect(first.view).toMatchObject({ links: { identitiesOnDevice: 1 }, riskRating: 'LOW' });

    const second = await openV4(await newV4Application(h.documents, { device }));
    expect(second.view).toMatchObject({
      links: { identitiesOnDevice: 2, identitiesOnMobile: 1 },
      riskRating: 'MEDIUM',
      review: 'NONE',
    });
    expect(second.account).toMatchObject({ riskRating: 'MEDIUM', limits: CLASS_II, status: 'ACTIVE' });

    const third = await openV4(await newV4Application(h.documents, { device }));
    expect(third.opened.review).toBe('PENDING');
    expect(third.view).toMatchObject({
      links: { identitiesOnDevice: 3, identitiesOnMobile: 1 },
      riskRating: 'HIGH',
    });
    expect(third.view.steps.find((s) => s.step === 'LINKED_APPLICANTS')).toEqual({
      step: 'LINKED_APPLICANTS',
      outcome: 'REVIEW',
      reasons: ['LINKED_APPLICANTS'],
    });
    expect(third.account).toMatchObject({
      riskRating: 'HIGH',
      status: 'RECEIVE_ONLY',
      limits: { ...CLASS_II, dailyCny: 1000, yearlyCny: 20_000 },
    });
    // Apps see a review, never why.
    const shown = JSON.stringify(publicApplicationView(third.view));
    expect(shown).not.toMatch(/LINKED|links|riskRating/);

    const reviewId = reviewWorkflowId(third.view.applicationId);
    const held = await eventually(
      () => h.reviews.get(reviewId),
      (c) => c.hold === 'RECEIVE_ONLY',
    );
    expect(held).toMatchObject({ status: 'PENDING', reasons: ['LINKED_APPLICANTS'] });
    expect(await h.reviews.decide(reviewId, decision(1, approve), 'op-alice')).toMatchObject({
      status: 'AWAITING_SECOND_DECISION',
      hold: 'RECEIVE_ONLY',
    });
    expect(await h.reviews.decide(reviewId, decision(1, approve), 'op-bob')).toMatchObject({
      status: 'CLEARED',
      hold: 'NONE',
    });
  });

  it('one doubt (a blurred photo) rates MEDIUM at the class limits', async () => {
    const { view, account } = await openV4(
      await newV4Application(h.documents, { front: { quality: ['BLURRED'] } }),
    );
    expect(view).toMatchObject({ riskRating: 'MEDIUM', review: 'PENDING' });
    expect(account).toMatchObject({ riskRating: 'MEDIUM', limits: CLASS_II });
  });

  it('a possible watch-list match rates HIGH and opens with the lowered limits', async () => {
    const { view, account } = await openV4(
      await newV4Application(h.documents, { person: newPerson('周疑似') }),
    );
    expect(view).toMatchObject({ riskRating: 'HIGH', review: 'PENDING' });
    expect(account).toMatchObject({
      riskRating: 'HIGH',
      status: 'RECEIVE_ONLY',
      limits: { ...CLASS_II, dailyCny: 1000, yearlyCny: 20_000 },
    });
  });
});
