/**
 * Fault knobs for resilience tests: added latency, transient errors and hung requests on the
 * vendor-facing routes, and refusals for good of named operations. Held in memory on purpose: a
 * restart comes back healthy (or with the faults given at startup), which is what a tester
 * restarting a broken sandbox expects.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './http';

/** The knobs every service has; `refuse` takes the names of the service's own operations. */
const baseFaultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  /**
   * Operations answered `422 {"error": "REFUSED"}` until healed: the system refuses them for good
   * (nothing is done, nothing recorded), as a real one does for a closed product, a blocked
   * customer or a rule it will not bend. Names per service: `refusableOperations`.
   */
  refuse: z.array(z.string()).default([]),
});
export const faultsSchema = baseFaultsSchema;
export type Faults = z.output<typeof faultsSchema>;
export type FaultSettings = z.input<typeof faultsSchema>;

/** A refusable operation: its name in `refuse`, and the requests it covers. */
export interface RefusableOperation {
  name: string;
  /** e.g. `/core/v1/accounts` POST; `matches` decides for a request of that service. */
  matches: (request: Pick<FastifyRequest, 'method' | 'url'>) => boolean;
}

export interface FaultOptions {
  /** Routes whose URL starts with one of these get the faults; the sandbox's own routes never do. */
  prefixes: readonly string[];
  /** The operations `refuse` may name (each service lists its own). */
  refusable: readonly RefusableOperation[];
  initial?: FaultSettings;
  /** The transient error the real system answers when unwell (also sent when a hang ends). */
  transient: { status: number; body: unknown };
  /** How long a "timeout" hangs before answering 504. */
  hangMs?: number;
  random?: () => number;
}

export const DEFAULT_HANG_MS = 30_000;

/** The refusal's answer, the same on both services. */
export const REFUSED_ANSWER = {
  status: 422,
  body: { error: 'REFUSED', message: 'refused for good (sandbox fault knob "refuse")' },
} as const;

/** The knobs' schema of a service: `refuse` names only the operations it has. */
export function faultsSchemaFor(refusable: readonly RefusableOperation[]) {
  const names = refusable.map((op) => op.name);
  return baseFaultsSchema.extend({
    refuse: z
      .array(
        z.string().refine((name) => names.includes(name), {
          message: `must be one of ${names.join(', ')}`,
        }),
      )
      .default([]),
  });
}

export function installFaults(app: FastifyInstance, opts: FaultOptions): void {
  const schema = faultsSchemaFor(opts.refusable);
  let faults = parseOr400(schema, opts.initial ?? {}, 'faults');
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
    const refused = opts.refusable.some((op) => now.refuse.includes(op.name) && op.matches(request));
    if (refused) return reply.status(REFUSED_ANSWER.status).send(REFUSED_ANSWER.body);
  });

  /** PUT replaces all knobs: a field left out goes back to 0 (or none refused), so `{}` heals the service. */
  app.put('/sandbox/faults', async (request) => {
    faults = parseOr400(schema, request.body ?? {});
    return faults;
  });
  app.get('/sandbox/faults', async () => faults);
}

/** `POST /core/v1/accounts` but not `.../binding`: a path's segments, query string left out. */
export const pathOf = (url: string): string[] => url.split('?')[0]!.split('/').filter(Boolean);
