/**
 * Every operation of HTTP API v1, once: the API registers its routes with these paths and the
 * SDK builds its URLs from them, so the two cannot drift apart (test/sdk/routes.test.ts checks
 * that the server registers exactly these). Paths are in Fastify's `:param` form.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface Route {
  method: HttpMethod;
  path: string;
}

export const routes = {
  // The app's calls.
  uploadDocument: { method: 'POST', path: '/v1/documents' },
  startApplication: { method: 'POST', path: '/v1/applications' },
  getApplication: { method: 'GET', path: '/v1/applications/:applicationId' },
  submitSmsCode: { method: 'POST', path: '/v1/applications/:applicationId/sms-code' },
  resendSmsCode: { method: 'POST', path: '/v1/applications/:applicationId/sms-code/resend' },
  listEvents: { method: 'GET', path: '/v1/applications/:applicationId/events' },
  getAccount: { method: 'GET', path: '/v1/accounts/:accountNumber' },
  resubmitIdDocuments: { method: 'POST', path: '/v1/accounts/:accountNumber/id-documents' },
  renewIdCard: { method: 'POST', path: '/v1/accounts/:accountNumber/id-renewal' },
  reVerify: { method: 'POST', path: '/v1/accounts/:accountNumber/re-verifications' },
  // Staff's abnormal-account restrictions (four eyes) and their decision after the holder's appeal.
  proposeRestriction: { method: 'POST', path: '/v1/accounts/:accountNumber/restrictions' },
  decideRestriction: { method: 'POST', path: '/v1/accounts/:accountNumber/restrictions/:caseId/decision' },
  // Payment institutions' calls (and the account's app: list and cancel its agreements).
  startAgreement: { method: 'POST', path: '/v1/agreements' },
  getAgreement: { method: 'GET', path: '/v1/agreements/:agreementId' },
  submitAgreementCode: { method: 'POST', path: '/v1/agreements/:agreementId/sms-code' },
  cancelAgreement: { method: 'DELETE', path: '/v1/agreements/:agreementId' },
  listAgreements: { method: 'GET', path: '/v1/accounts/:accountNumber/agreements' },
  debit: { method: 'POST', path: '/v1/debits' },
  // The operators' calls.
  listReviews: { method: 'GET', path: '/v1/reviews' },
  getReview: { method: 'GET', path: '/v1/reviews/:reviewId' },
  decide: { method: 'POST', path: '/v1/reviews/:reviewId/decisions' },
  claimReview: { method: 'POST', path: '/v1/reviews/:reviewId/claim' },
  releaseClaim: { method: 'DELETE', path: '/v1/reviews/:reviewId/claim' },
  getCaseFile: { method: 'GET', path: '/v1/reviews/:reviewId/case-file' },
  revealApplicant: { method: 'POST', path: '/v1/reviews/:reviewId/reveal' },
  getReviewDocument: { method: 'GET', path: '/v1/reviews/:reviewId/documents/:documentId' },
  funnel: { method: 'GET', path: '/v1/funnel' },
  // The console's risk-life lists beside the review queue (docs/risk-life.md), and their funnel.
  listReVerificationsDue: { method: 'GET', path: '/v1/re-verifications/due' },
  openReVerificationDue: { method: 'GET', path: '/v1/re-verifications/due/:accountNumber' },
  claimReVerificationDue: { method: 'POST', path: '/v1/re-verifications/due/:accountNumber/claim' },
  releaseReVerificationDueClaim: { method: 'DELETE', path: '/v1/re-verifications/due/:accountNumber/claim' },
  reVerificationFunnel: { method: 'GET', path: '/v1/funnel/re-verifications' },
  // An app's backend mints a session for one application or account; the device ends its own.
  createSession: { method: 'POST', path: '/v1/sessions' },
  endSession: { method: 'DELETE', path: '/v1/sessions/current' },
  // Anyone with a token: who it stands for.
  whoAmI: { method: 'GET', path: '/v1/me' },
  // The supervisors' calls.
  audit: { method: 'GET', path: '/v1/audit' },
  // Retention (docs/retention.md): legal holds, and what the bank holds on one person.
  placeLegalHold: { method: 'POST', path: '/v1/legal-holds' },
  releaseLegalHold: { method: 'DELETE', path: '/v1/legal-holds/:legalHoldId' },
  listLegalHolds: { method: 'GET', path: '/v1/legal-holds' },
  exportPersonalData: { method: 'POST', path: '/v1/data-exports' },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof routes;

/** The `:param` names of a path pattern: `'/v1/reviews/:reviewId'` → `'reviewId'`. */
export type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** What a route's path needs filled in; `{}` for a path without parameters. */
export type RouteParams<N extends RouteName> = { [K in ParamsOf<(typeof routes)[N]['path']>]: string };

/**
 * The path of one operation with its parameters filled in, each URL-encoded, so an id can never
 * reach another route: `pathOf('getReview', { reviewId: '../funnel' })` is
 * `/v1/reviews/..%2Ffunnel`. An empty value, `.` or `..` (which URLs resolve away even encoded)
 * is a TypeError.
 */
export function pathOf<N extends RouteName>(name: N, params: RouteParams<N>): string {
  const values = params as Record<string, string>;
  return routes[name].path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, (_match, param: string) => {
    const value = values[param];
    if (value === undefined || value === '' || value === '.' || value === '..') {
      throw new TypeError(`${name}: :${param} must be a non-empty value, not ${JSON.stringify(value)}`);
    }
    return encodeURIComponent(value);
  });
}
