import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultRetentionPolicy,
  nextStep,
  retentionDue,
  retentionPolicySchema,
  reviewRoundDocumentsDue,
  shredRefusal,
} from '../../domain/retention';

const policy = defaultRetentionPolicy;
const DAY_MS = 86_400_000;
const instant = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());

describe('retentionDue', () => {
  it('a never-customer (no account) is due 180 days after the application ended', () => {
    expect(retentionDue({ endedAt: '2026-01-01T00:00:00.000Z', accounts: [] }, [], policy)).toEqual({
      due: true,
      at: '2026-06-30T00:00:00.000Z',
      rule: 'NEVER_CUSTOMER',
    });
  });

  it('a customer is due 3,653 days (ten years with their leap days) after the last account closed', () => {
    const verdict = retentionDue(
      {
        endedAt: '2026-01-01T00:00:00.000Z',
        accounts: [{ closedAt: '2027-03-01T00:00:00.000Z' }, { closedAt: '2030-05-01T00:00:00.000Z' }],
      },
      [],
      policy,
    );
    expect(verdict).toEqual({ due: true, at: '2040-05-01T00:00:00.000Z', rule: 'CUSTOMER' });
  });

  it('an open account, a running application and a standing hold are never due yet', () => {
    const ended = '2026-01-01T00:00:00.000Z';
    expect(retentionDue({ endedAt: ended, accounts: [{}] }, [], policy)).toEqual({
      due: false,
      because: 'ACCOUNT_OPEN',
    });
    expect(retentionDue({ accounts: [] }, [], policy)).toEqual({ due: false, because: 'RUNNING' });
    expect(retentionDue({ endedAt: ended, accounts: [] }, [{ legalHoldId: 'lh-1' }], policy)).toEqual({
      due: false,
      because: 'LEGAL_HOLD',
      legalHoldIds: ['lh-1'],
    });
  });

  it('a released hold no longer stops anything', () => {
    const verdict = retentionDue(
      { endedAt: '2026-01-01T00:00:00.000Z', accounts: [] },
      [{ legalHoldId: 'lh-1', releasedAt: '2026-02-01T00:00:00.000Z' }],
      policy,
    );
    expect(verdict).toMatchObject({ due: true, rule: 'NEVER_CUSTOMER' });
  });

  it('property: a standing hold stops destruction whatever the facts', () => {
    fc.assert(
      fc.property(
        fc.option(instant, { nil: undefined }),
        fc.array(fc.record({ closedAt: fc.option(instant, { nil: undefined }) }), { maxLength: 3 }),
        (endedAt, accounts) => {
          const verdict = retentionDue({ endedAt, accounts }, [{ legalHoldId: 'lh' }], policy);
          expect(verdict.due).toBe(false);
          expect(nextStep(verdict, '2100-01-01T00:00:00.000Z', policy)).not.toHaveProperty('destroy');
        },
      ),
    );
  });

  it('property: a customer is never due before 10 years after each of its accounts closed', () => {
    fc.assert(
      fc.property(instant, fc.array(instant, { minLength: 1, maxLength: 4 }), (endedAt, closings) => {
        const verdict = retentionDue(
          { endedAt, accounts: closings.map((closedAt) => ({ closedAt })) },
          [],
          policy,
        );
        expect(verdict.due).toBe(true);
        if (!verdict.due) return;
        expect(verdict.rule).toBe('CUSTOMER');
        for (const c of closings) {
          const tenYearsOn = new Date(c);
          tenYearsOn.setUTCFullYear(tenYearsOn.getUTCFullYear() + 10);
          expect(Date.parse(verdict.at)).toBeGreaterThanOrEqual(tenYearsOn.getTime());
        }
      }),
    );
  });

  it('property: a never-customer is due exactly the policy period after it ended', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 10_000 }), (endedAt, days) => {
        const verdict = retentionDue({ endedAt, accounts: [] }, [], {
          ...policy,
          neverCustomerSeconds: days * 86_400,
        });
        expect(verdict).toEqual({
          due: true,
          at: new Date(Date.parse(endedAt) + days * DAY_MS).toISOString(),
          rule: 'NEVER_CUSTOMER',
        });
      }),
    );
  });
});

describe('nextStep', () => {
  const now = '2030-01-01T00:00:00.000Z';

  it('destroys what is due by now, and waits for what is due later', () => {
    expect(nextStep({ due: true, at: now, rule: 'NEVER_CUSTOMER' }, now, policy)).toEqual({
      destroy: 'NEVER_CUSTOMER',
    });
    expect(nextStep({ due: true, at: '2031-01-01T00:00:00.000Z', rule: 'CUSTOMER' }, now, policy)).toEqual({
      lookAgainAt: '2031-01-01T00:00:00.000Z',
    });
  });

  it('looks at an open account again after customerCheckSeconds, and at a held one on the next run', () => {
    expect(nextStep({ due: false, because: 'ACCOUNT_OPEN' }, now, policy)).toEqual({
      lookAgainAt: '2030-01-31T00:00:00.000Z',
    });
    expect(nextStep({ due: false, because: 'LEGAL_HOLD', legalHoldIds: ['x'] }, now, policy)).toEqual({
      lookAgainAt: now,
    });
  });
});

describe('reviewRoundDocumentsDue', () => {
  it('is due the review-documents period after the round closed, unless held', () => {
    expect(reviewRoundDocumentsDue('2026-01-01T00:00:00.000Z', [], policy)).toEqual({
      due: true,
      at: '2036-01-02T00:00:00.000Z', // 3,653 days: two leap days in between, one day to spare
      rule: 'REVIEW_ROUND_DOCUMENTS',
    });
    expect(reviewRoundDocumentsDue('2026-01-01T00:00:00.000Z', [{ legalHoldId: 'h' }], policy).due).toBe(
      false,
    );
  });
});

describe('shredRefusal', () => {
  const now = '2030-01-01T00:00:00.000Z';

  it('names the rule and until when for data still kept', () => {
    expect(shredRefusal({ endedAt: '2029-12-01T00:00:00.000Z', accounts: [] }, [], policy, now)).toBe(
      'kept under the retention policy (rule NEVER_CUSTOMER) until 2030-05-30T00:00:00.000Z',
    );
    expect(
      shredRefusal(
        { endedAt: '2020-01-01T00:00:00.000Z', accounts: [{ closedAt: '2025-01-01T00:00:00.000Z' }] },
        [],
        policy,
        now,
      ),
    ).toMatch(/rule CUSTOMER.*until 2035-01-02T00:00:00.000Z/);
  });

  it('names the hold, the open account or the running application', () => {
    expect(shredRefusal({ endedAt: now, accounts: [] }, [{ legalHoldId: 'lh-9' }], policy, now)).toMatch(
      /legal hold lh-9/,
    );
    expect(shredRefusal({ endedAt: now, accounts: [{}] }, [], policy, now)).toMatch(/account is open/);
    expect(shredRefusal({ accounts: [] }, [], policy, now)).toMatch(/still runs/);
  });

  it('lets data past its period go', () => {
    expect(
      shredRefusal({ endedAt: '2020-01-01T00:00:00.000Z', accounts: [] }, [], policy, now),
    ).toBeUndefined();
  });
});

describe('retentionPolicySchema', () => {
  it('accepts the defaults and refuses a zero period', () => {
    expect(retentionPolicySchema.parse(defaultRetentionPolicy)).toEqual(defaultRetentionPolicy);
    expect(retentionPolicySchema.safeParse({ ...defaultRetentionPolicy, customerSeconds: 0 }).success).toBe(
      false,
    );
  });
});
