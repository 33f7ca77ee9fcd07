/**
 * The worker's project metrics: vendor calls timed and counted by vendor and operation (the ports
 * wrapped, so every activity and adapter is covered without touching either), webhook attempts
 * that failed, and the workflow sink that counts applications and webhook outcomes
 * (workflows/metrics-interceptor.ts).
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { Ports } from '../adapters/ports';
import type { ProjectMetrics } from '../config/metrics';
import type { MetricsSinks } from '../workflows/metrics-interceptor';

export const metricsInterceptorPath = new URL('../workflows/metrics-interceptor.ts', import.meta.url)
  .pathname;

/** Which ports are vendors (their calls leave the bank), under the names operators know. */
const VENDORS = {
  idCards: 'ocr',
  identity: 'identity-register',
  watchlist: 'watchlist',
  unionPay: 'unionpay',
  face: 'face',
  coreBanking: 'core-banking',
  providers: 'bank-sms',
} as const satisfies Partial<Record<keyof Ports, string>>;

const errorKind = (err: unknown): string => {
  const e = err as { name?: string; code?: string; nonRetryable?: boolean; type?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || e?.code === 'UND_ERR_HEADERS_TIMEOUT')
    return 'timeout';
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ECONNRESET') return 'connection';
  return e?.nonRetryable ? 'answer' : 'transient';
};

function timed<T extends object>(port: T, vendor: string, metrics: ProjectMetrics): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const result = await value.apply(target, args);
          metrics.vendorCallDuration.observe(
            { vendor, operation: prop, outcome: 'ok' },
            (performance.now() - started) / 1000,
          );
          return result;
        } catch (err) {
          metrics.vendorCallDuration.observe(
            { vendor, operation: prop, outcome: 'error' },
            (performance.now() - started) / 1000,
          );
          metrics.vendorCallErrors.inc({ vendor, operation: prop, error: errorKind(err) });
          throw err;
        }
      };
    },
  });
}

function webhookAttempts<T extends Ports['notifier']>(port: T, target: string, metrics: ProjectMetrics): T {
  return {
    ...port,
    async send(event) {
      try {
        await port.send(event);
      } catch (err) {
        metrics.webhookAttemptFailures.inc({ target, event: event.type });
        throw err;
      }
    },
  } as T;
}

/** The same ports, measured. */
export function instrumentPorts(ports: Ports, metrics: ProjectMetrics): Ports {
  const out = { ...ports };
  for (const [port, vendor] of Object.entries(VENDORS) as [keyof typeof VENDORS, string][]) {
    (out as Record<string, unknown>)[port] = timed(ports[port], vendor, metrics);
  }
  out.notifier = webhookAttempts(ports.notifier, 'app', metrics);
  out.opsNotifier = webhookAttempts(ports.opsNotifier, 'ops', metrics);
  return out;
}

/** The worker side of workflows/metrics-interceptor.ts: counts, never during replay. */
export function metricsSinks(metrics: ProjectMetrics): InjectedSinks<MetricsSinks> {
  return {
    metrics: {
      applicationStarted: {
        fn: (_info, l) =>
          metrics.applicationsStarted.inc({ flow_version: l.flowVersion, channel: l.channel }),
      },
      applicationFinished: {
        fn: (_info, l) => {
          const base = { flow_version: l.flowVersion, channel: l.channel };
          if (l.outcome === 'OPENED') metrics.applicationsOpened.inc({ ...base, review: l.review });
          else if (l.outcome === 'REJECTED') metrics.applicationsRejected.inc({ ...base, step: l.step });
          else if (l.outcome === 'ABANDONED') metrics.applicationsAbandoned.inc({ ...base, step: l.step });
          else metrics.applicationsFailed.inc({ ...base, step: l.step });
        },
      },
      webhook: {
        fn: (_info, e) =>
          (e.outcome === 'DELIVERED' ? metrics.webhookDeliveries : metrics.webhookGiveUps).inc({
            target: e.target,
            event: e.type,
          }),
      },
    },
  };
}
