/**
 * Values the integration global setup (test/setup/global-setup.ts) hands to every test file.
 * Read them with `inject('kafkaBrokers')` / `inject('redisUrl')` from vitest.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers, e.g. `['127.0.0.1:9092']`. */
    kafkaBrokers: string[];
    /** e.g. `redis://127.0.0.1:6379`. */
    redisUrl: string;
    /** How the setup got them: local processes (`local`) or testcontainers (`docker`). */
    infraMode: 'local' | 'docker';
    /**
     * This run's tag in every `uniquePrefix` (`t-<runTag>-<name>-<random>.`), so the global
     * teardown can delete the topics the run created.
     */
    runTag: string;
  }
}

/** The start of every `uniquePrefix` (test/setup/helpers.ts) of the run tagged `runTag`. */
export function runTopicPrefix(runTag: string): string {
  return `t-${runTag}-`;
}
