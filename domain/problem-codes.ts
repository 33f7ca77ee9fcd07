/**
 * The machine-readable type of every refusal the API sends: the `code` of its problem details.
 * A caller branches on the code, never on a title, a status or a message: a 403 is a role
 * refused (FORBIDDEN), four eyes (SAME_OPERATOR) or a supervisor's confirmation wanted
 * (SUPERVISOR_REQUIRED), and only the code tells them apart. A workflow's refusal travels under
 * its own type (domain/refusals.ts), so the two lists cannot drift apart.
 */
import * as z from 'zod';
import { type RefusalType, refusals } from './refusals';

/** Refusals decided by the API itself, before or beside any workflow. */
export const API_PROBLEM_CODES = [
  /** A field or the body is malformed or breaks a rule; `errors` names each field. */
  'INVALID_REQUEST',
  /** No bearer token, or not a live one. */
  'UNAUTHORIZED',
  /** The caller's role, channel or session may not do this. */
  'FORBIDDEN',
  /** Nothing with this id that the caller may see, or no such route. */
  'NOT_FOUND',
  /** The route exists, with other methods (the Allow header lists them). */
  'METHOD_NOT_ALLOWED',
  /** The request conflicts with the state of what it names. */
  'CONFLICT',
  /** The body is larger than the route accepts. */
  'PAYLOAD_TOO_LARGE',
  /** The body's media type (or, for an image, its bytes) is not one the route takes. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** An Idempotency-Key sent again with a different request. */
  'IDEMPOTENCY_KEY_REUSED',
  /** A wrong SMS code: `attemptsLeft` says how many tries remain. */
  'WRONG_CODE',
  /** A debit refused: `reason` says why. */
  'DEBIT_REFUSED',
  /** A daily limit is reached: retry after the Retry-After header. */
  'LIMIT_REACHED',
  /** The API failed; it is safe to retry. */
  'INTERNAL_ERROR',
  /** A part of the API is not available now (the console's assets, say). */
  'UNAVAILABLE',
] as const;

export const problemCodeSchema = z.enum([...API_PROBLEM_CODES, ...(Object.keys(refusals) as RefusalType[])]);
export type ProblemCode = z.infer<typeof problemCodeSchema>;

/** The code a problem carries when nothing more specific was said: its status's. */
export function codeOfStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'INVALID_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'LIMIT_REACHED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST';
  }
}
