import { describe, expect, it } from 'vitest';
import { restrictionsOf } from '../../domain/restrictions';
import {
  defaultRiskLifePolicy,
  HIGH_AT_MOST_SECONDS,
  nextReVerificationDue,
  reVerificationHoldId,
  reVerificationStage,
  riskLifePolicySchema,
} from '../../domain/risk-life';

const DAY = 86_400;
const every = (HIGH: number, MEDIUM: number, LOW: number) => ({
  ...defaultRiskLifePolicy,
  reVerifyEverySeconds: { HIGH, MEDIUM, LOW },
});

describe('the risk-life policy', () => {
  it('accepts the default: HIGH within six months, each lower tier twice the one above', () => {
    expect(riskLifePolicySchema.safeParse(defaultRiskLifePolicy).success).toBe(true);
    expect(defaultRiskLifePolicy.reVerifyEverySeconds.HIGH).toBeLessThanOrEqual(HIGH_AT_MOST_SECONDS);
  });

  it.each([
    ['HIGH longer than six months', every(182 * DAY, 200 * DAY, 400 * DAY), 'HIGH'],
    ['MEDIUM more than twice HIGH', every(100, 201, 300), 'MEDIUM'],
    ['LOW more than twice MEDIUM', every(100, 200, 401), 'LOW'],
    ['MEDIUM shorter than HIGH', every(100, 99, 150), 'MEDIUM'],
    ['LOW shorter than MEDIUM', every(100, 200, 199), 'LOW'],
  ])('refuses %s, naming the tier', (_name, policy, tier) => {
    const parsed = riskLifePolicySchema.safeParse(policy);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(`reVerifyEverySeconds.${tier}`);
  });
});

describe('due dates and stages', () => {
  const policy = { ...every(100, 200, 400), graceSeconds: 60 };

  it('counts the next date by the rating, an unrated holder as the policy says', () => {
    const from = '2026-01-01T00:00:00.000Z';
    expect(nextReVerificationDue(from, 'HIGH', policy)).toBe('2026-01-01T00:01:40.000Z');
    expect(nextReVerificationDue(from, 'LOW', policy)).toBe('2026-01-01T00:06:40.000Z');
    expect(nextReVerificationDue(from, undefined, policy)).toBe('2026-01-01T00:03:20.000Z');
  });

  it('is nothing before the due date, DUE within the grace period, OVERDUE from its end', () => {
    const due = '2026-01-01T00:00:00.000Z';
    expect(reVerificationStage(due, '2025-12-31T23:59:59.999Z', policy)).toBeUndefined();
    expect(reVerificationStage(due, due, policy)).toBe('DUE');
    expect(reVerificationStage(due, '2026-01-01T00:00:59.999Z', policy)).toBe('DUE');
    expect(reVerificationStage(due, '2026-01-01T00:01:00.000Z', policy)).toBe('OVERDUE');
  });
});

describe('what the holder is told', () => {
  const dueAt = '2026-01-01T00:00:00.000Z';
  const hold = { holdId: reVerificationHoldId(dueAt), type: 'RECEIVE_ONLY', reason: 'X', placedAt: dueAt };

  it("a missed re-verification's hold is BANK_REVIEW with RE_VERIFY, shown once beside a due date", () => {
    const now = new Date('2026-02-01T00:00:00.000Z');
    expect(restrictionsOf([hold], { dueAt, now })).toEqual([
      { kind: 'BANK_REVIEW', since: dueAt, action: 'RE_VERIFY' },
    ]);
  });

  it('a due date shows RE_VERIFY once passed, not before', () => {
    expect(restrictionsOf([], { dueAt, now: new Date('2025-12-31T00:00:00.000Z') })).toEqual([]);
    expect(restrictionsOf([], { dueAt, now: new Date('2026-01-02T00:00:00.000Z') })).toEqual([
      { kind: 'BANK_REVIEW', since: dueAt, action: 'RE_VERIFY' },
    ]);
  });
});
