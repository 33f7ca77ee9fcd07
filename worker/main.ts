/**
 * The worker process: runs the workflows and the activities that call providers and core
 * banking over HTTP. Run as many as load needs; they share the task queue.
 */
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { httpPorts } from '../adapters/http';
import { loadConfigOrExit } from '../config';
import { logger } from '../config/logger';
import { sdkLogger } from '../config/sdk-logger';
import { encryptedDataConverter } from '../encryption/data-converter';
import { keyringFromConfig } from '../encryption/from-config';
import { createWorker } from './create-worker';

const config = loadConfigOrExit('worker');
const log = logger(config, 'worker');
// The SDK's own info lines (webpack output, state changes) drown the service's; keep warnings,
// and send them through the service's logger so that they are redacted like every other line.
Runtime.install({
  logger: sdkLogger(log),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});

const connection = await NativeConnection.connect({ address: config.temporal.address });
const keyring = keyringFromConfig(config);
const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  ports: httpPorts(config, keyring),
  // Payloads and failures encrypted under each application's data key (docs/encryption.md).
  dataConverter: encryptedDataConverter(keyring),
});
log.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker ready');
await worker.run();
await connection.close();
