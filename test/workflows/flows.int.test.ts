/**
 * Flow versions v1 (four elements + SMS code) and v2 (three elements + face, no code) on the
 * real dev server against the sandboxes, on the partner channel that offers them; v3 is
 * onboarding.int.test.ts. Also: the per-person cap for v1 and v2, and versions a channel does not offer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, FieldError } from '../../api/services/errors';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { type Harness, newFlowApplication, readAccount, readSmsCode, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { eventually } from '../support/review';
import { CLASS_II_CAP, openElsewhere } from './core-banking-accounts';

const partner = { partnerId: 'partner-x' };
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const steps = (view: { steps: { step: string; outcome: string }[] }) =>
  view.steps.map((s) => [s.step, s.outcome]);

describe('v1: four elements + SMS code, no ID photos', () => {
  it('clean: waits for the code, then opens and binds an account dedicated to the partner', async () => {
    const req = await newFlowApplication(h.documents, 'v1');
    expect(req.documents).toEqual({});
    const first = await h.applications.start(req, partner);
    expect(first).toMatchObject({ status: 'AWAITING_SMS_CODE', flowVersion: 'v1', channel: 'PARTNER' });
    expect(first.partnerId).toBe('partner-x');
    expect(steps(first)).toEqual([
      ['IDENTITY', 'PASS'],
      ['WATCHLIST', 'PASS'],
      ['CARD_FOUR_ELEMENTS', 'PASS'],
    ]);
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, req.applicant.mobile!),
    );
    expect(opened).toMatchObject({ status: 'OPENED', review: 'NONE' });
    if (opened.status !== 'OPENED') throw new Error('unreachable');
    const account = await readAccount(h.coreBankingUrl, opened.accountNumber);
    expect(account).toMatchObject({
      accountClass: 'II',
      status: 'ACTIVE',
      channel: 'PARTNER',
      partnerId: 'partner-x',
      reference: req.applicationId,
      binding: { kind: 'DEBIT' },
    });

    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId));
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'OPENED', flowVersion: 'v1' });
    expect(final.steps.at(-1)).toEqual({ step: 'SMS_CODE', outcome: 'PASS', reasons: [] });
    const history = await handle.fetchHistory();
    console.log(`[figures] clean v1 application: ${history.events?.length} history events`);
  });

  it.each([
    ['0001', 'CARD_MISMATCH'],
    ['0002', 'CARD_PHONE_MISMATCH'],
  ])('a card ending %s is rejected with %s', async (lastFour, reason) => {
    const req = await newFlowApplication(h.documents, 'v1', { card: newCard(lastFour) });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: [reason] });
    expect(view.steps.find((s) => s.step === 'CARD_FOUR_ELEMENTS')?.outcome).toBe('REJECT');
    expect(view.accountNumber).toBeUndefined();
  });

  it('a wrong code leaves tries; the last wrong one rejects', async () => {
    const req = await newFlowApplication(h.documents, 'v1');
    await h.applications.start(req, partner);
    const right = await readSmsCode(h.providersUrl, req.applicant.mobile!);
    const wrong = right === '123456' ? '654321' : '123456';
    expect(await h.applications.submitSmsCode(req.applicationId, wrong)).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 2,
    });
    await h.applications.submitSmsCode(req.applicationId, wrong);
    expect(await h.applications.submitSmsCode(req.applicationId, wrong)).toEqual({
      status: 'REJECTED',
      reasons: ['SMS_CODE_TRIES_EXHAUSTED'],
    });
  });
});

describe('v2: three elements + face, no reserved phone and no code', () => {
  it('clean, without a mobile: the start answers the opened account directly', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    expect(req.applicant.mobile).toBeUndefined();
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'OPENED', flowVersion: 'v2', review: 'NONE' });
    expect(steps(view)).toEqual([
      ['IDENTITY', 'PASS'],
      ['WATCHLIST', 'PASS'],
      ['CARD_THREE_ELEMENTS', 'PASS'],
      ['FACE', 'PASS'],
    ]);
    const account = await readAccount(h.coreBankingUrl, view.accountNumber!);
    expect(account).toMatchObject({ status: 'ACTIVE', channel: 'PARTNER', partnerId: 'partner-x' });
    // There is no code to submit.
    await expect(h.applications.submitSmsCode(req.applicationId, '123456')).rejects.toBeInstanceOf(
      ConflictError,
    );

    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId));
    await handle.result();
    const history = await handle.fetchHistory();
    console.log(`[figures] clean v2 application: ${history.events?.length} history events`);
  });

  it('a spoofed face rejects', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { face: 'SPOOF' });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'REJECTED', reasons: ['FACE_SPOOF'] });
    expect(view.accountNumber).toBeUndefined();
  });

  it('another person rejects', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { face: 'MISMATCH' });
    expect(await h.applications.start(req, partner)).toMatchObject({
      status: 'REJECTED',
      reasons: ['FACE_MISMATCH'],
    });
  });

  it('a borderline likeness opens the account with a review pending', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { face: 'BORDERLINE' });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    expect(view.steps.find((s) => s.step === 'FACE')).toEqual({
      step: 'FACE',
      outcome: 'REVIEW',
      reasons: ['FACE_BORDERLINE'],
    });
    const review = await eventually(
      () => h.reviews.get(reviewWorkflowId(req.applicationId)).catch(() => undefined),
      (r) => r !== undefined,
    );
    expect(review).toMatchObject({
      status: 'PENDING',
      reasons: ['FACE_BORDERLINE'],
      flowVersion: 'v2',
      channel: 'PARTNER',
      accountNumber: view.accountNumber,
    });
  });

  it('a three-element mismatch rejects; a phone answer cannot happen without a phone', async () => {
    const mismatch = await newFlowApplication(h.documents, 'v2', { card: newCard('0001') });
    expect(await h.applications.start(mismatch, partner)).toMatchObject({
      status: 'REJECTED',
      reasons: ['CARD_MISMATCH'],
    });
    const phoneSuffix = await newFlowApplication(h.documents, 'v2', { card: newCard('0002') });
    const view = await h.applications.start(phoneSuffix, partner);
    expect(view.steps.find((s) => s.step === 'CARD_THREE_ELEMENTS')?.outcome).toBe('PASS');
  });
});

describe('channels and versions', () => {
  it('the partner channel defaults to v2', async () => {
    const req = await newFlowApplication(h.documents, 'v2');
    const { flowVersion: _omitted, ...body } = req;
    const { startApplicationRequestSchema } = await import('../../domain/application');
    const parsed = startApplicationRequestSchema.parse(body);
    expect(parsed.flowVersion).toBe('v2');
  });

  it('a version the channel does not offer is refused naming the field', async () => {
    const req = await newFlowApplication(h.documents, 'v1', { channel: 'OWN_APP' });
    await expect(h.applications.start(req)).rejects.toBeInstanceOf(FieldError);
  });
});

describe('per-person Class II cap', () => {
  it('applies to v1 and v2 applications as to v3', async () => {
    // Core banking's own cap, counted over every channel: all but one of them opened at a branch.
    const capped = await startHarness();
    try {
      const person = newPerson();
      await openElsewhere(capped.coreBankingUrl, person, CLASS_II_CAP - 1);
      const v1 = await newFlowApplication(capped.documents, 'v1', { person });
      await capped.applications.start(v1, partner);
      expect(
        await capped.applications.submitSmsCode(
          v1.applicationId,
          await readSmsCode(capped.providersUrl, person.mobile),
        ),
      ).toMatchObject({ status: 'OPENED' });

      const v2 = await newFlowApplication(capped.documents, 'v2', { person });
      expect(await capped.applications.start(v2, partner)).toMatchObject({
        status: 'REJECTED',
        reasons: ['PERSON_ACCOUNT_CAP_REACHED'],
      });
      const again = await newFlowApplication(capped.documents, 'v1', { person });
      await capped.applications.start(again, partner);
      expect(
        await capped.applications.submitSmsCode(
          again.applicationId,
          await readSmsCode(capped.providersUrl, person.mobile),
        ),
      ).toEqual({ status: 'REJECTED', reasons: ['PERSON_ACCOUNT_CAP_REACHED'] });
    } finally {
      await capped.stop();
    }
  });
});
