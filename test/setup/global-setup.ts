/**
 * Vitest global setup for the `integration` project: makes a real Kafka broker and Redis available
 * and hands their addresses to tests (`inject('kafkaBrokers')`, `inject('redisUrl')`).
 *
 * - A Docker engine answers → Kafka (apache/kafka, KRaft) and Redis containers via testcontainers,
 *   removed at teardown.
 * - Otherwise → the local processes of infra/scripts/local-infra.ts. Already up: reused and left
 *   running. Started here: stopped at teardown, unless FENGHUO_KEEP_INFRA=1.
 *
 * FENGHUO_INFRA=local|docker skips the probe and forces a mode.
 */
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';
import type { TestProject } from 'vitest/node';
import { downLocal, localInfraConfig, upLocal } from '../../infra/scripts/local-infra.ts';
import './provided-context.ts';
import { freePort } from './free-port.ts';

/** Keep in step with infra/docker-compose.yml and infra/kafka/pom.xml. */
export const KAFKA_IMAGE = 'apache/kafka:3.9.2';
export const REDIS_IMAGE = 'redis:7.4.2';

const DOCKER_PROBE_TIMEOUT_MS = 5_000;

type Teardown = () => Promise<void>;

function say(line: string): void {
  console.log(`[global-setup] ${line}`);
}

/** True when testcontainers finds a working container runtime; never waits longer than the time-out. */
async function dockerAnswers(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DOCKER_PROBE_TIMEOUT_MS);
  });
  const probe = getContainerRuntimeClient().then(
    () => true,
    () => false, // "Could not find a working container runtime strategy"
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * KRaft single node. The client listener is published on a fixed free host port chosen up front, because
 * Kafka must advertise the address clients use and the mapped port is otherwise known only after start.
 */
async function startKafkaContainer(): Promise<{ container: StartedTestContainer; brokers: string[] }> {
  const hostPort = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_HEAP_OPTS: '-Xmx1g -Xms256m',
    })
    .withExposedPorts({ container: 9092, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
    .withStartupTimeout(120_000)
    .start();
  return { container, brokers: [`127.0.0.1:${hostPort}`] };
}

async function startRedisContainer(): Promise<{ container: StartedTestContainer; url: string }> {
  const container = await new GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  return { container, url: `redis://${container.getHost()}:${container.getMappedPort(6379)}` };
}

async function setupDocker(project: TestProject): Promise<Teardown> {
  const started = Date.now();
  const [kafka, redis] = await Promise.all([startKafkaContainer(), startRedisContainer()]);
  project.provide('kafkaBrokers', kafka.brokers);
  project.provide('redisUrl', redis.url);
  project.provide('infraMode', 'docker');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  say(
    `mode docker: ${KAFKA_IMAGE} at ${kafka.brokers.join(',')}, ${REDIS_IMAGE} at ${redis.url} (${secs} s)`,
  );
  return async () => {
    await Promise.allSettled([kafka.container.stop(), redis.container.stop()]);
  };
}

async function setupLocal(project: TestProject): Promise<Teardown> {
  const config = localInfraConfig(process.env, { log: (line) => say(line) });
  const result = await upLocal(config);
  project.provide('kafkaBrokers', result.kafkaBrokers);
  project.provide('redisUrl', result.redisUrl);
  project.provide('infraMode', 'local');
  const reused = result.started.length === 0;
  say(
    `mode local: kafka ${result.kafkaBrokers.join(',')}, redis ${result.redisUrl} ` +
      (reused ? '(already running; left running)' : `(started ${result.started.join(', ')} for this run)`),
  );
  const keep = process.env.FENGHUO_KEEP_INFRA === '1';
  return async () => {
    if (reused) return;
    if (keep) {
      say('FENGHUO_KEEP_INFRA=1: leaving local Kafka and Redis running (npm run infra:down stops them)');
      return;
    }
    await downLocal(config, { services: result.started });
  };
}

export default async function setup(project: TestProject): Promise<Teardown> {
  const forced = process.env.FENGHUO_INFRA;
  if (forced !== undefined && forced !== 'local' && forced !== 'docker') {
    throw new Error(`FENGHUO_INFRA must be "local" or "docker", got "${forced}"`);
  }
  const useDocker = forced === 'docker' || (forced === undefined && (await dockerAnswers()));
  return useDocker ? setupDocker(project) : setupLocal(project);
}
