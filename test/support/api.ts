/** The HTTP API in-process on a harness's worker, for tests that go through HTTP. */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { buildApi } from '../../api/app';
import type { Credentials, Role } from '../../api/auth';
import { Agreements } from '../../api/services/agreements';
import { BankRestrictions } from '../../api/services/bank-restrictions';
import { DataExports } from '../../api/services/data-exports';
import { Funnel } from '../../api/services/funnel';
import { Renewals } from '../../api/services/id-expiry';
import { LegalHolds, onboardingExists } from '../../api/services/legal-holds';
import { ReVerificationLists } from '../../api/services/re-verification-lists';
import { ReVerifications } from '../../api/services/re-verifications';
import { Reviews } from '../../api/services/reviews';
import { type AgreementPolicy, defaultAgreementPolicy } from '../../domain/agreement-signing';
import { type BankRestrictionPolicy, defaultBankRestrictionPolicy } from '../../domain/bank-restrictions';
import { DEFAULT_UPLOAD_QUOTA, type UploadQuota } from '../../domain/documents';
import { SqliteAccountClaimStore } from '../../stores/account-claims';
import { DailyLimits } from '../../stores/daily-limits';
import { SqliteIdempotencyRecords } from '../../stores/idempotency-records';
import { SqliteLegalHoldStore } from '../../stores/legal-holds';
import { SqlitePersonRows } from '../../stores/person-rows';
import { type SessionStore, SqliteSessionStore } from '../../stores/sessions';
import { type Harness, startHarness, TEST_DECISION_SIGNING_KEY } from './harness';

/** Keys the HMACs of the API's counters and idempotency records in tests. */
export const TEST_COUNTER_HMAC_KEY = 'test-counter-hmac-key-0123456789';

export const tokens: Credentials = [
  { role: 'app', id: 'test-app', token: 'test-app-token-0123456789' },
  { role: 'operator', id: 'op-alice', token: 'test-operator-alice-0123456789' },
  { role: 'operator', id: 'op-bob', token: 'test-operator-bob-0123456789' },
  { role: 'supervisor', id: 'sup-carol', token: 'test-supervisor-carol-0123456789' },
  // Partner banks' apps (PARTNER channel): each sees only its own applications and accounts.
  {
    role: 'app',
    id: 'partner-x',
    token: 'test-partner-x-0123456789',
    channel: 'PARTNER',
    partnerId: 'partner-x',
  },
  {
    role: 'app',
    id: 'partner-y',
    token: 'test-partner-y-0123456789',
    channel: 'PARTNER',
    partnerId: 'partner-y',
  },
  // Payment institutions: each sees only its own agreements.
  { role: 'institution', id: 'WECHAT_PAY', token: 'test-wechat-pay-0123456789' },
  { role: 'institution', id: 'JD_PAY', token: 'test-jd-pay-0123456789' },
  // Engineers decode through the codec server; the API knows them only to refuse them.
  { role: 'engineer', id: 'eng-dave', token: 'test-engineer-dave-0123456789' },
];

/** The Authorization header of a caller: the first of a role, or a named one. */
export function bearer(role: Role, id?: string) {
  const c = tokens.find((t) => t.role === role && (!id || t.id === id));
  if (!c) throw new Error(`no test token for ${role} ${id ?? ''}`);
  return { authorization: `Bearer ${c.token}` };
}

/** Where a harness's API keeps legal holds: a retention worker of the same test reads them there. */
export const legalHoldsFile = (h: Pick<Harness, 'documentsDir'>) =>
  path.join(h.documentsDir, 'legal-holds.db');

/** `logger`: the API's logger, for a test that reads what the API logs. */
export function startApi(
  h: Harness,
  logger?: Logger,
  agreementPolicy: Partial<AgreementPolicy> = {},
  uploadQuota: UploadQuota = DEFAULT_UPLOAD_QUOTA,
  sessions: SessionStore = new SqliteSessionStore(':memory:'),
  bankRestrictionPolicy: BankRestrictionPolicy = defaultBankRestrictionPolicy,
): Promise<FastifyInstance> {
  return buildApi({
    tokens,
    sessions,
    uploadQuota: { store: new DailyLimits(':memory:', TEST_COUNTER_HMAC_KEY), quota: uploadQuota },
    applications: h.applications,
    // Its own task queue's reviews: other test files' cases (and data keys) stay theirs.
    reviews: new Reviews(h.client, { taskQueue: h.taskQueue, decisionSigningKey: TEST_DECISION_SIGNING_KEY }),
    funnel: new Funnel(h.client, h.taskQueue),
    documents: h.documents,
    coreBanking: httpCoreBanking(h.coreBankingUrl),
    agreements: new Agreements({
      client: h.client,
      taskQueue: h.taskQueue,
      policy: { ...defaultAgreementPolicy, ...agreementPolicy },
      coreBanking: httpCoreBanking(h.coreBankingUrl),
      limits: new DailyLimits(':memory:', TEST_COUNTER_HMAC_KEY),
    }),
    renewals: new Renewals(h.client, h.taskQueue),
    reVerifications: new ReVerifications(h.client, h.taskQueue),
    bankRestrictions: new BankRestrictions(
      h.client,
      h.taskQueue,
      bankRestrictionPolicy,
      TEST_DECISION_SIGNING_KEY,
    ),
    reVerificationLists: new ReVerificationLists({
      coreBanking: httpCoreBanking(h.coreBankingUrl),
      restrictions: new BankRestrictions(h.client, h.taskQueue, bankRestrictionPolicy),
      claims: new SqliteAccountClaimStore(':memory:'),
      audit: h.audit,
    }),
    idempotency: new SqliteIdempotencyRecords(':memory:', TEST_COUNTER_HMAC_KEY),
    audit: h.audit,
    legalHolds: new LegalHolds({
      store: new SqliteLegalHoldStore(legalHoldsFile(h)),
      audit: h.audit,
      coreBanking: httpCoreBanking(h.coreBankingUrl),
      applicationExists: onboardingExists(h.client),
    }),
    dataExports: new DataExports({
      client: h.client,
      applications: h.applications,
      reviews: new Reviews(h.client, {
        taskQueue: h.taskQueue,
        decisionSigningKey: TEST_DECISION_SIGNING_KEY,
      }),
      coreBanking: httpCoreBanking(h.coreBankingUrl),
      documents: h.documents,
      audit: h.audit,
      // The harness's applications count their starts in limits.db under the same HMAC key.
      personRows: new SqlitePersonRows(
        {
          sessions: path.join(h.documentsDir, 'api-sessions.db'),
          limits: path.join(h.documentsDir, 'limits.db'),
        },
        TEST_COUNTER_HMAC_KEY,
      ),
    }),
    ...(logger && { logger }),
  });
}

/**
 * A harness and the API on it for the test file that calls this: started before its tests and
 * stopped after them. Read `h` and `api` inside tests (they are set once `beforeAll` has run).
 */
export function apiPerFile(...harness: Parameters<typeof startHarness>): {
  h: Harness;
  api: FastifyInstance;
} {
  const t = {} as { h: Harness; api: FastifyInstance };
  beforeAll(async () => {
    t.h = await startHarness(...harness);
    t.api = await startApi(t.h);
  });
  afterAll(async () => {
    await t.api?.close();
    await t.h?.stop();
  });
  return t;
}
