/** The API process: HTTP for apps and operators, a Temporal client behind it. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { auditTrailFromConfig } from '../../adapters/audit';
import { DocumentStore } from '../../adapters/documents';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { loadConfigOrExit } from '../../config';
import { logger } from '../../config/logger';
import { defaultAbuseLimits, defaultPolicy } from '../../domain/application';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { keyringFromConfig } from '../../encryption/from-config';
import { Applications } from '../applications';
import { DailyLimits } from '../daily-limits';
import { Funnel } from '../funnel';
import { SqliteIdempotencyRecords } from '../idempotency-records';
import { Reviews } from '../reviews';
import { buildApi } from './app';

const config = loadConfigOrExit('api');
mkdirSync(config.dataDir, { recursive: true });
const log = logger(config, 'api');
const connection = await Connection.connect({ address: config.temporal.address });
// The same codec as the worker's: the API encrypts what it sends and decodes what it reads.
const keyring = keyringFromConfig(config);
const client = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: encryptedDataConverter(keyring),
});
const documents = new DocumentStore(config.documentsDir, keyring);
// Uploads no application took are deleted after the policy time; every API instance may sweep.
const sweep = setInterval(
  () =>
    void documents
      .sweep(config.documentTtlHours * 3600_000)
      .catch((err) => log.warn({ err }, 'sweep failed')),
  60_000,
);
sweep.unref();

const api = await buildApi({
  tokens: config.tokens,
  applications: new Applications({
    client,
    taskQueue: config.temporal.taskQueue,
    policy: defaultPolicy,
    limits: {
      store: new DailyLimits(path.join(config.dataDir, 'api-limits.db'), config.counterHmacKey),
      caps: defaultAbuseLimits,
    },
  }),
  reviews: new Reviews(client),
  funnel: new Funnel(client, config.temporal.taskQueue),
  documents,
  coreBanking: httpCoreBanking(config.coreBankingUrl),
  idempotency: new SqliteIdempotencyRecords(
    path.join(config.dataDir, 'api-idempotency.db'),
    config.counterHmacKey,
  ),
  audit: auditTrailFromConfig(config, keyring),
  logger: log,
});
await api.listen({ host: config.api.host, port: config.api.port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await api.close();
    await connection.close();
    process.exit(0);
  });
}
