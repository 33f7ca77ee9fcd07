/**
 * Starts both sandbox services: `npx tsx sandbox/main.ts --help`.
 * Reads its defaults from the same environment variables as the rest of the project.
 */
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config';
import { observabilityRoutes, ProjectMetrics } from '../config/metrics';
import { buildCoreBankingSandbox } from './core-banking/app';
import { buildProvidersSandbox } from './providers/app';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const program = new Command()
  .name('sandbox')
  .description(
    'Runs the vendor sandboxes used in development and tests:\n' +
      "  providers     OCR, identity, UnionPay + SMS code, the bank's SMS one-time codes, SMS inbox, app webhook\n" +
      "  core banking  accounts, bindings, holds, agreements, debits, the holder's ID validity; its own per-person cap\n" +
      'Magic inputs: sandbox/catalogue.json, docs/sandbox.md.\n' +
      'Data stays in SQLite files under --data-dir across restarts.',
  )
  .addOption(
    new Option('--providers-port <port>', 'port of the providers sandbox (0 picks a free one)')
      .env('PROVIDERS_SANDBOX_PORT')
      .default(7310)
      .argParser(port),
  )
  .addOption(
    new Option('--core-banking-port <port>', 'port of the core banking sandbox (0 picks a free one)')
      .env('CORE_BANKING_SANDBOX_PORT')
      .default(7320)
      .argParser(port),
  )
  .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1'))
  .addOption(
    new Option('--data-dir <dir>', 'folder for sandbox-providers.db and core-banking.db')
      .env('DATA_DIR')
      .default('data'),
  )
  .addOption(
    new Option('--sms-code-ttl <seconds>', 'lifetime of the SMS codes UnionPay sends')
      .default(300)
      .argParser(positive),
  )
  .addOption(
    new Option('--otp-ttl <seconds>', "lifetime of the bank's own one-time codes (agreement signing)")
      .default(300)
      .argParser(positive),
  )
  .addOption(
    new Option(
      '--class-ii-cap <accounts>',
      "core banking's cap on Class II accounts per person, every channel counted",
    )
      .default(5)
      .argParser(positive),
  )
  .addOption(new Option('--log', 'log one line per request (never bodies, query strings or path values)'))
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  npx tsx sandbox/main.ts\n' +
      '  npx tsx sandbox/main.ts --providers-port 0 --core-banking-port 0 --data-dir /tmp/sandbox\n' +
      '  curl -X PUT localhost:7310/sandbox/faults -H "content-type: application/json" -d \'{"errorRate":0.3}\'',
  );

interface CliOptions {
  providersPort: number;
  coreBankingPort: number;
  host: string;
  dataDir: string;
  smsCodeTtl: number;
  otpTtl: number;
  classIiCap: number;
  log?: boolean;
}

async function main(): Promise<void> {
  const opts = program.parse().opts<CliOptions>();
  const dataDir = path.resolve(opts.dataDir);

  const services: Array<{ name: string; app: FastifyInstance; port: number }> = [
    {
      name: 'providers sandbox',
      app: buildProvidersSandbox({
        dbFile: path.join(dataDir, 'sandbox-providers.db'),
        logger: opts.log ?? false,
        smsCodeTtlSeconds: opts.smsCodeTtl,
        otpTtlSeconds: opts.otpTtl,
        // The same secret the worker signs with (WEBHOOK_SECRET), so the inbox checks signatures.
        webhookSecret: loadConfig().webhookSecret,
        partnerWebhookSecrets: Object.fromEntries(
          Object.entries(loadConfig().partnerWebhooks).map(([id, route]) => [id, route.secret]),
        ),
      }),
      port: opts.providersPort,
    },
    {
      name: 'core banking sandbox',
      app: buildCoreBankingSandbox({
        dbFile: path.join(dataDir, 'core-banking.db'),
        logger: opts.log ?? false,
        perPersonCaps: { II: Math.floor(opts.classIiCap) },
      }),
      port: opts.coreBankingPort,
    },
  ];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the sandboxes`);
    await Promise.allSettled(services.map((service) => service.app.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    for (const service of services) {
      // /metrics (requests per route, the process's own) and /ready beside their /health.
      const metrics = new ProjectMetrics(service.name.replaceAll(' ', '-'));
      await service.app.register(observabilityRoutes({ metrics, ready: () => true, health: false }));
      await service.app.listen({ port: service.port, host: opts.host });
      const address = service.app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : service.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      console.log(`${service.name} listening on http://${host}:${actualPort}`);
    }
  } catch (error) {
    console.error(`could not start the sandboxes: ${(error as Error).message}`);
    await Promise.allSettled(services.map((service) => service.app.close()));
    process.exit(1);
  }
  console.log(`data in ${dataDir}`);
}

void main();
