/** The project's metrics and health endpoints (config/metrics.ts, worker/metrics.ts), in-process. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Ports } from '../../adapters/ports';
import { observabilityRoutes, ProjectMetrics, serveObservability } from '../../config/metrics';
import { instrumentPorts, metricsSinks } from '../../worker/metrics';

/** The value of the series `name{...}` whose labels include all of `labels` ('a="b",c="d"'), whatever their order. */
const value = (text: string, series: string): number | undefined => {
  const [name, rest] = series.split('{');
  const wanted = (rest ?? '')
    .replace(/\}$/, '')
    .split(/,(?=\w+=)/)
    .filter(Boolean);
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`)) return false;
    const labels = l.slice(name!.length + 1, l.lastIndexOf('}')).split(/,(?=\w+=)/);
    return wanted.every((w) => labels.includes(w));
  });
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('observability routes', () => {
  it('serve /metrics with a timer per route template, /health, and /ready that follows the check', async () => {
    const metrics = new ProjectMetrics('api', { defaultMetrics: false });
    let ready = true;
    const app = Fastify();
    app.get('/v1/accounts/:accountNumber', async () => ({ ok: true }));
    await app.register(observabilityRoutes({ metrics, ready: () => ready }));
    await app.inject('/v1/accounts/6230580000012345678');
    const text = (await app.inject('/metrics')).body;
    expect(
      value(
        text,
        'account_opening_http_request_duration_seconds_count{service="api",method="GET",route="/v1/accounts/:accountNumber",status="200"}',
      ),
    ).toBe(1);
    // Labels carry route templates, never the account number.
    expect(text).not.toContain('6230580000012345678');
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await app.inject('/ready')).statusCode).toBe(200);
    ready = false;
    expect((await app.inject('/ready')).statusCode).toBe(503);
    await app.close();
  });

  it('serve the same on a plain HTTP server (the worker), with extra text appended', async () => {
    const metrics = new ProjectMetrics('worker', { defaultMetrics: false });
    metrics.applicationsStarted.inc({ flow_version: 'v3', channel: 'OWN_APP' });
    const server = await serveObservability({
      host: '127.0.0.1',
      port: 0,
      metrics,
      ready: async () => {
        throw new Error('Temporal unreachable');
      },
      extra: async () => 'temporal_workflow_task_queue_poll_succeed 3\n',
    });
    const base = `http://127.0.0.1:${server.port}`;
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(value(text, 'account_opening_applications_started_total{flow_version="v3"')).toBe(1);
    expect(text).toContain('temporal_workflow_task_queue_poll_succeed 3');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // A check that throws is not ready.
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    await server.close();
  });
});

describe('worker metrics', () => {
  const ports = (): Ports =>
    ({
      idCards: { read: async () => ({}) },
      identity: {
        verify: async () => {
          throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        },
      },
      watchlist: { screen: async () => 'CLEAR' },
      unionPay: { checkFourElements: async () => ({ result: 'MATCH' }) },
      face: { verify: async () => ({}) },
      coreBanking: { openClassII: async () => ({}) },
      providers: { sendOtp: async () => ({}) },
      notifier: {
        send: async () => {
          throw new Error('receiver down');
        },
      },
      opsNotifier: { send: async () => undefined },
      documents: { get: async () => Buffer.alloc(0) },
      audit: { record: async () => ({}) },
    }) as unknown as Ports;

  it('time vendor calls by vendor and operation, count their errors and failed webhook attempts', async () => {
    const metrics = new ProjectMetrics('worker', { defaultMetrics: false });
    const p = instrumentPorts(ports(), metrics);
    await p.unionPay.checkFourElements(
      { name: '张伟', idNumber: '11010519491231002X', mobile: '13800138000' },
      '6222021234567890128',
      'k',
    );
    await expect(p.identity.verify('张伟', '11010519491231002X')).rejects.toThrow('refused');
    await expect(
      p.notifier.send({ type: 'ACCOUNT_OPENED' } as Parameters<Ports['notifier']['send']>[0]),
    ).rejects.toThrow();
    const text = await metrics.text();
    expect(
      value(
        text,
        'account_opening_vendor_call_duration_seconds_count{service="worker",vendor="unionpay",operation="checkFourElements",outcome="ok"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'account_opening_vendor_call_errors_total{service="worker",vendor="identity-register",operation="verify",error="connection"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'account_opening_webhook_attempt_failures_total{service="worker",target="app",event="ACCOUNT_OPENED"}',
      ),
    ).toBe(1);
    // No personal data in any label.
    expect(text).not.toContain('11010519491231002X');
  });

  it('count what the workflows report through the sink', async () => {
    const metrics = new ProjectMetrics('worker', { defaultMetrics: false });
    const { metrics: sink } = metricsSinks(metrics);
    const info = {} as never;
    const labels = { flowVersion: 'v2', channel: 'PARTNER' };
    sink.applicationStarted.fn(info, labels);
    sink.applicationFinished.fn(info, { ...labels, outcome: 'REJECTED', step: 'FACE', review: 'NONE' });
    sink.applicationFinished.fn(info, { ...labels, outcome: 'FAILED', step: 'openAccount', review: 'NONE' });
    sink.webhook.fn(info, { target: 'app', type: 'APPLICATION_REJECTED', outcome: 'GAVE_UP' });
    const text = await metrics.text();
    expect(
      value(
        text,
        'account_opening_applications_rejected_total{service="worker",flow_version="v2",channel="PARTNER",step="FACE"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'account_opening_applications_failed_total{service="worker",flow_version="v2",channel="PARTNER",step="openAccount"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'account_opening_webhook_give_ups_total{service="worker",target="app",event="APPLICATION_REJECTED"}',
      ),
    ).toBe(1);
  });
});
