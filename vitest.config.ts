import { defineConfig } from 'vitest/config';

// Two projects share one run of `npm test`:
// - unit: `*.test.ts` beside the code, no broker, no Redis;
// - integration: `*.integration.test.ts` against the real Kafka broker and Redis, which the global
//   setup starts (testcontainers when a Docker engine answers, else the local infra scripts).
// Slower suites (end-to-end, reliability, browser) have their own npm scripts and configs.
export default defineConfig({
  test: {
    // Under CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.local/test-report.json' },
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests run first, on all workers; integration tests after, on at most two.
          sequence: { groupOrder: 0 },
          include: [
            '{contracts,infra,ingest,processors,dispatch-ui}/**/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.integration.test.ts', 'test/e2e/**', 'test/reliability/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['{contracts,infra,ingest,processors,dispatch-ui,test}/**/*.integration.test.ts'],
          exclude: ['**/node_modules/**', 'test/e2e/**', 'test/reliability/**'],
          globalSetup: ['test/setup/global-setup.ts'],
          // A backstop for hangs, above every test's own waits (they poll with time-outs of their
          // own): on a machine three times slower than ours, the scorer's SIGKILL-and-restart test
          // alone takes about half a minute.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
