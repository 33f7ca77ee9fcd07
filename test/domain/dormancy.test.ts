import { describe, expect, it } from 'vitest';
import {
  DORMANT_HOLD_PREFIX,
  defaultDormancyPolicy,
  dormancyPolicySchema,
  dormantFrom,
  dormantHoldId,
  idleWindow,
  liftedByReVerification,
} from '../../domain/dormancy';
import { ID_EXPIRY_HOLD_PREFIX } from '../../domain/id-expiry';
import { restrictionOf, restrictionsOf } from '../../domain/restrictions';
import { reVerificationHoldId } from '../../domain/risk-life';

describe('the dormancy policy', () => {
  it('accepts the default: a year idle, a month of catch-up', () => {
    expect(dormancyPolicySchema.parse(defaultDormancyPolicy)).toEqual(defaultDormancyPolicy);
    expect(defaultDormancyPolicy.idleSeconds).toBe(365 * 86_400);
  });

  it.each([
    ['no idle period', { idleSeconds: 0 }, 'idleSeconds'],
    ['a fractional idle period', { idleSeconds: 1.5 }, 'idleSeconds'],
    ['a negative catch-up', { catchUpSeconds: -1 }, 'catchUpSeconds'],
    ['a page of more than 500', { pageSize: 501 }, 'pageSize'],
  ])('refuses %s, naming the field', (_name, change, field) => {
    const parsed = dormancyPolicySchema.safeParse({ ...defaultDormancyPolicy, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });
});

describe('the idle window', () => {
  const policy = { ...defaultDormancyPolicy, idleSeconds: 60, catchUpSeconds: 600 };

  it('lists accounts last active from the idle period plus the catch-up ago up to the idle period ago', () => {
    expect(idleWindow('2025-06-01T00:00:00.000Z', policy)).toEqual({
      from: '2025-05-31T23:49:00.000Z',
      before: '2025-05-31T23:59:00.000Z',
    });
  });

  it('puts to sleep an account last active exactly the idle period ago, not one a millisecond later', () => {
    const now = '2025-06-01T00:00:00.000Z';
    const { from, before } = idleWindow(now, policy);
    const listed = (since: string) => since >= from && since < before;
    expect(listed('2025-05-31T23:58:59.999Z')).toBe(true);
    expect(listed('2025-05-31T23:59:00.000Z')).toBe(false);
    expect(dormantFrom('2025-05-31T23:58:59.999Z', policy) <= now).toBe(true);
  });
});

describe("dormancy's hold", () => {
  const since = '2025-05-31T23:00:00.000Z';

  it('is one per idle stretch, named by its last activity', () => {
    expect(dormantHoldId(since)).toBe(`dormant:${since}:RECEIVE_ONLY`);
    expect(dormantHoldId(since).startsWith(DORMANT_HOLD_PREFIX)).toBe(true);
  });

  it('is lifted by a re-verification, as a missed re-verification’s is, and no other kind', () => {
    expect(liftedByReVerification(dormantHoldId(since))).toBe(true);
    expect(liftedByReVerification(reVerificationHoldId(since))).toBe(true);
    for (const other of [
      `${ID_EXPIRY_HOLD_PREFIX}2025-01-01:RECEIVE_ONLY`,
      'review-app-1:doubt:RECEIVE_ONLY',
      'bank-restriction:case-1:RECEIVE_ONLY',
      'a-dormant:x',
    ])
      expect(liftedByReVerification(other), other).toBe(false);
  });

  it('shows apps BANK_REVIEW with RE_VERIFY, never the reason', () => {
    const hold = { holdId: dormantHoldId(since), type: 'RECEIVE_ONLY', reason: 'DORMANT', placedAt: since };
    expect(restrictionOf(hold)).toEqual({ kind: 'BANK_REVIEW', since, action: 'RE_VERIFY' });
    expect(restrictionsOf([hold])).toEqual([{ kind: 'BANK_REVIEW', since, action: 'RE_VERIFY' }]);
  });
});
