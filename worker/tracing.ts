/**
 * The worker's tracing (docs/observability.md): one OpenTelemetry plugin continues the caller's
 * trace in each workflow (its spans leave the sandbox through a sink) and each activity. Shared
 * by worker/main.ts and test/security/trace-scan.int.test.ts, so the test reads the spans production
 * exports. Loaded only when asked for: with tracing off the OpenTelemetry SDK is never imported.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from '../config/tracing';

/**
 * What a workflow span may carry. The SDK's sink copies the whole WorkflowInfo into each workflow
 * span's attributes: its memo (a review's is the account number, decrypted), search attributes,
 * lastResult and lastFailure, and more. Only ids and codes are kept: the interceptors' own keys
 * (constants of @temporalio/interceptors-opentelemetry) and the info's names of the run.
 */
const WORKFLOW_SPAN_ATTRIBUTES: ReadonlySet<string> = new Set([
  'temporalWorkflowId',
  'run_id',
  'temporalActivityId',
  'temporalUpdateId',
  'workflowId',
  'runId',
  'workflowType',
  'taskQueue',
  'namespace',
  'attempt',
]);

/** Hands `processor` each span with only the attributes of `keep`. */
export function keepingAttributes(processor: SpanProcessor, keep: ReadonlySet<string>): SpanProcessor {
  return {
    onStart: (span: Span, parent: Context) => processor.onStart(span, parent),
    onEnd: (span: ReadableSpan) => {
      const attributes = Object.fromEntries(Object.entries(span.attributes).filter(([k]) => keep.has(k)));
      // A view of the span with its own attributes; spans may be class instances with methods and getters.
      processor.onEnd(Object.create(span, { attributes: { value: attributes, enumerable: true } }));
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

export async function tracingPlugin(
  tracing: Pick<Tracing, 'resource' | 'spanProcessor'>,
): Promise<OpenTelemetryPlugin> {
  const { OpenTelemetryPlugin } = await import('@temporalio/interceptors-opentelemetry');
  return new OpenTelemetryPlugin({
    resource: tracing.resource,
    // The plugin's processor receives the workflow spans only (activity spans go through the
    // global tracer provider, whose attributes the interceptors set: ids alone).
    spanProcessor: keepingAttributes(tracing.spanProcessor, WORKFLOW_SPAN_ATTRIBUTES),
  });
}
