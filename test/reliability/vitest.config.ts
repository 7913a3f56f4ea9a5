import { defineConfig } from 'vitest/config';

// The reliability suite (`npm run test:reliability`), the one to run before a release: real faults on
// the local three-broker Kafka cluster (`npm run infra:up -- --brokers 3`, which the global setup
// starts or reuses) with the services running against it. Not part of `npm test`: it kills and
// restarts brokers, which takes minutes. One file at a time: faults hit the whole cluster.
export default defineConfig({
  test: {
    name: 'reliability',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/reliability/**/*.reliability.test.ts'],
    globalSetup: ['test/reliability/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    // Backstops above the tests' own waits (they poll with time-outs of their own).
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.local/reliability-report.json' },
  },
});
