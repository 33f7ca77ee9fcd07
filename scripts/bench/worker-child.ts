/**
 * The project's worker in a process of its own (processes.ts), wired as env.ts wires the
 * in-process one: httpPorts, signed webhooks, payloads under the bench's throwaway master key
 * (the data keys in a SQLite file the client's process shares).
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { httpPorts } from '../../adapters/http';
import { temporalConnectConfig } from '../../config/temporal';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { Keyring } from '../../encryption/keyring';
import { LocalKms } from '../../encryption/kms';
import { SqliteDataKeyStore } from '../../stores/data-key-store';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { childConfig, childReady, type WorkerConfig } from './processes';

const config = childConfig<WorkerConfig>();
const logger = new DefaultLogger('WARN');
Runtime.install({ logger });
const connection = await NativeConnection.connect(
  config.external
    ? temporalConnectConfig({ ...process.env, TEMPORAL_ADDRESS: config.address }).connectionOptions
    : { address: config.address },
);
const store = new SqliteDataKeyStore(config.dataKeysFile);
const keyring = new Keyring({
  kms: new LocalKms({ id: config.masterKey.id, key: Buffer.from(config.masterKey.base64, 'base64') }),
  store,
});
const webhook = `${config.providersUrl}/sandbox/app-webhook`;
const worker = await createWorker({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  ports: httpPorts(
    {
      providersUrl: config.providersUrl,
      coreBankingUrl: config.coreBankingUrl,
      appWebhookUrl: webhook,
      opsWebhookUrl: webhook,
      webhookSecret: config.webhookSecret,
      documentsDir: config.documentsDir,
      dataDir: config.dataDir,
      counterHmacKey: config.counterHmacKey,
    },
    keyring,
  ),
  dataConverter: encryptedDataConverter(keyring),
  workflowBundle: await bundleWorkflows({ logger, decisionSigningKey: developmentDecisionSigningKey }),
});
// Runtime.install's default shutdown signals (SIGINT among them) drain the worker.
const running = worker.run();
childReady();
await running;
await connection.close();
store.close();
process.exit(0);
