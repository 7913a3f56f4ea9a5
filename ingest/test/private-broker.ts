/**
 * A private single-node Kafka for tests that stop the broker: the same local-infra scripts as
 * `npm run infra:up`, pointed at a temporary root on free ports, so the shared broker other engineers
 * use is never touched. The temporary root links `infra/` (template, log4j, pom) and the already
 * fetched jars of the checkout; Redis is the shared one (upLocal leaves a running Redis alone).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  downLocal,
  kafkaBrokers,
  type LocalInfraConfig,
  localInfraConfig,
  upLocal,
} from '../../infra/scripts/local-infra.ts';
import { freePort } from '../../test/setup/free-port.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PrivateBroker {
  readonly brokers: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP: the broker keeps its connections open but answers nothing (a hung machine). */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  /** Stops the broker and deletes its data. */
  destroy(): Promise<void>;
}

export async function privateBroker(redisPort: number): Promise<PrivateBroker> {
  const root = mkdtempSync(join(tmpdir(), 'ingest-kafka-'));
  symlinkSync(join(REPO_ROOT, 'infra'), join(root, 'infra'));
  mkdirSync(join(root, '.local/kafka'), { recursive: true });
  // Share the checkout's jar cache. It may not exist yet when the tests reuse a broker started from
  // another checkout; then upLocal fetches the jars into it through the link.
  mkdirSync(join(REPO_ROOT, '.local/kafka/libs'), { recursive: true });
  symlinkSync(join(REPO_ROOT, '.local/kafka/libs'), join(root, '.local/kafka/libs'));
  const config: LocalInfraConfig = localInfraConfig(
    {},
    {
      root,
      kafkaPort: await freePort(),
      controllerPort: await freePort(),
      redisPort,
      stopTimeoutMs: 20_000,
      log: (line) => {
        if (process.env.INGEST_TEST_LOG_LEVEL) console.log(`[private-kafka] ${line}`);
      },
    },
  );
  const pid = () => Number(readFileSync(join(root, '.local/kafka/kafka.pid'), 'utf8').trim());
  let frozen = false;
  return {
    brokers: kafkaBrokers(config),
    freeze() {
      process.kill(pid(), 'SIGSTOP');
      frozen = true;
    },
    thaw() {
      process.kill(pid(), 'SIGCONT');
      frozen = false;
    },
    async start() {
      await upLocal(config);
    },
    async stop() {
      await downLocal(config, { services: ['kafka'] });
    },
    async destroy() {
      if (frozen) process.kill(pid(), 'SIGCONT');
      await downLocal(config, { services: ['kafka'] });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
