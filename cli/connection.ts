/**
 * Where the operator command line connects and as whom. The identity is the token's: the API
 * records the token's operator on every decision, so there is no flag to claim another name.
 */
import { credentials, developmentTokens } from '../domain/credentials';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface Connection {
  baseUrl: string;
  token: string;
}

/** Flags win over the environment; without either, the development defaults `npm start` uses. */
export function resolveConnection(
  flags: { apiUrl?: string; token?: string },
  env: NodeJS.ProcessEnv,
): Connection {
  const baseUrl = apiUrlOf(flags, env);
  const token = flags.token ?? env.OPERATOR_TOKEN ?? developmentOperatorToken(env);
  return { baseUrl, token };
}

export const apiUrlOf = (flags: { apiUrl?: string }, env: NodeJS.ProcessEnv): string =>
  flags.apiUrl ?? env.API_URL ?? DEFAULT_API_URL;

/** The first operator of OPERATOR_TOKENS (the server's list), else of the development defaults. */
function developmentOperatorToken(env: NodeJS.ProcessEnv): string {
  const parsed = credentials(developmentTokens.OPERATOR_TOKENS).safeParse(env.OPERATOR_TOKENS);
  if (!parsed.success) {
    throw new Error(`OPERATOR_TOKENS: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  }
  const [operator] = parsed.data;
  if (!operator) throw new Error('no operator token: pass --token or set OPERATOR_TOKEN');
  return operator.token;
}
