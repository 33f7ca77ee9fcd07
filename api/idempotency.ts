/**
 * Idempotency-Key bound to its request: a retry with the same key and the same request goes on
 * (the workflow update it names answers the first result); the same key with another request is
 * a 422 and changes nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../domain/canonical-json';
import type { IdempotencyRecords } from '../stores/idempotency-records';
import { sendProblem } from './problem';

/** A preHandler (after authentication and validation) for a route that takes Idempotency-Key. */
export const bindIdempotencyKey =
  (records: IdempotencyRecords) => async (req: FastifyRequest, reply: FastifyReply) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return;
    // Keys are the caller's own: two callers may pick the same one without meeting.
    const scope = `${req.caller?.id ?? ''} ${req.method} ${req.routeOptions.url}`;
    const request = canonicalJson({ params: req.params, body: req.body });
    if ((await records.claim(scope, key, request)) === 'MISMATCH') {
      return sendProblem(
        reply,
        422,
        'Idempotency-Key reused',
        'this Idempotency-Key was already used with a different request; send a new key for a new request',
        {
          code: 'IDEMPOTENCY_KEY_REUSED',
          errors: [
            { field: 'headers.idempotency-key', message: 'was already used with a different request' },
          ],
        },
      );
    }
  };
