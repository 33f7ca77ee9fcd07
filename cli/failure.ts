/**
 * What the operator sees when a command fails, and the exit code scripts branch on: 2 when the
 * request was refused (fix the command and retry), 1 when something else went wrong.
 */
import { ApiError } from '../sdk/client';

export const EXIT_REFUSED = 2;
export const EXIT_FAILED = 1;

/** The API names request fields; operators typed flags. */
const FLAG_OF_FIELD: Record<string, string> = {
  'body.round': '--round',
  'body.reasonCode': '--reason',
  'body.note': '--note',
  'params.reviewId': '<reviewId>',
  'params.agreementId': '<agreementId>',
  'params.accountNumber': '<accountNumber>',
  'querystring.status': '--status',
  'querystring.hold': '--hold',
  'querystring.reason': '--reason',
  'querystring.limit': '--limit',
};

/**
 * An API refusal and what the operator can do about it, for refusals whose status alone does not
 * say (a 403 where the role, not the person, is the problem; a 404 that also stands for "not yours").
 */
export class HintedRefusal extends Error {
  constructor(
    readonly refusal: ApiError,
    readonly hint: string,
  ) {
    super(refusal.message);
  }
}

export function describeFailure(err: unknown, apiUrl: string): { exitCode: number; text: string } {
  if (err instanceof HintedRefusal) {
    const described = describeFailure(err.refusal, apiUrl);
    return { ...described, text: `${described.text}  ${err.hint}\n` };
  }
  if (err instanceof ApiError) {
    const fields = err.errors.map((e) => {
      const flag = FLAG_OF_FIELD[e.field];
      return `  ${e.field}${flag ? ` (${flag})` : ''}: ${e.message}\n`;
    });
    const refused = err.status >= 400 && err.status < 500;
    return {
      exitCode: refused ? EXIT_REFUSED : EXIT_FAILED,
      // The code (domain/problem-codes.ts) is what a script branches on; the words may change.
      text: `error: ${err.status} ${err.title}: ${err.detail}${err.code ? ` [${err.code}]` : ''}\n${fields.join('')}`,
    };
  }
  // fetch hides the reason (refused, DNS, TLS) in `cause`.
  if (err instanceof TypeError && err.cause instanceof Error) {
    return {
      exitCode: EXIT_FAILED,
      text: `error: cannot reach the API at ${apiUrl}: ${err.cause.message}\n`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT_FAILED, text: `error: ${message}\n` };
}
