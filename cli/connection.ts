/**
 * Where the operator command line connects and as whom. The identity is the token's: the API
 * records the token's operator on every decision, so there is no flag to claim another name.
 */
import { loadConfig } from '../config';

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

function developmentOperatorToken(env: NodeJS.ProcessEnv): string {
  const operator = loadConfig(env).tokens.find((t) => t.role === 'operator');
  if (!operator) throw new Error('no operator token: pass --token or set OPERATOR_TOKEN');
  return operator.token;
}
