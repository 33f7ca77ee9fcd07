/**
 * The worker's /metrics, /health and /ready (WORKER_HEALTH_PORT): the project's metrics
 * (config/metrics.ts, worker/metrics.ts) and, when WORKER_SDK_METRICS_ADDRESS is set, the SDK
 * runtime's own (Temporal Core's Prometheus exporter: task slots, poll and schedule latencies,
 * sticky cache) appended, so one scrape reads both. Ready while the worker runs; a draining
 * worker (SIGTERM) answers 503 so that a load balancer or orchestrator stops counting on it.
 */
import type { Worker } from '@temporalio/worker';
import { type ProjectMetrics, serveObservability } from '../config/metrics';

export async function serveWorkerHealth(opts: {
  host: string;
  port: number;
  metrics: ProjectMetrics;
  worker: () => Worker | undefined;
  sdkMetricsAddress?: string;
}): Promise<{ port: number; close(): Promise<void> }> {
  const sdk = opts.sdkMetricsAddress;
  return serveObservability({
    host: opts.host,
    port: opts.port,
    metrics: opts.metrics,
    ready: () => opts.worker()?.getState() === 'RUNNING',
    extra: sdk
      ? async () => {
          try {
            const res = await fetch(`http://${sdk}/metrics`, { signal: AbortSignal.timeout(2000) });
            return res.ok ? `\n${await res.text()}` : '';
          } catch {
            return '';
          }
        }
      : undefined,
  });
}
