/**
 * Fault knobs for resilience tests: added latency, transient errors and hung requests on the
 * vendor-facing routes. Held in memory on purpose: a restart comes back healthy (or with the
 * faults given at startup), which is what a tester restarting a broken sandbox expects.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './http';

export const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
});
export type Faults = z.output<typeof faultsSchema>;
export type FaultSettings = z.input<typeof faultsSchema>;

export interface FaultOptions {
  /** Routes whose URL starts with one of these get the faults; the sandbox's own routes never do. */
  prefixes: readonly string[];
  initial?: FaultSettings;
  /** The transient error the real system answers when unwell (also sent when a hang ends). */
  transient: { status: number; body: unknown };
  /** How long a "timeout" hangs before answering 504. */
  hangMs?: number;
  random?: () => number;
}

export const DEFAULT_HANG_MS = 30_000;

export function installFaults(app: FastifyInstance, opts: FaultOptions): void {
  let faults = faultsSchema.parse(opts.initial ?? {});
  const random = opts.random ?? Math.random;
  const hangMs = opts.hangMs ?? DEFAULT_HANG_MS;
  // Hung requests would otherwise hold app.close() for the whole hang.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  app.addHook('onRequest', async (request, reply) => {
    if (!opts.prefixes.some((prefix) => request.url.startsWith(prefix))) return;
    const now = faults;
    try {
      if (now.latencyMs > 0) await sleep(now.latencyMs, undefined, { signal: closing.signal });
      if (random() < now.timeoutRate) {
        await sleep(hangMs, undefined, { signal: closing.signal });
        return reply.status(504).send(opts.transient.body);
      }
    } catch {
      return reply.status(opts.transient.status).send(opts.transient.body);
    }
    if (random() < now.errorRate) return reply.status(opts.transient.status).send(opts.transient.body);
  });

  /** PUT replaces all knobs: a field left out goes back to 0, so `{}` heals the service. */
  app.put('/sandbox/faults', async (request) => {
    faults = parseOr400(faultsSchema, request.body ?? {});
    return faults;
  });
  app.get('/sandbox/faults', async () => faults);
}
