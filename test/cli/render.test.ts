/**
 * The terminal views of a case in the states the end-to-end CLI test does not reach cheaply:
 * core banking refusing its part (ACTION_PENDING), confirmed fraud (reportable), and an approval
 * of a watch-list doubt waiting for another operator.
 */
import { describe, expect, it } from 'vitest';
import { renderAgreements, renderCase, renderDecided, renderQueue } from '../../cli/render';
import type { ReviewCase } from '../../sdk/client';

const base: ReviewCase = {
  reviewId: 'review-00000000-0000-4000-8000-000000000001',
  applicationId: '00000000-0000-4000-8000-000000000001',
  accountNumber: '6230000000000001',
  status: 'PENDING',
  round: 1,
  reasons: ['WATCHLIST_POSSIBLE_MATCH'],
  escalated: false,
  hold: 'RECEIVE_ONLY',
  flowVersion: 'v3',
  channel: 'OWN_APP',
  decisions: [],
  deliveries: [],
  resubmissions: [],
};

const decision = {
  round: 1,
  reasonCode: 'IDENTITY_CONFIRMED_BY_CALL',
  operator: 'op-alice',
  decidedAt: '2026-12-01T10:00:00.000Z',
  ruleVersion: 'review-rules-2026-11',
} as const;

describe("the CLI's case and queue views", () => {
  it('show and the decision line give core banking’s unfinished part of an ACTION_PENDING case: action, hold id, attempts, last error, next attempt', () => {
    const c: ReviewCase = {
      ...base,
      status: 'ACTION_PENDING',
      decisions: [{ ...decision, decision: 'APPROVE', stage: 'SECOND', operator: 'op-bob' }],
      pendingAction: {
        action: 'LIFT_HOLD',
        holdId: 'hold-1',
        attempts: 3,
        since: '2026-12-01T10:01:00.000Z',
        lastError: 'REFUSED',
        nextAttemptAt: '2026-12-01T10:05:00.000Z',
      },
    };
    const shown = renderCase(c);
    expect(shown).toContain(
      'Core banking has not done yet (retried)\n' +
        'FIELD         VALUE\n' +
        'action        LIFT_HOLD hold-1\n' +
        'attempts      3\n' +
        'since         2026-12-01T10:01:00.000Z\n' +
        'last error    REFUSED\n' +
        'next attempt  2026-12-01T10:05:00.000Z\n',
    );
    expect(shown).not.toContain('Awaiting second decision');
    expect(renderDecided(c)).toBe(
      `${c.reviewId}: round 1 APPROVE by op-bob (IDENTITY_CONFIRMED_BY_CALL) -> ACTION_PENDING, hold RECEIVE_ONLY\n` +
        '  core banking has not done LIFT_HOLD yet (REFUSED); retried, next at 2026-12-01T10:05:00.000Z\n',
    );
  });

  it('show marks a FRAUD_CONFIRMED case reportable and names the supervisor who confirmed it', () => {
    const c: ReviewCase = {
      ...base,
      status: 'FRAUD_CONFIRMED',
      hold: 'FROZEN',
      reportable: true,
      decisions: [
        {
          ...decision,
          decision: 'CONFIRM_FRAUD',
          reasonCode: 'FORGED_DOCUMENT',
          stage: 'FIRST',
          note: 'montage',
        },
        {
          ...decision,
          decision: 'CONFIRM_FRAUD',
          reasonCode: 'FORGED_DOCUMENT',
          stage: 'SECOND',
          supervisor: true,
          operator: 'sup-carol',
          note: 'confirmed',
        },
      ],
    };
    const shown = renderCase(c);
    expect(shown).toMatch(/^reportable\s+yes: for the report to the authorities$/m);
    expect(shown).toMatch(/^1\s+CONFIRM_FRAUD\s+first\s+FORGED_DOCUMENT\s+op-alice\s.*montage$/m);
    expect(shown).toMatch(
      /^1\s+CONFIRM_FRAUD\s+second\s+FORGED_DOCUMENT\s+sup-carol \(supervisor\)\s.*confirmed$/m,
    );
    expect(renderDecided(c)).toBe(
      `${c.reviewId}: round 1 CONFIRM_FRAUD by sup-carol (supervisor) (FORGED_DOCUMENT) -> FRAUD_CONFIRMED, hold FROZEN, reportable\n`,
    );
  });

  it('show and the decision line say a watch-list approval awaiting its second decision is confirmed by another operator, not the proposer', () => {
    const proposal = { ...decision, decision: 'APPROVE', stage: 'FIRST' } as const;
    const c: ReviewCase = { ...base, status: 'AWAITING_SECOND_DECISION', proposal, decisions: [proposal] };
    expect(renderCase(c)).toMatch(
      /^confirmed by\s+another operator sending APPROVE on round 1 \(`operator approve`\); not op-alice$/m,
    );
    expect(renderDecided(c)).toContain(
      'takes effect once confirmed by another operator sending APPROVE on round 1',
    );
  });

  it('queue lists AWAITING_SECOND_DECISION and ACTION_PENDING in its status column', () => {
    const rows = renderQueue([
      { ...base, status: 'AWAITING_SECOND_DECISION' },
      { ...base, reviewId: 'review-2', status: 'ACTION_PENDING' },
    ]);
    expect(rows.split('\n').map((l) => l.split(/\s+/)[2])).toEqual([
      'STATUS',
      'AWAITING_SECOND_DECISION',
      'ACTION_PENDING',
      undefined,
    ]);
  });
});

describe("the CLI's agreements view", () => {
  it("shows '-' for an agreement core banking holds without a signing here, and an entrusted mandate's payee with both ends of its term", () => {
    const out = renderAgreements('6230000000000001', [
      {
        agreementNumber: 'LEGACY-0001',
        institution: 'UNIONPAY',
        scope: 'QUICK_PAY',
        status: 'ACTIVE',
        limits: { perDebitLimitCny: '500.00', dailyLimitCny: '1000.00' },
      },
      {
        agreementId: `agr-${'a'.repeat(32)}`,
        agreementNumber: `AG${'A'.repeat(32)}`,
        institution: 'JD_PAY',
        scope: 'ENTRUSTED',
        status: 'CANCELLED',
        payee: 'PICC-LIFE',
        period: { from: '2026-01-01', to: '2026-12-31' },
        limits: { perDebitLimitCny: '300.00', dailyLimitCny: '300.00' },
      },
    ]);
    expect(out.split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
      ['AGREEMENT', 'NUMBER', 'INSTITUTION', 'SCOPE', 'STATUS', 'PER DEBIT', 'DAILY', 'PAYEE'],
      ['-', 'LEGACY-0001', 'UNIONPAY', 'QUICK_PAY', 'ACTIVE', '500.00', '1000.00', '-'],
      [
        `agr-${'a'.repeat(32)}`,
        `AG${'A'.repeat(32)}`,
        'JD_PAY',
        'ENTRUSTED',
        'CANCELLED',
        '300.00',
        '300.00',
        'PICC-LIFE (2026-01-01 to 2026-12-31)',
      ],
      [''],
    ]);
  });
});
