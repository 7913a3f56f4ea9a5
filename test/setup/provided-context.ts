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
  }
}

export {};
