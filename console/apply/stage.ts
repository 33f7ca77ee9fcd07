/** Where the customer is in the journey, and what the page keeps between reloads. */

export const SESSION_KEY = 'account-opening.apply.current';

/** The mode the API serves the page in (api/routes/console.ts). */
export const PRODUCTION =
  document.querySelector('meta[name="account-opening-mode"]')?.getAttribute('content') === 'production';

/** What the session the host handed over acts for; absent on a tenant token (development only). */
export interface SessionScope {
  applicationId: string;
  accountNumber?: string;
}

export interface Current {
  applicationId: string;
  accountNumber?: string;
  /** The last review round whose new photos were accepted: no need to ask again for it. */
  resubmittedRound?: number;
}

export type Stage =
  | { kind: 'form' }
  | { kind: 'code'; applicationId: string; attemptsLeft?: number; heading: string }
  | { kind: 'opened'; applicationId: string; accountNumber: string; review: string }
  | { kind: 'rejected'; reasons: string[] };
