/**
 * Starts the payment-network simulator: `npm run payment-network -- --help`. It takes the
 * institutions' tokens and the API's address from the same environment as the rest of the project.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../config';
import { observabilityRoutes, ProjectMetrics } from '../../config/metrics';
import type { Institution } from '../../domain/agreements';
import { buildPaymentNetworkSimulator } from './app';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

const config = loadConfig();
const program = new Command()
  .name('payment-network')
  .description(
    "Simulates the payment institutions (WECHAT_PAY, UNIONPAY, JD_PAY) against the bank's API v1 with\n" +
      'their tokens (INSTITUTION_TOKENS), and the holder who types the code from the SMS inbox:\n' +
      '  POST   /simulate/agreements               sign (start, read the code, type it)\n' +
      '  POST   /simulate/debits                   debit under a signed agreement\n' +
      '  DELETE /simulate/agreements/{agreementId} cancel\n' +
      'Magic references: sandbox/catalogue.json (paymentNetwork), docs/sandbox.md.',
  )
  .addOption(
    new Option('--port <port>', 'port to listen on (0 picks a free one)')
      .env('PAYMENT_NETWORK_PORT')
      .default(config.sandbox.paymentNetworkPort)
      .argParser(port),
  )
  .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1'))
  .addOption(
    new Option('--api-url <url>', "the bank's API")
      .env('API_URL')
      .default(`http://${config.api.host}:${config.api.port}`),
  )
  .addOption(
    new Option('--providers-url <url>', 'the providers sandbox, for its SMS inbox').default(
      config.providersUrl,
    ),
  )
  .addOption(new Option('--log', 'log one line per request (never bodies, query strings or path values)'))
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  npm run payment-network\n' +
      '  npm run payment-network -- --port 0 --api-url http://127.0.0.1:8080\n' +
      '  curl -X POST localhost:7330/simulate/debits -H "content-type: application/json" \\\n' +
      '    -d \'{"institution":"WECHAT_PAY","agreementNumber":"AG...","amountCny":"12.50","reference":"TWICE-1"}\'',
  );

async function main(): Promise<void> {
  const opts = program
    .parse()
    .opts<{ port: number; host: string; apiUrl: string; providersUrl: string; log?: boolean }>();
  const tokens: Partial<Record<Institution, string>> = {};
  for (const c of config.tokens) if (c.role === 'institution') tokens[c.id as Institution] = c.token;
  const app = buildPaymentNetworkSimulator({
    apiUrl: opts.apiUrl,
    providersUrl: opts.providersUrl,
    tokens,
    logger: opts.log ?? false,
  });
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping the payment-network simulator`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.register(
    observabilityRoutes({ metrics: new ProjectMetrics('payment-network'), ready: () => true, health: false }),
  );
  try {
    await app.listen({ port: opts.port, host: opts.host });
  } catch (error) {
    console.error(`could not start the payment-network simulator: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  console.log(
    `payment-network simulator listening on http://${host}:${actualPort} (API ${opts.apiUrl}; institutions ${Object.keys(tokens).join(', ') || 'none'})`,
  );
}

void main();
