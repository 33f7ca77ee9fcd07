/**
 * Who may call what: every operation of the API × every kind of caller → the answer class, as
 * data, in one place. The onRequest hook below enforces the roles (401 without a caller, 403 for
 * a role the row refuses) before any body is read; what a caller may see of a thing that exists
 * (someone else's application, account, agreement: 404) is api/owner.ts, driven by the
 * same kinds. test/api/access.int.test.ts walks every operation of /openapi.json × every kind
 * against this table, so a route without a row fails the build; `npm run access-table` prints
 * it for the docs (docs/access.md).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type RouteName, routes } from '../sdk/routes';
import type { SessionStore } from '../stores/sessions';
import { type Caller, type Credentials, resolveCaller } from './auth';
import { sendProblem } from './problem';

/**
 * The kinds of caller, each relative to the thing the call is about: `app` is the bank's own
 * app token on its own things, `partner` a partner app's token on its partner's, `otherPartner`
 * another partner's token on them; `ownSession` a customer's session on its own application or
 * account, `otherSession` a session of another application; `institution` a payment institution
 * on its own agreements, `otherInstitution` another one on them.
 */
export const CALLER_KINDS = [
  'none',
  'app',
  'partner',
  'otherPartner',
  'ownSession',
  'otherSession',
  'operator',
  'supervisor',
  'institution',
  'otherInstitution',
  'engineer',
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

/** `ok`: past authorization (2xx, or a 4xx about the request itself: 400, 409, 422, 429). */
export type Answer = 'ok' | 401 | 403 | 404;

export type AccessRow = Readonly<Record<CallerKind, Answer>>;

/** A row: the kinds answered `ok`, those answered 404 (not theirs), every other token 403, no token 401. */
function row(ok: readonly CallerKind[], notFound: readonly CallerKind[] = []): AccessRow {
  return Object.fromEntries(
    CALLER_KINDS.map((k) => [
      k,
      k === 'none' ? 401 : ok.includes(k) ? 'ok' : notFound.includes(k) ? 404 : 403,
    ]),
  ) as Record<CallerKind, Answer>;
}

const STAFF = ['operator', 'supervisor'] as const;
/** The tenant's own things: its app tokens and the session minted for them; others' are a 404. */
const TENANT = ['app', 'partner', 'ownSession'] as const;
const NOT_THEIRS = ['otherPartner', 'otherSession'] as const;

export const ACCESS: Readonly<Record<RouteName, AccessRow>> = {
  // Uploads belong to no application until a start or a re-submission takes them.
  uploadDocument: row([...TENANT, 'otherPartner', 'otherSession']),
  // A session starts only the application it was minted for (another applicationId: 403).
  startApplication: row([...TENANT, 'otherPartner']),
  getApplication: row([...TENANT, ...STAFF], NOT_THEIRS),
  submitSmsCode: row(TENANT, NOT_THEIRS),
  resendSmsCode: row(TENANT, NOT_THEIRS),
  listEvents: row([...TENANT, ...STAFF], NOT_THEIRS),
  getAccount: row([...TENANT, ...STAFF], NOT_THEIRS),
  resubmitIdDocuments: row(TENANT, NOT_THEIRS),
  renewIdCard: row(TENANT, NOT_THEIRS),
  reVerify: row(TENANT, NOT_THEIRS),
  // An operator proposes, a supervisor confirms; apps, partners and sessions never see a case.
  proposeRestriction: row(STAFF),
  decideRestriction: row(STAFF),
  startAgreement: row(['institution', 'otherInstitution']),
  getAgreement: row(['institution'], ['otherInstitution']),
  submitAgreementCode: row(['institution'], ['otherInstitution']),
  cancelAgreement: row([...TENANT, ...STAFF, 'institution'], [...NOT_THEIRS, 'otherInstitution']),
  listAgreements: row([...TENANT, ...STAFF], NOT_THEIRS),
  // A debit names an agreement number: another institution's is refused as not active (422).
  debit: row(['institution', 'otherInstitution']),
  listReviews: row(STAFF),
  getReview: row(STAFF),
  decide: row(STAFF),
  claimReview: row(STAFF),
  releaseClaim: row(STAFF),
  getCaseFile: row(STAFF),
  revealApplicant: row(STAFF),
  getReviewDocument: row(STAFF),
  funnel: row(STAFF),
  listReVerificationsDue: row(STAFF),
  openReVerificationDue: row(STAFF),
  claimReVerificationDue: row(STAFF),
  releaseReVerificationDueClaim: row(STAFF),
  reVerificationFunnel: row(STAFF),
  // Minting is the backend's: a session cannot mint another, nor prolong itself.
  createSession: row(['app', 'partner'], ['otherPartner']),
  endSession: row(['ownSession', 'otherSession']),
  whoAmI: row(CALLER_KINDS.filter((k) => k !== 'none')),
  audit: row(['supervisor']),
  placeLegalHold: row(['supervisor']),
  releaseLegalHold: row(['supervisor']),
  listLegalHolds: row(['supervisor']),
  exportPersonalData: row(['supervisor']),
};

/** The kinds a caller can be before any thing is looked at, as a refusal names them. */
const OWN_KINDS = [
  'app',
  'partner',
  'ownSession',
  'operator',
  'supervisor',
  'institution',
  'engineer',
] as const;
const LABEL: Partial<Record<CallerKind, string>> = { partner: 'partner app', ownSession: 'session' };

/** The kind a caller is before any thing is looked at: the `own` one of its role. */
export function kindOf(caller: Caller | undefined): CallerKind {
  if (!caller) return 'none';
  switch (caller.role) {
    case 'app':
      return caller.channel === 'PARTNER' ? 'partner' : 'app';
    case 'session':
      return 'ownSession';
    default:
      return caller.role;
  }
}

const byRoute = new Map<string, RouteName>(
  Object.entries(routes).map(([name, r]) => [`${r.method} ${r.path}`, name as RouteName]),
);

/** The operation a registered route is, if it is one of the API's. */
export const routeNameOf = (method: string, url: string | undefined): RouteName | undefined =>
  url === undefined ? undefined : byRoute.get(`${method} ${url}`);

/**
 * The hook every request passes (registered once, before the routes): sets `req.caller` and
 * answers 401 or 403 where the route's row says so. A /v1 route without a row is refused: a
 * route added without deciding who may call it must not be open.
 */
export function enforceAccess(app: FastifyInstance, deps: { tokens: Credentials; sessions?: SessionStore }) {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.routeOptions.url;
    if (url === undefined) return; // unrouted: api/unrouted.ts answers it
    const name = routeNameOf(req.method, url);
    if (!name) {
      if (!url.startsWith('/v1/')) return; // pages, assets, docs, health: no token
      req.log.error({ route: url }, 'a /v1 route has no row in api/access.ts');
      return sendProblem(reply, 403, 'Forbidden', 'this operation is open to nobody yet');
    }
    const caller = await resolveCaller(deps.tokens, deps.sessions, req.headers.authorization);
    const answer = ACCESS[name][kindOf(caller)];
    if (answer === 401) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, 401, 'Unauthorized', 'send Authorization: Bearer <token> (a live one)');
    }
    if (answer === 403) {
      const allowed = OWN_KINDS.filter((k) => ACCESS[name][k] === 'ok').map((k) => LABEL[k] ?? k);
      return sendProblem(
        reply,
        403,
        'Forbidden',
        `the ${caller!.role} role may not call this; it needs ${allowed.join(' or ')}`,
      );
    }
    req.caller = caller;
  });
}
