/** The worker's shape, shared by `worker/main.ts` and the tests, so both run the same thing. */
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
import type { Ports } from '../adapters/ports';
import { failureConverterPath } from '../encryption/data-converter';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Bundling takes seconds; tests bundle once per file and reuse it. The bundle carries the failure
 * converter that puts messages and stack traces into encrypted attributes (encryption/).
 */
export const bundleWorkflows = (
  opts: { workflowsPath?: string; logger?: BundleOptions['logger'] } = {},
): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({ workflowsPath, failureConverterPath, ...opts });

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  ports: Ports;
  /** `encryptedDataConverter(keyring)` everywhere but a benchmark's plaintext baseline. */
  dataConverter: DataConverter;
  workflowBundle?: WorkflowBundleWithSourceMap;
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
    activities: createActivities(opts.ports),
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    ...opts.observability,
  });
}
