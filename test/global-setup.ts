/**
 * One Temporal dev server and one pair of sandboxes for the whole test run; test files get
 * their addresses with `inject(...)` and keep apart by their own task queues and ids.
 */
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TestProject } from 'vitest/node';
import { buildCoreBankingSandbox } from '../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../sandbox/providers/app';
import { startDevServer } from '../scripts/dev-server';
import { findOrBuildTemporalCli } from '../scripts/temporal-cli';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from './provided';
import { workflowBundle } from './support/workflow-bundle';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'account-opening-test-'));
  const cli = await findOrBuildTemporalCli({ log: (line) => console.log(`[temporal-cli] ${line}`) });
  const apps: FastifyInstance[] = [];
  let server: Awaited<ReturnType<typeof startDevServer>> | undefined;

  const teardown = async () => {
    await Promise.allSettled(apps.map((app) => app.close()));
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    const providers = buildProvidersSandbox({
      dbFile: path.join(dir, 'providers.db'),
      logger: false,
      webhookSecret: TEST_WEBHOOK_SECRET,
      partnerWebhookSecrets: TEST_PARTNER_WEBHOOK_SECRETS,
    });
    apps.push(providers);
    const coreBanking = buildCoreBankingSandbox({ dbFile: path.join(dir, 'core-banking.db'), logger: false });
    apps.push(coreBanking);
    // Bundling the workflow code costs seconds of CPU: once here rather than once per test file.
    const bundleFile = path.join(dir, 'workflow-bundle.json');
    const [devServer, providersUrl, coreBankingUrl] = await Promise.all([
      startDevServer({ cli, fast: true, headless: true }),
      listen(providers),
      listen(coreBanking),
      workflowBundle().then((bundle) => fs.writeFile(bundleFile, JSON.stringify(bundle))),
    ]);
    server = devServer;
    project.provide('temporalAddress', devServer.address);
    project.provide('providersUrl', providersUrl);
    project.provide('coreBankingUrl', coreBankingUrl);
    project.provide('workflowBundleFile', bundleFile);
    console.log(
      `[global-setup] Temporal ${devServer.address}, sandboxes ${providersUrl} ${coreBankingUrl}` +
        ` (${Math.round(performance.now() - started)} ms)`,
    );
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
