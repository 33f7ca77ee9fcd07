/** The worker's shape, shared by `worker/main.ts` and the tests, so both run the same thing. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import {
  type BundleOptions,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkerOptions as SdkWorkerOptions,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSealedSweepActivities } from '../activities/id-expiry';
import type { RetentionDeps } from '../activities/retention';
import type { Ports } from '../adapters/ports';
import { keyringOfCodecs } from '../encryption/codec';
import { failureConverterPath } from '../encryption/data-converter';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

/** The bundler's own webpack: a plugin of another copy is not one its compiler runs. */
const { DefinePlugin } = createRequire(createRequire(import.meta.url).resolve('@temporalio/worker'))(
  'webpack',
) as typeof import('webpack');

/**
 * How the review's validators get DECISION_SIGNING_KEY (workflows/review/message-signature.ts):
 * written into the bundle as a constant. The sandbox reads no environment, and anything handed
 * to a workflow (its input, an activity's or a query's answer, a signal) is written to its
 * history, which the namespace's readers (Web UI, CLI, exports) can read. The bundle is code in
 * the worker's memory, made at each start; do not ship one built with a real key as a file.
 * The source map keeps the constant's name, not its value. Without a key: a bundle whose
 * validators accept no operator's message, which replay (validators do not run) is fine with.
 */
export const withDecisionSigningKey =
  (key: string | undefined): WebpackConfigHook =>
  (config) =>
    key === undefined
      ? config
      : {
          ...config,
          plugins: [
            ...(config.plugins ?? []),
            new DefinePlugin({ __DECISION_SIGNING_KEY__: JSON.stringify(key) }),
          ],
        };

/**
 * Bundling takes seconds; tests bundle once per file and reuse it. The bundle carries the failure
 * converter that puts messages and stack traces into encrypted attributes (encryption/), and the
 * decision signing key when given (withDecisionSigningKey). `plugins` add their workflow
 * interceptors (tracing's: worker/tracing.ts), which a worker given a bundle cannot add itself.
 */
export const bundleWorkflows = ({
  decisionSigningKey,
  ...opts
}: {
  workflowsPath?: string;
  logger?: BundleOptions['logger'];
  decisionSigningKey?: string;
  plugins?: BundleOptions['plugins'];
} = {}): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({
    workflowsPath,
    failureConverterPath,
    ...opts,
    webpackConfigHook: withDecisionSigningKey(decisionSigningKey),
  });

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  ports: Ports;
  /** The retention run's stores (worker/main.ts); a worker without them fails that run's activities. */
  retention?: RetentionDeps;
  /** `encryptedDataConverter(keyring)` everywhere but a benchmark's plaintext baseline. */
  dataConverter: DataConverter;
  /**
   * Code bundled beforehand (bundleWorkflows, with the decision signing key); without it the
   * worker bundles its own with `decisionSigningKey`.
   */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** DECISION_SIGNING_KEY, when the worker bundles its own code: without it no decision is accepted. */
  decisionSigningKey?: string;
  /**
   * Observability (worker/main.ts): sinks and interceptors for metrics and tracing, and plugins
   * (OpenTelemetry), how long a shutdown lets tasks in flight finish, the workflow cache's size
   * (WORKER_MAX_CACHED_WORKFLOWS). Workflow interceptor modules apply when the worker bundles its
   * own code.
   */
  observability?: Pick<
    SdkWorkerOptions,
    'sinks' | 'interceptors' | 'plugins' | 'shutdownGraceTime' | 'maxCachedWorkflows'
  >;
}

export function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: {
      ...createActivities(opts.ports, opts.retention),
      // The sweep seals each account's event with the keyring the codec encrypts with.
      ...createSealedSweepActivities(opts.ports, keyringOfCodecs(opts.dataConverter.payloadCodecs ?? [])),
    },
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : {
          workflowsPath,
          bundlerOptions: { webpackConfigHook: withDecisionSigningKey(opts.decisionSigningKey) },
        }),
    ...opts.observability,
  });
}
