/**
 * Flow v4's risk rating at opening (DESIGN.md: every customer is rated LOW / MEDIUM / HIGH; the
 * rating sets how often their identity is checked again and may lower their limits). Pure rules
 * over what the checks found, first match wins, each naming itself so staff read why. Without
 * zod: the onboarding workflow rates in workflow code.
 */
import type { Channel } from './identifiers';
import type { OpeningPurpose } from './opening-intent';
import type { RiskRating } from './risk-rating';
import type { ReasonCode } from './steps';

/** What the checks of one application found. */
export interface RiskEvidence {
  /** Every doubt a check raised (the steps' REVIEW reasons); rejections never reach a rating. */
  doubts: readonly ReasonCode[];
  /** This identity's rank among those that applied from its device / its mobile within the window (0: unknown). */
  rankOnDevice: number;
  rankOnMobile: number;
  /** The rank from which linked applicants are a doubt (the policy's identitiesAt). */
  identitiesAt: number;
  channel: Channel;
  purpose?: OpeningPurpose;
}

export type RiskRule =
  | 'LINKED_APPLICANTS'
  | 'WATCHLIST_DOUBT'
  | 'SEVERAL_DOUBTS'
  | 'ONE_DOUBT'
  | 'SHARED_DEVICE_OR_MOBILE'
  | 'PARTNER_OTHER_PURPOSE'
  | 'NO_FINDING';

export interface RiskVerdict {
  rating: RiskRating;
  /** The rule that fired. */
  rule: RiskRule;
}

const ORDER: Record<RiskRating, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** True when `a` is at least as high as `b`. */
export const atLeast = (a: RiskRating, b: RiskRating): boolean => ORDER[a] >= ORDER[b];

export function rateRisk(e: RiskEvidence): RiskVerdict {
  const linkedRank = Math.max(e.rankOnDevice, e.rankOnMobile);
  const doubts = new Set(e.doubts);
  // One phone behind many identities is how rented and sold accounts are farmed.
  if (linkedRank >= e.identitiesAt || doubts.has('LINKED_APPLICANTS')) {
    return { rating: 'HIGH', rule: 'LINKED_APPLICANTS' };
  }
  if (doubts.has('WATCHLIST_POSSIBLE_MATCH')) return { rating: 'HIGH', rule: 'WATCHLIST_DOUBT' };
  if (doubts.size >= 2) return { rating: 'HIGH', rule: 'SEVERAL_DOUBTS' };
  if (doubts.size === 1) return { rating: 'MEDIUM', rule: 'ONE_DOUBT' };
  // A second identity on the same phone is ordinary (a family's phone), but worth a closer look.
  if (linkedRank >= 2) return { rating: 'MEDIUM', rule: 'SHARED_DEVICE_OR_MOBILE' };
  // Through a third party's app, with no purpose the bank's products serve.
  if (e.channel === 'PARTNER' && e.purpose === 'OTHER')
    return { rating: 'MEDIUM', rule: 'PARTNER_OTHER_PURPOSE' };
  return { rating: 'LOW', rule: 'NO_FINDING' };
}
