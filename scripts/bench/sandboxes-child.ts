/** Both sandboxes in a process of their own (processes.ts): prints their URLs once they serve. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { childConfig, childReady, type SandboxesConfig } from './processes';

const config = childConfig<SandboxesConfig>();
const providers = buildProvidersSandbox({
  dbFile: path.join(config.dir, 'providers.db'),
  logger: false,
  webhookSecret: config.webhookSecret,
});
const coreBanking = buildCoreBankingSandbox({
  dbFile: path.join(config.dir, 'core-banking.db'),
  logger: false,
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const [providersUrl, coreBankingUrl] = await Promise.all([listen(providers), listen(coreBanking)]);
process.once('SIGINT', () => {
  void Promise.allSettled([providers.close(), coreBanking.close()]).finally(() => process.exit(0));
});
childReady({ providersUrl, coreBankingUrl });
