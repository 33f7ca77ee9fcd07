/**
 * The workflow bundle tests run, apart from the harness so that the replay suite (which needs
 * no Temporal server and runs in `npm run test:unit`) can take it without importing the harness.
 */
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/create-worker';

/** The API's and the worker's DECISION_SIGNING_KEY in tests: harnesses' Reviews sign with it, bundles hold it. */
export const TEST_DECISION_SIGNING_KEY = 'test-decision-signing-key-0123456789abcdef';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling costs seconds: once per test file (vitest forks a process per file). */
export const workflowBundle = () =>
  (bundle ??= bundleWorkflows({ decisionSigningKey: TEST_DECISION_SIGNING_KEY }));
