/**
 * Vitest global setup for the `integration` project: makes a real Kafka broker and Redis available
 * and hands their addresses to tests (`inject('kafkaBrokers')`, `inject('redisUrl')`).
 *
 * - A Docker engine answers → Kafka (apache/kafka, KRaft) and Redis containers via testcontainers,
 *   removed at teardown.
 * - Otherwise → the local processes of infra/scripts/local-infra.ts. Already up: reused and left
 *   running. Started here: stopped at teardown, unless FENGHUO_KEEP_INFRA=1.
 *
 * Every test prefixes its topics with `uniquePrefix`, which carries this run's tag; at teardown the
 * run's topics are deleted from a local broker, which outlives the run.
 *
 * FENGHUO_INFRA=local|docker skips the probe and forces a mode.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';
import type { TestProject } from 'vitest/node';
import { downLocal, localInfraConfig, upLocal } from '../../infra/scripts/local-infra.ts';
import { freePort } from './free-port.ts';
import { runTopicPrefix } from './provided-context.ts';

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

interface Infra {
  readonly brokers: string[];
  readonly teardown: Teardown;
}

async function setupDocker(project: TestProject): Promise<Infra> {
  const started = Date.now();
  const [kafka, redis] = await Promise.all([startKafkaContainer(), startRedisContainer()]);
  project.provide('kafkaBrokers', kafka.brokers);
  project.provide('redisUrl', redis.url);
  project.provide('infraMode', 'docker');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  say(
    `mode docker: ${KAFKA_IMAGE} at ${kafka.brokers.join(',')}, ${REDIS_IMAGE} at ${redis.url} (${secs} s)`,
  );
  return {
    brokers: kafka.brokers,
    teardown: async () => {
      await Promise.allSettled([kafka.container.stop(), redis.container.stop()]);
    },
  };
}

async function setupLocal(project: TestProject): Promise<Infra> {
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
  const teardown = async () => {
    if (reused) return;
    if (keep) {
      say('FENGHUO_KEEP_INFRA=1: leaving local Kafka and Redis running (npm run infra:down stops them)');
      return;
    }
    await downLocal(config, { services: result.started });
  };
  return { brokers: result.kafkaBrokers, teardown };
}

/**
 * Deletes every topic whose name starts with `prefix`. Each test file creates the whole catalogue
 * under its own prefix (about 90 partitions); left behind on a shared broker, they add up run after
 * run until the broker runs out of file handles ("Too many open files") and stops.
 */
async function deleteRunTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-global-teardown', brokers, logLevel: logLevel.NOTHING }).admin();
  const started = Date.now();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    for (let i = 0; i < mine.length; i += 200) {
      await admin.deleteTopics({ topics: mine.slice(i, i + 200), timeout: 60_000 });
    }
    say(
      `deleted this run's ${mine.length} topics (${prefix}*) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    say(`could not delete this run's topics (${prefix}*): ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<Teardown> {
  const forced = process.env.FENGHUO_INFRA;
  if (forced !== undefined && forced !== 'local' && forced !== 'docker') {
    throw new Error(`FENGHUO_INFRA must be "local" or "docker", got "${forced}"`);
  }
  const runTag = randomBytes(3).toString('hex');
  project.provide('runTag', runTag);
  const useDocker = forced === 'docker' || (forced === undefined && (await dockerAnswers()));
  const infra = useDocker ? await setupDocker(project) : await setupLocal(project);
  return async () => {
    // Containers go with their topics; a local broker outlives the run.
    if (!useDocker) await deleteRunTopics(infra.brokers, runTopicPrefix(runTag));
    await infra.teardown();
  };
}
