/**
 * The floor's worker in a process of its own (processes.ts), so that its CPU per no-op
 * workflow is read apart from the client's, the same way as the project's worker.
 */
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporalConnectConfig } from '../../config/temporal';
import { quietLogger } from './env';
import { floorActivities, floorWorkflowsPath } from './floor';
import { childConfig, childReady, type FloorWorkerConfig } from './processes';

const config = childConfig<FloorWorkerConfig>();
Runtime.install({ logger: quietLogger });
const connection = await NativeConnection.connect(
  config.external
    ? temporalConnectConfig({ ...process.env, TEMPORAL_ADDRESS: config.address }).connectionOptions
    : { address: config.address },
);
const worker = await Worker.create({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  workflowBundle: await bundleWorkflowCode({ workflowsPath: floorWorkflowsPath, logger: quietLogger }),
  activities: floorActivities,
});
// Runtime.install's default shutdown signals (SIGINT among them) drain the worker.
const running = worker.run();
childReady();
await running;
await connection.close();
process.exit(0);
