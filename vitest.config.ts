import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Worker threads crashed with Temporal's native addon; processes do not.
    pool: 'forks',
    // Most of a test's time is spent waiting on the Temporal server, the sandboxes or a browser:
    // vitest's default (one process fewer than the cores: one on CI's two) left a core idle.
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
    // Bundling workflow code and talking to a real server take seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // The worker bundles workflow code itself; vite must not transform the SDK.
        external: [/@temporalio\//],
      },
    },
  },
});
