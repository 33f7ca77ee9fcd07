/**
 * OpenTelemetry tracing, off unless configured: OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) sends spans over OTLP/HTTP to a collector;
 * OTEL_TRACES_FILE appends them as JSON lines to a file (one machine, no collector: the cluster
 * command uses it, and `npm run trace -- <applicationId>` prints one application's trace).
 *
 * The API's Temporal client, the worker's workflows and its activities carry the trace context in
 * Temporal headers (`@temporalio/interceptors-opentelemetry`), so one application's trace spans
 * the API's HTTP request and its update-with-start, the onboarding workflow, and each activity.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type * as otelApi from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyPluginAsync } from 'fastify';

// ExportResultCode and SpanStatusCode.ERROR of OpenTelemetry, without loading it where tracing is off.
const SUCCESS = 0;
const FAILED = 1;
const STATUS_ERROR = 2;

export interface Tracing {
  /** @opentelemetry/api, loaded with the SDK. */
  api: typeof otelApi;
  resource: Resource;
  spanProcessor: SpanProcessor;
  tracer: otelApi.Tracer;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** One JSON object a line: enough to rebuild a trace tree (trace, span, parent, service, times). */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((s) =>
        JSON.stringify({
          traceId: s.spanContext().traceId,
          spanId: s.spanContext().spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          service: s.resource.attributes['service.name'],
          kind: s.kind,
          start: hrIso(s.startTime),
          durationMs: hrMs(s.duration),
          status: s.status.code === STATUS_ERROR ? 'ERROR' : 'OK',
          attributes: s.attributes,
        }),
      );
      if (lines.length) appendFileSync(this.file, `${lines.join('\n')}\n`);
      done({ code: SUCCESS });
    } catch (error) {
      done({ code: FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

const hrMs = ([s, ns]: otelApi.HrTime) => Math.round((s * 1e3 + ns / 1e6) * 1000) / 1000;
const hrIso = (t: otelApi.HrTime) => new Date(hrMs(t)).toISOString();

let installed: Tracing | undefined;

/**
 * Sets up tracing for this process as configured in `env`, once; undefined when no exporter is
 * configured (then no interceptor is installed, the OpenTelemetry SDK is not even loaded, and
 * tracing costs nothing).
 */
export async function setUpTracing(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  if (installed) return installed;
  const otlp = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const file = env.OTEL_TRACES_FILE;
  if (!otlp && !file) return undefined;
  const [otel, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { Resource }, sdk] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
    ]);
  const { BasicTracerProvider, BatchSpanProcessor } = sdk;
  const exporter: SpanExporter = file
    ? new FileSpanExporter(path.resolve(file))
    : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
        url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${otlp!.replace(/\/$/, '')}/v1/traces`,
      });
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? service });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  const tracer = otel.trace.getTracer('account-opening');
  installed = { api: otel, resource, spanProcessor, tracer, shutdown: () => provider.shutdown() };
  return installed;
}

/**
 * A server span per HTTP request (named by route template, no ids), active while the route runs,
 * so the Temporal client calls a request makes are its children.
 */
export function httpTracing(tracing: Tracing): FastifyPluginAsync {
  const otel = tracing.api;
  const spans = new WeakMap<object, otelApi.Span>();
  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onRequest', (req, _reply, done) => {
      const parent = otel.propagation.extract(otel.context.active(), req.headers);
      const span = tracing.tracer.startSpan(
        `${req.method} ${req.routeOptions.url ?? 'unrouted'}`,
        { kind: otel.SpanKind.SERVER, attributes: { 'http.method': req.method } },
        parent,
      );
      spans.set(req, span);
      // The rest of the request runs inside the span's context.
      otel.context.with(otel.trace.setSpan(parent, span), done);
    });
    app.addHook('onResponse', async (req, reply) => {
      const span = spans.get(req);
      if (!span) return;
      span.setAttribute('http.status_code', reply.statusCode);
      if (req.routeOptions.url) span.setAttribute('http.route', req.routeOptions.url);
      if (reply.statusCode >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
      span.end();
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
