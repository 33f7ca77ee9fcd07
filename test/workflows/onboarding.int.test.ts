/** The v3 onboarding workflow on the real dev server, against the sandboxes over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, FieldError } from '../../api/services/errors';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import {
  appEvents,
  type Harness,
  newApplication,
  readAccount,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newCard, newPerson } from '../support/people';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smsCodeWaitSeconds: 3 });
});
afterAll(() => h?.stop());

describe('clean v3 application', () => {
  it('waits for the SMS code, then opens and binds the account and tells the app', async () => {
    const req = await newApplication(h.documents);
    const first = await h.applications.start(req);
    expect(first.status).toBe('AWAITING_SMS_CODE');
    expect(first.smsAttemptsLeft).toBe(3);
    expect(first.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['ID_DOCUMENT', 'PASS'],
      ['IDENTITY', 'PASS'],
      ['WATCHLIST', 'PASS'],
      ['CARD_FOUR_ELEMENTS', 'PASS'],
    ]);

    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const opened = await h.applications.submitSmsCode(req.applicationId, code);
    expect(opened).toMatchObject({ status: 'OPENED', review: 'NONE' });
    if (opened.status !== 'OPENED') throw new Error('unreachable');

    const account = await readAccount(h.coreBankingUrl, opened.accountNumber);
    expect(account).toMatchObject({ status: 'ACTIVE', accountClass: 'II', binding: { kind: 'DEBIT' } });
    expect(account.binding?.maskedNumber.endsWith(req.boundAccount.number.slice(-4))).toBe(true);

    const handle = h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId));
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'OPENED', accountNumber: opened.accountNumber, review: 'NONE' });
    expect(final.steps.at(-1)).toEqual({ step: 'SMS_CODE', outcome: 'PASS', reasons: [] });
    const events = await appEvents(h.providersUrl, req.applicationId);
    expect(events.map((e) => e.type)).toEqual(['ACCOUNT_OPENED']);

    const history = await handle.fetchHistory();
    console.log(`[figures] clean v3 application: ${history.events?.length} history events`);
    // The design's budget: checks as local activities keep a clean application small.
    expect(history.events?.length).toBeLessThanOrEqual(40);
  });

  it('records a card that fails Luhn as a warning, not a rejection', async () => {
    const good = newCard();
    const bad = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10);
    const req = await newApplication(h.documents, { card: bad });
    const view = await h.applications.start(req);
    expect(view.status).toBe('AWAITING_SMS_CODE');
    expect(view.warnings).toEqual(['CARD_FAILS_LUHN']);
  });
});

describe('starting twice', () => {
  it('a re-sent start finds the same workflow run instead of starting another', async () => {
    const req = await newApplication(h.documents);
    const [a, b] = await Promise.all([h.applications.start(req), h.applications.start(req)]);
    expect(a).toEqual(b);
    const again = await h.applications.start(structuredClone(req));
    expect(again.status).toBe('AWAITING_SMS_CODE');
    const runs = await h.client.workflow.count(`WorkflowId = '${onboardingWorkflowId(req.applicationId)}'`);
    // Visibility is eventually consistent; the count can only be 0 (not yet indexed) or 1.
    expect(runs.count).toBeLessThanOrEqual(1);
    const desc = await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).describe();
    expect(desc.status.name).toBe('RUNNING');
  });

  it('refuses the same applicationId with a different body', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const other = { ...req, boundAccount: { ...req.boundAccount, kind: 'CREDIT' as const } };
    await expect(h.applications.start(other)).rejects.toBeInstanceOf(ConflictError);
  });

  it('answers the outcome when the application already ended', async () => {
    const req = await newApplication(h.documents, { person: newPerson('王不符') });
    const first = await h.applications.start(req);
    expect(first.status).toBe('REJECTED');
    await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    const again = await h.applications.start(req);
    expect(again).toMatchObject({ status: 'REJECTED', reasons: ['IDENTITY_MISMATCH'] });
    const other = { ...req, boundAccount: { ...req.boundAccount, kind: 'CREDIT' as const } };
    await expect(h.applications.start(other)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('SMS code', () => {
  it('answers a wrong code with the tries left and rejects after the last', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const right = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const wrong = right === '123456' ? '654321' : '123456';
    expect(await h.applications.submitSmsCode(req.applicationId, wrong)).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 2,
    });
    expect(await h.applications.submitSmsCode(req.applicationId, wrong)).toEqual({
      status: 'WRONG_CODE',
      attemptsLeft: 1,
    });
    expect(await h.applications.submitSmsCode(req.applicationId, wrong)).toEqual({
      status: 'REJECTED',
      reasons: ['SMS_CODE_TRIES_EXHAUSTED'],
    });
    await expect(h.applications.submitSmsCode(req.applicationId, right)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const view = await h.applications.get(req.applicationId);
    expect(view.accountNumber).toBeUndefined();
    expect((await appEvents(h.providersUrl, req.applicationId)).map((e) => e.type)).toEqual([
      'APPLICATION_REJECTED',
    ]);
  });

  it('rejects an expired code', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    expect(await h.applications.submitSmsCode(req.applicationId, '000000')).toEqual({
      status: 'REJECTED',
      reasons: ['SMS_CODE_EXPIRED'],
    });
  });

  it('refuses a malformed code before it reaches the workflow history', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    await expect(h.applications.submitSmsCode(req.applicationId, '12ab')).rejects.toBeInstanceOf(FieldError);
    expect((await h.applications.get(req.applicationId)).smsAttemptsLeft).toBe(3);
  });

  it('gives up when no code comes within the policy wait', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const final = await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
    expect(final).toMatchObject({ status: 'ABANDONED', reasons: ['SMS_CODE_NOT_SUBMITTED'] });
  });

  it('a retried submission with the same idempotency key answers the same result', async () => {
    const req = await newApplication(h.documents);
    await h.applications.start(req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    const key = 'retry-key-1';
    const [a, b] = await Promise.all([
      h.applications.submitSmsCode(req.applicationId, code, key),
      h.applications.submitSmsCode(req.applicationId, code, key),
    ]);
    expect(a).toEqual(b);
    expect(a.status).toBe('OPENED');
  });
});
