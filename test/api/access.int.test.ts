/**
 * The authorization table (api/access.ts) held against the running API: every operation
 * of /openapi.json × every kind of caller, on real things of each tenant (an application of the
 * bank's own app with an account under review, one of partner-x's, an agreement on each), must
 * answer the table's class. A route added without a row, or a row the code does not keep, fails
 * here.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Answer, CALLER_KINDS, type CallerKind } from '../../api/access';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { type RouteName, routes } from '../../sdk/routes';
import { openAccount, reference } from '../support/agreements';
import { apiPerFile, bearer } from '../support/api';
import { newApplication, PARTNER_X_TENANT, readSmsCode } from '../support/harness';
import { openWithReview } from '../support/review';

const t = apiPerFile();

/** What one tenant owns: an opened account, its application, and an agreement on the account. */
interface Things {
  applicationId: string;
  accountNumber: string;
  agreementId: string;
}
let own: Things & { reviewId: string; documentId: string };
let partner: Things;

async function sign(accountNumber: string, holder: { name: string; idNumber: string; mobile: string }) {
  const wechat = bearer('institution', 'WECHAT_PAY');
  const started = await t.api.inject({
    method: 'POST',
    url: '/v1/agreements',
    headers: wechat,
    payload: {
      accountNumber,
      holder,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '200',
      reference: reference(),
    },
  });
  const { agreementId } = started.json() as { agreementId: string };
  const code = await readSmsCode(t.h.providersUrl, holder.mobile);
  const signed = await t.api.inject({
    method: 'POST',
    url: `/v1/agreements/${agreementId}/sms-code`,
    headers: wechat,
    payload: { code },
  });
  expect(signed.json()).toMatchObject({ status: 'SIGNED' });
  return agreementId;
}

beforeAll(async () => {
  // The bank's own app: an account whose blurred photo waits for a review.
  const reviewed = await openWithReview(t.h);
  const { name, idNumber, mobile } = reviewed.req.applicant;
  own = {
    applicationId: reviewed.req.applicationId,
    accountNumber: reviewed.accountNumber,
    reviewId: reviewed.reviewId,
    documentId: reviewed.req.documents.idFront!,
    agreementId: await sign(reviewed.accountNumber, { name, idNumber, mobile: mobile! }),
  };
  // partner-x's: started through the API with its token, so that the account is the partner's.
  const req = await newApplication(t.h.documents, { tenant: PARTNER_X_TENANT });
  const started = await t.api.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: bearer('app', 'partner-x'),
    payload: { ...req, channel: 'PARTNER' },
  });
  expect(started.json()).toMatchObject({ status: 'AWAITING_SMS_CODE' });
  const opened = await t.api.inject({
    method: 'POST',
    url: `/v1/applications/${req.applicationId}/sms-code`,
    headers: bearer('app', 'partner-x'),
    payload: { code: await readSmsCode(t.h.providersUrl, req.applicant.mobile) },
  });
  const { accountNumber } = opened.json() as { accountNumber: string };
  partner = {
    applicationId: req.applicationId,
    accountNumber,
    agreementId: await sign(accountNumber, {
      name: req.applicant.name,
      idNumber: req.applicant.idNumber,
      mobile: req.applicant.mobile!,
    }),
  };
  // An account of the bank's own app with no review, for nothing but being someone else's.
  await openAccount(t.h);
}, 120_000);

/** A session minted by the bank's app for `applicationId`. */
async function session(applicationId: string): Promise<Record<string, string>> {
  const res = await t.api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { applicationId },
  });
  expect(res.statusCode).toBe(201);
  return { authorization: `Bearer ${(res.json() as { sessionToken: string }).sessionToken}` };
}

/** Whose things a kind of caller is sent to, and with which token. */
async function callerOf(kind: CallerKind): Promise<{ things: Things; headers: Record<string, string> }> {
  switch (kind) {
    case 'none':
      return { things: own, headers: {} };
    case 'app':
      return { things: own, headers: bearer('app', 'test-app') };
    case 'partner':
      return { things: partner, headers: bearer('app', 'partner-x') };
    case 'otherPartner':
      return { things: partner, headers: bearer('app', 'partner-y') };
    case 'ownSession':
      return { things: own, headers: await session(own.applicationId) };
    case 'otherSession':
      return { things: own, headers: await session(randomUUID()) };
    case 'operator':
      return { things: own, headers: bearer('operator', 'op-alice') };
    case 'supervisor':
      return { things: own, headers: bearer('supervisor') };
    case 'institution':
      return { things: own, headers: bearer('institution', 'WECHAT_PAY') };
    case 'otherInstitution':
      return { things: own, headers: bearer('institution', 'JD_PAY') };
    case 'engineer':
      return { things: own, headers: bearer('engineer') };
  }
}

interface Call {
  params?: Record<string, string>;
  query?: string;
  payload?: object;
  /** Image bytes instead of JSON. */
  image?: Buffer;
}

/**
 * One request per operation, valid enough to get past validation to the owner check: a caller
 * the table lets through gets a 2xx or an answer about the request itself (a 409 for an
 * application that already opened), never a 404 for a thing of its own.
 */
