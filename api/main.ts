/**
 * The API process: HTTP for apps and operators, a Temporal client behind it. Run as many as load
 * needs behind one address: with DATABASE_URL they share limits, idempotency records, the audit
 * log and the data keys (PostgreSQL); documents live on the shared DATA_DIR. It connects the
 * Temporal way (config/temporal.ts), serves /metrics, /health and /ready on its own port, and
 * drains on SIGTERM or SIGINT: /ready turns 503, new connections are refused, the requests in
 * flight are answered, then it exits.
 */
import { mkdirSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DocumentStore } from '../adapters/documents';
import { httpCoreBanking } from '../adapters/http/core-banking';
import { loadConfigOrExit } from '../config';
import { logger } from '../config/logger';
import { observabilityRoutes, ProjectMetrics } from '../config/metrics';
import { describeTemporal } from '../config/temporal';
import { httpTracing, setUpTracing } from '../config/tracing';
import { defaultAgreementPolicy } from '../domain/agreement-signing';
import { defaultAbuseLimits, defaultPolicy } from '../domain/application';
import { DEFAULT_UPLOAD_QUOTA } from '../domain/documents';
import { encryptedDataConverter } from '../encryption/data-converter';
import { keyringFromConfig } from '../encryption/from-config';
import { accountClaimStoreFromConfig } from '../stores/account-claims-postgres';
import { apiStoresFromConfig } from '../stores/api-stores';
import { auditTrailFromConfig } from '../stores/audit';
import { legalHoldStoreFromConfig } from '../stores/legal-holds-postgres';
import { personRowsFromConfig } from '../stores/person-rows';
import { buildApi } from './app';
import { reviewQueueGauges } from './metrics';
import { Agreements } from './services/agreements';
import { Applications } from './services/applications';
import { BankRestrictions } from './services/bank-restrictions';
import { DataExports } from './services/data-exports';
import { Funnel } from './services/funnel';
import { Renewals } from './services/id-expiry';
import { LegalHolds, onboardingExists } from './services/legal-holds';
import { ReVerificationLists } from './services/re-verification-lists';
import { ReVerifications } from './services/re-verifications';
import { Reviews } from './services/reviews';

const config = loadConfigOrExit('api');
mkdirSync(config.dataDir, { recursive: true });
const log = logger(config, 'api');
const metrics = new ProjectMetrics('api');
const tracing = await setUpTracing('account-opening-api');
const connection = await Connection.connect(config.temporal.connect.connectionOptions);
// The same codec as the worker's: the API encrypts what it sends and decodes what it reads.
const keyring = keyringFromConfig(config);
const client = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: encryptedDataConverter(keyring),
  // The trace context rides in Temporal headers to the workflow and its activities.
  ...(tracing && {
    interceptors: {
      workflow: [
        new (await import('@temporalio/interceptors-opentelemetry')).OpenTelemetryWorkflowClientInterceptor(),
      ],
    },
  }),
});
const stores = apiStoresFromConfig(config);
const accountClaims = accountClaimStoreFromConfig(config);
let draining = false;
const documents = new DocumentStore(config.documentsDir, keyring);
// Uploads no application took are deleted after the policy time; every API instance may sweep.
const sweep = setInterval(
  () =>
    void documents
      .sweep(config.documentTtlHours * 3600_000)
      .catch((err) => log.warn({ err }, 'sweep failed')),
  60_000,
);
sweep.unref();

const audit = auditTrailFromConfig(config, keyring);
const applications = new Applications({
  client,
  taskQueue: config.temporal.taskQueue,
  policy: defaultPolicy,
  limits: {
    store: stores.limits,
    caps: defaultAbuseLimits,
  },
});
const api = await buildApi({
  tokens: config.tokens,
  sessions: stores.sessions,
  production: process.env.NODE_ENV === 'production',
  // Counted in the same shared store as the applications' daily limits.
  uploadQuota: { store: stores.limits, quota: DEFAULT_UPLOAD_QUOTA },
  applications,
  // This deployment's reviews only, as the funnel counts its own applications; operators'
  // messages signed with the key the worker checks them with.
  reviews: new Reviews(client, {
    taskQueue: config.temporal.taskQueue,
    decisionSigningKey: config.decisionSigningKey,
  }),
  funnel: new Funnel(client, config.temporal.taskQueue),
  documents,
  coreBanking: httpCoreBanking(config.coreBankingUrl),
  agreements: new Agreements({
    client,
    taskQueue: config.temporal.taskQueue,
    policy: defaultAgreementPolicy,
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    // Mismatched elements are counted in the same shared store as the applications' limits.
    limits: stores.limits,
  }),
  renewals: new Renewals(client, config.temporal.taskQueue),
  reVerifications: new ReVerifications(client, config.temporal.taskQueue),
  bankRestrictions: new BankRestrictions(
    client,
    config.temporal.taskQueue,
    undefined,
    config.decisionSigningKey,
  ),
  // Claims on the console's risk-life lists, shared by every API instance as sessions are.
  reVerificationLists: new ReVerificationLists({
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    restrictions: new BankRestrictions(client, config.temporal.taskQueue),
    claims: accountClaims,
    audit,
  }),
  idempotency: stores.idempotency,
  audit,
  // Retention (docs/retention.md): supervisors' legal holds and exports of one person's data.
  legalHolds: new LegalHolds({
    store: legalHoldStoreFromConfig(config),
    audit,
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    applicationExists: onboardingExists(client),
  }),
  dataExports: new DataExports({
    client,
    applications,
    reviews: new Reviews(client, {
      taskQueue: config.temporal.taskQueue,
      decisionSigningKey: config.decisionSigningKey,
    }),
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    documents,
    audit,
    personRows: personRowsFromConfig(config),
  }),
  logger: log,
  plugins: [
    observabilityRoutes({
      metrics,
      // buildApi serves /health itself.
      health: false,
      // Ready while not draining and Temporal answers.
      ready: async () => !draining && (await connection.healthService.check({})).status === 1,
    }),
    ...(tracing ? [httpTracing(tracing)] : []),
  ],
});
reviewQueueGauges(metrics, {
  client,
  reviews: new Reviews(client, {
    taskQueue: config.temporal.taskQueue,
    decisionSigningKey: config.decisionSigningKey,
  }),
  taskQueue: config.temporal.taskQueue,
});
await api.listen({ host: config.api.host, port: config.api.port });
log.info({ temporal: describeTemporal(config.temporal.connect), tracing: Boolean(tracing) }, 'api ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Drain: /ready answers 503 at once; close() stops accepting and waits for requests in flight.
    draining = true;
    log.info({ signal }, 'draining: answering the requests in flight');
    // Still serving while load balancers see /ready fail and stop sending (API_DRAIN_DELAY_SECONDS).
    await new Promise((resolve) => setTimeout(resolve, config.api.drainDelayMs));
    await api.close();
    await Promise.allSettled([
      stores.limits.close(),
      stores.idempotency.close(),
      stores.sessions.close(),
      accountClaims.close(),
    ]);
    await tracing?.shutdown();
    await connection.close();
    process.exit(0);
  });
}
