// `npm run test:unit`: the fast loop, every test that needs no server: no global setup, so no
// Temporal dev server and no shared sandboxes. `npm test` (vitest.config.ts, every
// test/**/*.test.ts) runs them too, once, beside the integration tests.
//
// A test that needs the dev server, the shared sandboxes, a Temporal client or worker, a
// throwaway PostgreSQL or the browser is named `*.int.test.ts` and is left out here; every other
// `*.test.ts` is in. Such a test may build an app or a sandbox in-process (fastify's app.inject,
// or listening on a free port of its own) and replay recorded histories
// (Worker.runReplayHistories), but not use vitest's inject() or a harness:
// test/architecture.test.ts checks their imports. test/record/ only records on demand.
import os from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export const unitTests = ['test/**/*.test.ts'];
export const notUnitTests = ['test/**/*.int.test.ts', 'test/record/**'];

export default defineConfig({
  test: {
    include: unitTests,
    exclude: [...configDefaults.exclude, ...notUnitTests],
    pool: 'forks',
    // These tests compute rather than wait: one process per core (vitest's default leaves one
    // core idle, which on CI's two is half the machine).
    maxWorkers: Math.max(2, os.availableParallelism()),
    // Replaying every recorded history bundles the workflow code first: seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // As in vitest.config.ts: vite must not transform the Temporal SDK.
        external: [/@temporalio\//],
      },
    },
  },
});
