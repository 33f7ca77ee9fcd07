/**
 * Flow versions as data: which checks an application of each version runs (all at once), whether
 * the applicant then confirms an SMS code sent to the card's reserved phone, and what the start
 * request must carry. A version is chosen when an application starts and stays with it: it is
 * workflow input, so changing a definition here changes only applications started afterwards
 * (and the v3 path must keep its history: test/histories replays it).
 */
import type { DocumentName } from './documents';
import type { FlowVersion } from './identifiers';

/** One independent check; each answers a step result of the same name. */
export type CheckName =
  | 'ID_DOCUMENT'
  | 'IDENTITY'
  | 'WATCHLIST'
  | 'CARD_FOUR_ELEMENTS'
  | 'CARD_THREE_ELEMENTS'
  | 'FACE'
  | 'PUNISHMENT_LIST'
  | 'LINKED_APPLICANTS';

export interface FlowDefinition {
  version: FlowVersion;
  summary: string;
  /** Run in parallel; the step list shows them in this order. */
  checks: readonly CheckName[];
  /** After the checks pass, wait for the code UnionPay sent to the reserved mobile. */
  smsCode: boolean;
  /** Documents the start request must carry (document ids from POST /v1/documents). */
  documents: readonly DocumentName[];
  /** Whether the start request must carry applicant.mobile (the card's reserved phone). */
  mobileRequired: boolean;
  /**
   * Flow v4 (the Anti-Telecom and Online Fraud Law): the start request must carry `intent` and
   * `device`; a declaration that is not `true` rejects before any check (INTENT_NOT_CONFIRMED);
   * the account is opened with a risk rating (domain/risk-rules.ts).
   */
  intentAndDevice: boolean;
}

export const flows: Readonly<Record<FlowVersion, FlowDefinition>> = {
  v1: {
    version: 'v1',
    summary: 'four elements (name, ID number, card, reserved mobile) + SMS code; no ID photos',
    checks: ['IDENTITY', 'WATCHLIST', 'CARD_FOUR_ELEMENTS'],
    smsCode: true,
    documents: [],
    mobileRequired: true,
    intentAndDevice: false,
  },
  v2: {
    version: 'v2',
    summary:
      'three elements (name, ID number, card) + face liveness and comparison; no reserved phone, no SMS code',
    checks: ['IDENTITY', 'WATCHLIST', 'CARD_THREE_ELEMENTS', 'FACE'],
    smsCode: false,
    documents: ['selfie'],
    mobileRequired: false,
    intentAndDevice: false,
  },
  v3: {
    version: 'v3',
    summary: 'five elements + SMS code + ID-card photos (front and back)',
    // This order is the order of the v3 history's local activities: do not change it.
    checks: ['ID_DOCUMENT', 'IDENTITY', 'WATCHLIST', 'CARD_FOUR_ELEMENTS'],
    smsCode: true,
    documents: ['idFront', 'idBack'],
    mobileRequired: true,
    intentAndDevice: false,
  },
  v4: {
    version: 'v4',
    summary:
      "v3 + the applicant's intent and device, the punishment list, linked applicants and a risk rating at opening",
    // v3's checks in v3's order, then the two the law adds: all at once, as in v3.
    checks: [
      'ID_DOCUMENT',
      'IDENTITY',
      'WATCHLIST',
      'CARD_FOUR_ELEMENTS',
      'PUNISHMENT_LIST',
      'LINKED_APPLICANTS',
    ],
    smsCode: true,
    documents: ['idFront', 'idBack'],
    mobileRequired: true,
    intentAndDevice: true,
  },
};
