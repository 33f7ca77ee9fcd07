/**
 * The project's Prometheus metrics (prom-client), one registry per process, served at /metrics
 * by every process (the API and the sandboxes on their own port, the worker on
 * WORKER_HEALTH_PORT) beside /health (alive) and /ready (connected and taking work). Names are
 * `account_opening_*`; labels hold codes only (flow version, channel, step, vendor, event
 * type), never personal data. docs/observability.md lists them.
 */
import http from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import client from 'prom-client';

export type Registry = client.Registry;

const PREFIX = 'account_opening_';

/** Webhook attempts, vendors and HTTP: seconds, from 5 ms to 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ProjectMetrics {
  readonly registry: client.Registry;
  readonly applicationsStarted: client.Counter<'flow_version' | 'channel'>;
  readonly applicationsOpened: client.Counter<'flow_version' | 'channel' | 'review'>;
  readonly applicationsRejected: client.Counter<'flow_version' | 'channel' | 'step'>;
  readonly applicationsAbandoned: client.Counter<'flow_version' | 'channel' | 'step'>;
  readonly applicationsFailed: client.Counter<'flow_version' | 'channel' | 'step'>;
  readonly webhookDeliveries: client.Counter<'target' | 'event'>;
  readonly webhookGiveUps: client.Counter<'target' | 'event'>;
  readonly webhookAttemptFailures: client.Counter<'target' | 'event'>;
  readonly vendorCallDuration: client.Histogram<'vendor' | 'operation' | 'outcome'>;
  readonly vendorCallErrors: client.Counter<'vendor' | 'operation' | 'error'>;
  readonly httpRequests: client.Histogram<'service' | 'method' | 'route' | 'status'>;
  readonly payloadDecodeErrors: client.Counter<'reason'>;

  constructor(
    readonly service: string,
    opts: { defaultMetrics?: boolean } = {},
  ) {
    const registry = new client.Registry();
    registry.setDefaultLabels({ service });
    if (opts.defaultMetrics !== false) client.collectDefaultMetrics({ register: registry, prefix: PREFIX });
    this.registry = registry;
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new client.Counter<L>({ name: PREFIX + name, help, labelNames, registers: [registry] });
    this.applicationsStarted = counter(
      'applications_started_total',
      'Applications started (onboarding workflows begun)',
      ['flow_version', 'channel'],
    );
    this.applicationsOpened = counter('applications_opened_total', 'Applications that opened an account', [
      'flow_version',
      'channel',
      'review',
    ]);
    this.applicationsRejected = counter(
      'applications_rejected_total',
      'Applications rejected, by the step that rejected',
      ['flow_version', 'channel', 'step'],
    );
    this.applicationsAbandoned = counter(
      'applications_abandoned_total',
      'Applications the applicant left unfinished, by the step they stopped at',
      ['flow_version', 'channel', 'step'],
    );
    this.applicationsFailed = counter(
      'applications_failed_total',
      'Applications that could not finish (workflow failed), by the last step that failed',
      ['flow_version', 'channel', 'step'],
    );
    this.webhookDeliveries = counter('webhook_deliveries_total', 'Webhook events delivered', [
      'target',
      'event',
    ]);
    this.webhookGiveUps = counter(
      'webhook_give_ups_total',
      'Webhook events given up after the retry policy',
      ['target', 'event'],
    );
    this.webhookAttemptFailures = counter(
      'webhook_attempt_failures_total',
      'Webhook delivery attempts that failed (each is retried)',
      ['target', 'event'],
    );
    this.vendorCallDuration = new client.Histogram({
      name: `${PREFIX}vendor_call_duration_seconds`,
      help: 'Calls to providers and core banking, by vendor, operation and outcome (ok or error)',
      labelNames: ['vendor', 'operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.vendorCallErrors = counter(
      'vendor_call_errors_total',
      'Failed calls to providers and core banking',
      ['vendor', 'operation', 'error'],
    );
    this.payloadDecodeErrors = counter(
      'payload_decode_errors_total',
      'Payloads the codec could not decrypt (each fails its task, which Temporal retries), by reason',
      ['reason'],
    );
    this.httpRequests = new client.Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests served, by route template and status',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  /** A gauge whose value is read at scrape time (for example from Temporal visibility). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: (g: client.Gauge<L>) => Promise<void> | void,
  ): client.Gauge<L> {
    return new client.Gauge<L>({
      name: PREFIX + name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A readiness check: resolves true when the process can take work. */
export type ReadyCheck = () => Promise<boolean> | boolean;

export interface HealthOptions {
  metrics: ProjectMetrics;
  ready: ReadyCheck;
  /** Extra Prometheus text to append (the SDK runtime's, when it serves none of its own). */
  extra?: () => Promise<string>;
  /** false where the app serves its own /health already (the API). */
  health?: boolean;
}

async function readiness(check: ReadyCheck): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

/**
 * /metrics, /health and /ready on a fastify app (the API, the sandboxes), plus a request timer
 * per route template: labels never carry ids from the path.
 */
export function observabilityRoutes(opts: HealthOptions): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url;
      if (!route || route === '/metrics') return;
      opts.metrics.httpRequests.observe(
        { service: opts.metrics.service, method: req.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const body = (await opts.metrics.text()) + ((await opts.extra?.()) ?? '');
      return reply.type(opts.metrics.registry.contentType).send(body);
    });
    if (opts.health !== false) app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/ready', { schema: { hide: true } }, async (_req, reply) =>
      (await readiness(opts.ready))
        ? { status: 'ready', pid: process.pid }
        : reply.code(503).send({ status: 'not ready', pid: process.pid }),
    );
  };
  // Hooks and routes apply to the whole app, not an encapsulated child.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

/** The same three endpoints on a plain HTTP server (the worker has no other). */
export async function serveObservability(
  opts: HealthOptions & { host: string; port: number },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    void (async () => {
      if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
      if (url === '/metrics') {
        const body = (await opts.metrics.text()) + ((await opts.extra?.()) ?? '');
        return send(200, opts.metrics.registry.contentType, body);
      }
      if (url === '/health') return send(200, 'application/json', '{"status":"ok"}');
      if (url === '/ready') {
        return (await readiness(opts.ready))
          ? send(200, 'application/json', JSON.stringify({ status: 'ready', pid: process.pid }))
          : send(503, 'application/json', JSON.stringify({ status: 'not ready', pid: process.pid }));
      }
      send(404, 'text/plain', 'not found\n');
    })().catch(() => send(500, 'text/plain', 'error\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
