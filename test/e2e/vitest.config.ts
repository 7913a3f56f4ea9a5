import { defineConfig } from 'vitest/config';

// The browser tests (`npm run test:e2e`): real headless Chromium against one gateway, one ingest and
// one fraud scorer started once for the suite, on the real Kafka broker and Redis (the integration
// global setup brings them up or reuses them). One file, run alone: the stack is shared and the
// machine has two cores.
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    // Backstops above the tests' own waits (they poll page state with time-outs of their own).
    testTimeout: 240_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.local/e2e-report.json' },
  },
});
