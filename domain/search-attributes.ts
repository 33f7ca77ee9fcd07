/**
 * Custom search attributes the project registers on its Temporal namespace. They make the
 * review queue and application lists searchable, so they hold no personal data: codes,
 * statuses and flags only. The one place their names and types are written: the dev server, the
 * cluster's registration and the typed keys workflows and the API use (workflows/search-attributes.ts)
 * are all made from this table.
 */
export const SEARCH_ATTRIBUTES = {
  ApplicationStatus: 'Keyword',
  /** Funnel: the steps an application got through, and where it stopped. */
  StepsPassed: 'KeywordList',
  RejectedAt: 'KeywordList',
  /** Funnel: where a FAILED application could not go on (a step, OPEN_ACCOUNT or BIND_ACCOUNT). */
  FailedAt: 'Keyword',
  FlowVersion: 'Keyword',
  Channel: 'Keyword',
  ReviewStatus: 'Keyword',
  ReviewReasons: 'KeywordList',
  ReviewRound: 'Int',
  Escalated: 'Bool',
  Hold: 'Keyword',
  /** The review console's queue: when the open round escalates, and who holds the case (an operator id). */
  ReviewDueAt: 'Datetime',
  ClaimedBy: 'Keyword',
  ClaimedUntil: 'Datetime',
  /** The funnel's re-verification outcomes: PASSED or FAILED_<class> once a case is decided. */
  ReVerificationOutcome: 'Keyword',
  /** Bank restriction cases: the case's status, and by when its appeal is decided (the console's appealed list). */
  RestrictionStatus: 'Keyword',
  RestrictionDueAt: 'Datetime',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export const searchAttributeFlags = (): string[] =>
  Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