const CALLS: Record<RouteName, (x: Things) => Call> = {
  uploadDocument: () => ({ image: makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }) }),
  // Not a whole request: a 400 shows the caller got past the table and the session's own-id rule.
  startApplication: (x) => ({ payload: { applicationId: x.applicationId } }),
  getApplication: (x) => ({ params: { applicationId: x.applicationId } }),
  submitSmsCode: (x) => ({ params: { applicationId: x.applicationId }, payload: { code: '123456' } }),
  resendSmsCode: (x) => ({ params: { applicationId: x.applicationId } }),
  listEvents: (x) => ({ params: { applicationId: x.applicationId } }),
  getAccount: (x) => ({ params: { accountNumber: x.accountNumber } }),
  resubmitIdDocuments: (x) => ({
    params: { accountNumber: x.accountNumber },
    payload: { idFront: 'a'.repeat(64), idBack: 'b'.repeat(64) },
  }),
  renewIdCard: (x) => ({
    params: { accountNumber: x.accountNumber },
    payload: { idFront: 'a'.repeat(64), idBack: 'b'.repeat(64) },
  }),
  reVerify: (x) => ({
    params: { accountNumber: x.accountNumber },
    payload: {
      documents: { idFront: 'a'.repeat(64), idBack: 'b'.repeat(64) },
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
    },
  }),
  // Without a category and note: a 400 shows the caller got past the table, and no case starts.
  proposeRestriction: (x) => ({ params: { accountNumber: x.accountNumber }, payload: {} }),
  decideRestriction: (x) => ({
    params: { accountNumber: x.accountNumber, caseId: '00000000-0000-4000-8000-000000000000' },
    payload: {},
  }),
  startAgreement: () => ({ payload: {} }),
  getAgreement: (x) => ({ params: { agreementId: x.agreementId } }),
  submitAgreementCode: (x) => ({ params: { agreementId: x.agreementId }, payload: { code: '123456' } }),
  cancelAgreement: (x) => ({ params: { agreementId: x.agreementId } }),
  listAgreements: (x) => ({ params: { accountNumber: x.accountNumber } }),
  debit: () => ({ payload: {} }),
  listReviews: () => ({}),
  getReview: () => ({ params: { reviewId: own.reviewId } }),
  decide: () => ({ params: { reviewId: own.reviewId }, payload: {} }),
  claimReview: () => ({ params: { reviewId: own.reviewId } }),
  releaseClaim: () => ({ params: { reviewId: own.reviewId } }),
  getCaseFile: () => ({ params: { reviewId: own.reviewId } }),
  revealApplicant: () => ({ params: { reviewId: own.reviewId }, payload: { field: 'name' } }),
  getReviewDocument: () => ({ params: { reviewId: own.reviewId, documentId: own.documentId } }),
  funnel: () => ({}),
  listReVerificationsDue: () => ({ query: 'status=DUE' }),
  // The account is on no list: opened all the same (200), not claimable (409), no claim to release (204).
  openReVerificationDue: () => ({ params: { accountNumber: own.accountNumber } }),
  claimReVerificationDue: () => ({ params: { accountNumber: own.accountNumber } }),
  releaseReVerificationDueClaim: () => ({ params: { accountNumber: own.accountNumber } }),
  reVerificationFunnel: () => ({}),
  createSession: (x) => ({ payload: { applicationId: x.applicationId } }),
  endSession: () => ({}),
  whoAmI: () => ({}),
  audit: () => ({ query: `accountNumber=${own.accountNumber}` }),
  // Without a reason or with a malformed id: a 400 shows the caller got past the table, and no hold is placed.
  placeLegalHold: (x) => ({ payload: { applicationId: x.applicationId } }),
  releaseLegalHold: () => ({ params: { legalHoldId: 'lh-unknown' }, payload: { reason: 'test' } }),
  listLegalHolds: () => ({}),
  exportPersonalData: () => ({ payload: {} }),
};

function classOf(res: LightMyRequestResponse): Answer | `server error ${number}` {
  if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404) return res.statusCode;
  if (res.statusCode >= 500) return `server error ${res.statusCode}`;
  return 'ok';
}

async function answer(name: RouteName, kind: CallerKind) {
  const { things, headers } = await callerOf(kind);
  const call = CALLS[name](things);
  const route = routes[name];
  const url =
    route.path.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(call.params?.[p] ?? '')) +
    (call.query ? `?${call.query}` : '');
  const res = await t.api.inject({
    method: route.method,
    url,
    headers: {
      ...headers,
      ...(call.image && { 'content-type': 'image/png' }),
    },
    ...(call.image ? { payload: call.image } : call.payload && { payload: call.payload }),
  });
  return { class: classOf(res), status: res.statusCode, body: res.body.slice(0, 200) };
}

describe('the authorization table', () => {
  it('has a row for every operation /openapi.json lists, and lists no operation that is not served', async () => {
    const doc = (await t.api.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const rows = Object.keys(ACCESS).map(
      (n) => `${routes[n as RouteName].method} ${routes[n as RouteName].path}`,
    );
    expect(served.filter((op) => op.includes(' /v1/')).sort()).toEqual(rows.sort());
  });

  // One test per operation, each walking every kind of caller against the row.
  for (const name of Object.keys(ACCESS) as RouteName[]) {
    const { method, path } = routes[name];
    it(`${method} ${path} answers each kind of caller as its row says`, async () => {
      const got: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      for (const kind of CALLER_KINDS) {
        const a = await answer(name, kind);
        got[kind] = a.class === ACCESS[name][kind] ? a.class : { ...a };
        want[kind] = ACCESS[name][kind];
      }
      expect(got).toEqual(want);
    });
  }
});
