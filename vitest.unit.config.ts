// `npm run test:unit`: the pure tests only, in seconds: no global setup, so no Temporal server and
// no sandboxes. `npm test` (vitest.config.ts, every test/**/*.test.ts) runs them too, once.
//
// Unit tests are every test under test/domain/, test/architecture.test.ts, and any other test
// file named *.unit.test.ts (test/cli/connection.unit.test.ts; name a pure SDK or CLI-rendering
// test so). They may build an app in-process (fastify's app.inject) but not use vitest's
// inject() or start a harness: there is no Temporal server here (test/architecture.test.ts
// checks their imports).
import { defineConfig } from 'vitest/config';

export const unitTests = ['test/domain/**/*.test.ts', 'test/architecture.test.ts', 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    include: unitTests,
    pool: 'forks',
    server: {
      deps: {
        // As in vitest.config.ts: vite must not transform the Temporal SDK, should a test reach it.
        external: [/@temporalio\//],
      },
    },
  },
});
