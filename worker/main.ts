/**
 * The worker process: runs the workflows and the activities that call providers and core
 * banking over HTTP. Run as many as load needs; they share the task queue. It connects the
 * Temporal way (temporal.toml profiles, TEMPORAL_* variables: config/temporal.ts), serves
 * /metrics, /health and /ready on WORKER_HEALTH_PORT, and drains on SIGTERM or SIGINT: it stops
 * polling, lets the tasks in flight finish (up to WORKER_SHUTDOWN_GRACE_SECONDS), then exits.
 */
import { Client, Connection } from '@temporalio/client';
import { makeTelemetryFilterString, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { retentionMetrics } from '../activities/retention';
import { DocumentStore } from '../adapters/documents';
import { httpPorts } from '../adapters/http';
import { withProviderProfile } from '../adapters/tencent-cloud/profile';
import { visibilityApplicationIndex } from '../adapters/visibility';
import { ensureDormancySchedule } from '../api/services/dormancy';
import { ensureIdExpirySchedule } from '../api/services/id-expiry';
import { ensureReVerificationSchedule } from '../api/services/re-verifications';
import { ensureReconcileSchedule } from '../api/services/reconciliation';
import { ensureRetentionSchedule } from '../api/services/schedules';
import { loadConfigOrExit } from '../config';
import { logger } from '../config/logger';
import { ProjectMetrics } from '../config/metrics';
import { sdkLogger } from '../config/sdk-logger';
import { describeTemporal } from '../config/temporal';
import { setUpTracing } from '../config/tracing';
import { encryptedDataConverter } from '../encryption/data-converter';
import { keyringFromConfig } from '../encryption/from-config';
import { legalHoldStoreFromConfig } from '../stores/legal-holds-postgres';
import { personRowsFromConfig } from '../stores/person-rows';
import { retentionIndexFromConfig } from '../stores/retention-index';
import { createWorker } from './create-worker';
import { serveWorkerHealth } from './health';
import { instrumentPorts, metricsInterceptorPath, metricsSinks } from './metrics';
import { tracingPlugin } from './tracing';

const config = loadConfigOrExit('worker');
const log = logger(config, 'worker');
const metrics = new ProjectMetrics('worker');
const tracing = await setUpTracing('account-opening-worker');
// The SDK's own info lines (webpack output, state changes) drown the service's; keep warnings,
// and send them through the service's logger so that they are redacted like every other line.
// The SDK's metrics (Temporal Core's Prometheus exporter) when WORKER_SDK_METRICS_ADDRESS is set.
Runtime.install({
  logger: sdkLogger(log),
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
    ...(config.worker.sdkMetricsAddress && {
      metrics: { prometheus: { bindAddress: config.worker.sdkMetricsAddress } },
    }),
  },
});

let worker: Worker | undefined;
const health = config.worker.health
  ? await serveWorkerHealth({
      ...config.worker.health,
      metrics,
      worker: () => worker,
      sdkMetricsAddress: config.worker.sdkMetricsAddress,
    })
  : undefined;

const connection = await NativeConnection.connect(config.temporal.connect.connectionOptions);
const keyring = keyringFromConfig(config);
// A payload it cannot decrypt fails that one task (retried by Temporal): counted and logged, no data.
const dataConverter = encryptedDataConverter(keyring, {
  onDecodeError: ({ keyId, reason }) => {
    metrics.payloadDecodeErrors.inc({ reason });
    log.warn({ keyId, reason }, 'cannot decrypt a payload: its task fails and is retried');
  },
});
// A client too: reconciliation reads this deployment's applications through visibility, and the
// worker makes sure reconciliation's Schedule exists (idempotent: every worker may).
const clientConnection = await Connection.connect(config.temporal.connect.connectionOptions);
const client = new Client({
  connection: clientConnection,
  namespace: config.temporal.namespace,
  dataConverter,
});
const reconcileSchedule = await ensureReconcileSchedule(client, { taskQueue: config.temporal.taskQueue });
// And the ID-expiry sweep's: one run a day for every account (docs/id-expiry.md).
const idExpirySchedule = await ensureIdExpirySchedule(client, { taskQueue: config.temporal.taskQueue });
// And the re-verification sweep's: holders asked again by their risk rating (docs/risk-life.md).
const reVerificationSchedule = await ensureReVerificationSchedule(client, {
  taskQueue: config.temporal.taskQueue,
});
// And the dormancy sweep's: accounts idle for the policy's period put to sleep (docs/risk-life.md).
const dormancySchedule = await ensureDormancySchedule(client, { taskQueue: config.temporal.taskQueue });
// And retention's: what came due destroyed, every day (docs/retention.md).
const retentionSchedule = await ensureRetentionSchedule(client, { taskQueue: config.temporal.taskQueue });
worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  ports: {
    ...instrumentPorts(withProviderProfile(httpPorts(config, keyring), config.providerProfile), metrics),
    applications: visibilityApplicationIndex(client, config.temporal.taskQueue),
  },
  // The stores retention reads and destroys: the same database (or DATA_DIR) as the API's.
  retention: {
    index: retentionIndexFromConfig(config),
    holds: legalHoldStoreFromConfig(config),
    keyring,
    documents: new DocumentStore(config.documentsDir, keyring),
    personRows: personRowsFromConfig(config),
    client,
    taskQueue: config.temporal.taskQueue,
    metrics: retentionMetrics(metrics.registry),
  },
  // Payloads and failures encrypted under each application's data key (docs/encryption.md).
  dataConverter,
  // Into the workflow bundle, for the reviews to check operators' messages with (docs/security.md).
  decisionSigningKey: config.decisionSigningKey,
  observability: {
    sinks: metricsSinks(metrics),
    interceptors: { workflowModules: [metricsInterceptorPath] },
    // Tasks in flight at SIGTERM finish within this; activities still running after it are
    // cancelled and retried by another worker.
    shutdownGraceTime: config.worker.shutdownGraceSeconds * 1000,
    ...(config.worker.maxCachedWorkflows !== undefined && {
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
    }),
    ...(tracing && { plugins: [await tracingPlugin(tracing)] }),
  },
});
log.info(
  {
    taskQueue: config.temporal.taskQueue,
    temporal: describeTemporal(config.temporal.connect),
    ...(health && { health: `http://${config.worker.health!.host}:${health.port}` }),
    tracing: Boolean(tracing),
    reconcileSchedule,
    idExpirySchedule,
    reVerificationSchedule,
    dormancySchedule,
    retentionSchedule,
  },
  'worker ready',
);
// Runtime.install's default shutdown signals (SIGINT, SIGTERM, SIGQUIT, SIGUSR2) make the SDK
// call worker.shutdown(): polling stops, /ready turns 503, run() resolves once drained.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => log.info({ signal }, 'draining: finishing the tasks in flight'));
}
await worker.run();
log.info('worker drained');
await tracing?.shutdown();
await health?.close();
await connection.close();
await clientConnection.close();
process.exit(0);
