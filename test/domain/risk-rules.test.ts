import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import { atLeast, type RiskEvidence, rateRisk } from '../../domain/risk-rules';
import { reasonCodeSchema } from '../../domain/steps';

/** The reasons a check can give for a human look (REVIEW outcomes), as the flows raise them. */
const DOUBTS = [
  'ID_IMAGE_OCCLUDED',
  'ID_IMAGE_BLURRED',
  'ID_IMAGE_GLARE',
  'ID_IMAGE_PARTLY_UNREADABLE',
  'WATCHLIST_POSSIBLE_MATCH',
  'FACE_BORDERLINE',
  'LINKED_APPLICANTS',
] as const;

const evidenceArb: fc.Arbitrary<RiskEvidence> = fc.record({
  doubts: fc.uniqueArray(fc.constantFrom(...DOUBTS), { maxLength: 4 }),
  rankOnDevice: fc.integer({ min: 0, max: 10 }),
  rankOnMobile: fc.integer({ min: 0, max: 10 }),
  identitiesAt: fc.integer({ min: 2, max: 6 }),
  channel: fc.constantFrom('OWN_APP', 'PARTNER'),
  purpose: fc.option(fc.constantFrom('SAVINGS', 'WEALTH', 'PAYMENTS', 'SALARY', 'OTHER'), { nil: undefined }),
});

/** `more` holds everything `e` holds, and perhaps more: more doubts, higher ranks. */
const moreEvidenceArb = evidenceArb.chain((e) =>
  fc
    .record({
      extra: fc.uniqueArray(fc.constantFrom(...DOUBTS), { maxLength: 3 }),
      device: fc.integer({ min: 0, max: 5 }),
      mobile: fc.integer({ min: 0, max: 5 }),
    })
    .map(({ extra, device, mobile }) => ({
      e,
      more: {
        ...e,
        doubts: [...new Set([...e.doubts, ...extra])],
        rankOnDevice: e.rankOnDevice + device,
        rankOnMobile: e.rankOnMobile + mobile,
      },
    })),
);

describe('rateRisk', () => {
  it('the doubts it knows are reason codes', () => {
    for (const d of DOUBTS) expect(reasonCodeSchema.options).toContain(d);
  });

  it('a doubt never rates LOW', () => {
    fc.assert(
      fc.property(evidenceArb, (e) => {
        fc.pre(e.doubts.length > 0);
        expect(rateRisk(e).rating).not.toBe('LOW');
      }),
      { numRuns: 500 },
    );
  });

  it('more evidence never lowers the rating (so HIGH stays HIGH)', () => {
    fc.assert(
      fc.property(moreEvidenceArb, ({ e, more }) => {
        expect(atLeast(rateRisk(more).rating, rateRisk(e).rating)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('linked applicants at the threshold, and every restricting doubt, rate HIGH', () => {
    const restricting = defaultReviewPolicy.secondApprovalReasons;
    fc.assert(
      fc.property(evidenceArb, fc.constantFrom(...restricting), (e, doubt) => {
        expect(rateRisk({ ...e, rankOnDevice: e.identitiesAt }).rating).toBe('HIGH');
        expect(rateRisk({ ...e, rankOnMobile: e.identitiesAt }).rating).toBe('HIGH');
        expect(rateRisk({ ...e, doubts: [...e.doubts, doubt] }).rating).toBe('HIGH');
      }),
      { numRuns: 300 },
    );
  });

  it('no finding at all rates LOW, and names the rule that fired', () => {
    expect(
      rateRisk({
        doubts: [],
        rankOnDevice: 1,
        rankOnMobile: 1,
        identitiesAt: 3,
        channel: 'OWN_APP',
        purpose: 'OTHER',
      }),
    ).toEqual({ rating: 'LOW', rule: 'NO_FINDING' });
    expect(
      rateRisk({ doubts: [], rankOnDevice: 2, rankOnMobile: 1, identitiesAt: 3, channel: 'OWN_APP' }),
    ).toEqual({ rating: 'MEDIUM', rule: 'SHARED_DEVICE_OR_MOBILE' });
    expect(
      rateRisk({
        doubts: [],
        rankOnDevice: 1,
        rankOnMobile: 1,
        identitiesAt: 3,
        channel: 'PARTNER',
        purpose: 'OTHER',
      }),
    ).toEqual({ rating: 'MEDIUM', rule: 'PARTNER_OTHER_PURPOSE' });
  });
});
