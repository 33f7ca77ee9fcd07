import { describe, expect, it } from 'vitest';
import { apiPerFile, bearer } from '../support/api';
import { newApplication, readSmsCode } from '../support/harness';
import { openWithReview } from '../support/review';

const t = apiPerFile();

const postWithKey = (url: string, key: string, payload: object, role: 'app' | 'operator' = 'app') =>
  t.api.inject({ method: 'POST', url, headers: { ...bearer(role), 'idempotency-key': key }, payload });

describe('Idempotency-Key bound to its request', () => {
  it('an SMS code under a used key with another code is a 422 and consumes no try', async () => {
    const req = await newApplication(t.h.documents);
    await t.h.applications.start(req);
    const right = await readSmsCode(t.h.providersUrl, req.applicant.mobile);
    const wrong = right === '111111' ? '222222' : '111111';
    const url = `/v1/applications/${req.applicationId}/sms-code`;

    const first = await postWithKey(url, 'code-key-0001', { code: wrong });
    expect(first.statusCode).toBe(422);
    expect(first.json().attemptsLeft).toBe(2);

    const other = await postWithKey(url, 'code-key-0001', { code: right });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ title: 'Idempotency-Key reused' });
    expect(other.json().errors).toEqual([expect.objectContaining({ field: 'headers.idempotency-key' })]);
    expect((await t.h.applications.get(req.applicationId)).smsAttemptsLeft).toBe(2);

    // The same request again answers the first call's result without another try.
    const again = await postWithKey(url, 'code-key-0001', { code: wrong });
    expect(again.json().attemptsLeft).toBe(2);
    expect((await t.h.applications.get(req.applicationId)).smsAttemptsLeft).toBe(2);

    const opened = await postWithKey(url, 'code-key-0002', { code: right });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().status).toBe('OPENED');
  });

  it('a decision under a used key with another body is a 422 and decides nothing', async () => {
    const { reviewId } = await openWithReview(t.h);
    const url = `/v1/reviews/${reviewId}/decisions`;
    const reject = { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'glare' };
    const approve = { round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' };

    const approved = await postWithKey(url, 'decision-key-1', approve, 'operator');
    expect(approved.statusCode).toBe(200);
    const reused = await postWithKey(url, 'decision-key-1', reject, 'operator');
    expect(reused.statusCode).toBe(422);
    const after = await t.h.reviews.get(reviewId);
    expect(after.decisions.map((d) => d.decision)).toEqual(['APPROVE']);
  });
});
