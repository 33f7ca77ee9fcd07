/** The API on a real loopback port, so the client and the command line go over HTTP. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { runOperator } from '../../cli/operator';
import { startApi, tokens } from '../support/api';
import type { Harness } from '../support/harness';

export async function listenApi(h: Harness): Promise<{ api: FastifyInstance; url: string }> {
  const api = await startApi(h);
  await api.listen({ host: '127.0.0.1', port: 0 });
  return { api, url: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}` };
}

/** The bearer token of a test caller by id (op-alice, op-bob, test-app, ...). */
export function tokenOf(id: string): string {
  const found = tokens.find((t) => t.id === id);
  if (!found) throw new Error(`no test token for ${id}`);
  return found.token;
}

/** Runs one operator command line against the API at `url` (op-alice's token unless told), collecting what it prints. */
export async function runOperatorAt(
  url: string,
  args: string[],
  env: NodeJS.ProcessEnv = { OPERATOR_TOKEN: tokenOf('op-alice') },
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runOperator(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    env: { API_URL: url, ...env },
  });
  return { code, out, err };
}
