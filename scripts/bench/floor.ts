/**
 * The floor in-process: floor-workflows.ts in a bundle of its own, run by a worker of its own
 * on a task queue of its own, on the same server as the project, driven the way
 * `../shared/floor-bench/bench.js` drives it.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflowCode, type NativeConnection, Worker } from '@temporalio/worker';
import { quietLogger, runWorker } from './env';
import type { FloorActivities } from './floor-workflows';
import {
  awaitCodeRequest,
  type codeThenOpen,
  type parallelThenSequential,
  submitCode,
  type twoStepCodeThenOpen,
} from './floor-workflows';
import { type FloorWorkerConfig, startChild } from './processes';

export const floorWorkflowsPath = fileURLToPath(new URL('./floor-workflows.ts', import.meta.url));

/** One run: its end-to-end time and the times of its phases, in ms. */
export interface Sample {
  workflowId: string;
  totalMs: number;
  phases: Record<string, number>;
}

export type Case = (workflowId: string) => Promise<Sample>;

export interface Floor {
  taskQueue: string;
  /** Its worker's process, when it runs in one of its own. */
  workerPid?: number;
  /** floor-bench's `parallel3-then-4`: three no-ops at once, then four in a row. */
  parallel3Then4: Case;
  /**
   * floor-bench's `updateWithStart-code-then-open` (3, 3). Phases: `accepted` (the
   * update-with-start call returns, stage ACCEPTED), `answer` (start to the update's result,
   * which carries the account, so nearly the whole run) and `rest` (answer to workflow result).
   */
  codeThenOpen: Case;
  /**
   * The same work with the project's two messages. Phases: `toAwaiting` (start to the
   * update-with-start's answer after the 3 parallel no-ops), `codeToOpened` (the code
   * update to its answer after the 3 sequential no-ops), `rest` (to the workflow result).
   */
  twoStep: Case;
  stop(): Promise<void>;
}

export const floorActivities: FloorActivities = { noop: async (x) => x };

/**
 * `split`: the floor's worker runs in a process of its own (floor-worker-child.ts), whose pid
 * the Floor gives for its CPU; otherwise in this process.
 */
export async function startFloor(opts: {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  split?: { address: string; external: boolean };
}): Promise<Floor> {
  const { client } = opts;
  const taskQueue = `floor-${randomUUID()}`;
  let stop: () => Promise<void>;
  let workerPid: number | undefined;
  if (opts.split) {
    const child = await startChild('floor-worker-child.ts', {
      ...opts.split,
      namespace: opts.namespace,
      taskQueue,
    } satisfies FloorWorkerConfig);
    stop = () => child.stop();
    workerPid = child.pid;
  } else {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: floorWorkflowsPath,
      logger: quietLogger,
    });
    const worker = await Worker.create({
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue,
      workflowBundle,
      activities: floorActivities,
    });
    stop = runWorker(worker);
  }

  const parallel3Then4: Case = async (workflowId) => {
    const t0 = performance.now();
    await client.workflow.execute<typeof parallelThenSequential>('parallelThenSequential', {
      taskQueue,
      workflowId,
      args: [3, 4],
    });
    return { workflowId, totalMs: performance.now() - t0, phases: {} };
  };

  const codeThenOpenCase: Case = async (workflowId) => {
    const t0 = performance.now();
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof codeThenOpen>('codeThenOpen', {
      taskQueue,
      workflowId,
      args: [3, 3],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const update = await client.workflow.startUpdateWithStart(submitCode, {
      startWorkflowOperation,
      args: ['123456'],
      waitForStage: 'ACCEPTED',
    });
    const t1 = performance.now();
    await update.result();
    const t2 = performance.now();
    await (await startWorkflowOperation.workflowHandle()).result();
    const t3 = performance.now();
    return { workflowId, totalMs: t3 - t0, phases: { accepted: t1 - t0, answer: t2 - t0, rest: t3 - t2 } };
  };

  const twoStep: Case = async (workflowId) => {
    const t0 = performance.now();
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof twoStepCodeThenOpen>(
      'twoStepCodeThenOpen',
      { taskQueue, workflowId, args: [3, 3], workflowIdConflictPolicy: 'USE_EXISTING' },
    );
    // As Applications.start does: accepted first, then the answer.
    const first = await client.workflow.startUpdateWithStart(awaitCodeRequest, {
      startWorkflowOperation,
      waitForStage: 'ACCEPTED',
    });
    await first.result();
    const t1 = performance.now();
    const handle = await startWorkflowOperation.workflowHandle();
    await handle.executeUpdate(submitCode, { args: ['123456'] });
    const t2 = performance.now();
    await handle.result();
    const t3 = performance.now();
    return {
      workflowId,
      totalMs: t3 - t0,
      phases: { toAwaiting: t1 - t0, codeToOpened: t2 - t1, rest: t3 - t2 },
    };
  };

  return { taskQueue, workerPid, parallel3Then4, codeThenOpen: codeThenOpenCase, twoStep, stop };
}
