/**
 * A running ingest from its components: the key store, the Kafka producer behind the event gate,
 * metrics and the HTTP app, on the Kafka client and Redis connection it is given. `index.ts` and
 * the integration tests both use it (tests hand it real but private clients), so tests exercise
 * exactly the production wiring. It never closes what it was given.
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import type { RedisClient } from '@fenghuo/kit';
import {
  type Clock,
  ContactStore,
  createKafka,
  createMetricsRegistry,
  createOpsRouter,
  createRedis,
  EventProducer,
  type Logger,
  loadAccountHashKey,
  loadContactStoreKey,
  redisReady,
  retryWithin,
  systemClock,
  TransactionalProducer,
  withAdmin,
} from '@fenghuo/kit';
import type { Express } from 'express';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createApp } from './app.ts';
import type { IngestConfig } from './config.ts';
import { RedisDedupeStore } from './dedupe.ts';
import { EventGate } from './event-gate.ts';
import { KeyStore } from './key-store.ts';
import { KIND_TOPIC } from './kinds.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { type IngestProducer, ProducerPool, transactionalIds } from './producer-pool.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';
import { ValidatedEventSender } from './validated-sender.ts';

export const SERVICE = 'ingest';

/** How long ingest waits at start for Kafka to serve its topics before it gives up. */
export const KAFKA_WARM_UP_MS = 60_000;

/**
 * The coordinator aborts an ingest transaction left open this long (a process killed between send
 * and commit, whose successor does not reuse its transactionalId). Read_committed consumers of its
 * partitions wait for that, so it is short: a transaction normally lasts a few ms to a few hundred,
 * and one that takes longer has failed its requests anyway (INGEST_SEND_TIMEOUT_MS).
 */
export const TRANSACTION_TIMEOUT_MS = 10_000;

/** What ingest runs on. Everything here belongs to the caller, who closes it after `stop()`. */
export interface IngestComponents {
  readonly config: IngestConfig;
  readonly logger: Logger;
  /** A client from {@link createIngestKafka} (its time-outs keep answers within the send time-out). */
  readonly kafka: Kafka;
  /** A connection from {@link createIngestRedis}. */
  readonly redis: RedisClient;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** @defaultValue a new registry with Node's process metrics */
  readonly registry?: Registry;
}

export interface RunningIngest {
  readonly app: Express;
  readonly keys: KeyStore;
  readonly gate: EventGate;
  /** Transactional producers (a pool), or the idempotent `EventProducer` with INGEST_TRANSACTIONS=false. */
  readonly producer: IngestProducer;
  readonly registry: Registry;
  readonly metrics: IngestMetrics;
  /**
   * Stops the key watcher and the Kafka probe and disconnects the producer. Leaves the Kafka client,
   * Redis and the HTTP server to their owners. Idempotent.
   */
  stop(): Promise<void>;
}

/** Kafka client settings that fail fast: a request never waits on a dead broker for long. */
export function createIngestKafka(config: IngestConfig, logger: Logger): Kafka {
  return createKafka(config, logger, {
    client: {
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    },
  });
}

/** One try per command: a Redis outage answers 503 at once instead of queueing requests. */
export function createIngestRedis(config: IngestConfig, logger: Logger): RedisClient {
  return createRedis(config, logger, { connectionName: SERVICE, options: { maxRetriesPerRequest: 1 } });
}

/**
 * Starts ingest and resolves once it can take events: the producer is connected, has its producer
 * id and the metadata of every ingest topic, and every partition's leader serves it
 * (`EventProducer.warmUp`). A first request therefore never pays for that, and ingest never calls
 * Kafka unavailable because a topic is seconds old.
 */
export async function startIngest(components: IngestComponents): Promise<RunningIngest> {
  const { config, logger, kafka, redis } = components;
  const clock = components.clock ?? systemClock;
  // The privacy keys first: a production ingest without them does not start (ConfigError).
  const contactKey = loadContactStoreKey(config);
  const accountKey = loadAccountHashKey(config);
  const keys = new KeyStore(resolve(config.keysFile));
  keys.watch(1_000, (err) => logger.error({ err }, 'key file unreadable; keeping the last good copy'));

  // Retries of a broker's passing answers ("does not host this topic-partition" while a leader
  // moves) fit inside the send time-out; beyond it the gate answers 503 anyway. A retry by the
  // client of a request answered 202 is a duplicate by its dedupe claims; one answered 503 after a
  // failed send is written once because that send's transaction was aborted.
  const producer = createIngestProducer(kafka, logger, config);
  const registry = components.registry ?? createMetricsRegistry(SERVICE);
  const metrics = createIngestMetrics(registry);
  const gate = new EventGate(new ValidatedEventSender(producer, config.kafkaTopicPrefix), {
    sendTimeoutMs: config.sendTimeoutMs,
    latencyBudgetMs: config.latencyBudgetMs,
    // One coalesced send per transactional producer at a time (the idempotent producer: one).
    maxInFlight: config.transactions ? config.transactionalProducers : 1,
    onShed: (_estimatedMs, events) => {
      metrics.shedRequests.inc();
      metrics.shedEvents.inc(events);
    },
    healthProbe: () => withAdmin(kafka, async (admin) => void (await admin.describeCluster())),
    onStateChange: (open, cause) => {
      metrics.kafkaCircuitOpen.set(open ? 1 : 0);
      if (open) logger.error({ err: cause }, 'Kafka unavailable: answering 503 until it returns');
      else logger.info('Kafka available again');
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      keys.stopWatching();
      gate.stop();
      await producer.close();
    })();
    return stopping;
  };

  try {
    await producer.warmUp(Object.values(KIND_TOPIC), { timeoutMs: KAFKA_WARM_UP_MS });
  } catch (err) {
    await stop();
    throw err;
  }

  const app = createApp(
    {
      logger,
      keys,
      gate,
      residents: {
        contacts: new ContactStore(redis, contactKey, { now: () => new Date(clock.now()) }),
        accountKey,
      },
      dedupe: new RedisDedupeStore(redis, {
        pendingTtlMs: config.pendingTtlMs,
        windowSec: config.dedupeWindowSec,
      }),
      sourceLimiter: new TokenBucketLimiter({
        ratePerSec: config.sourceRatePerSec,
        burst: config.sourceBurst,
      }),
      deviceLimiter: new TokenBucketLimiter({
        ratePerSec: config.deviceRatePerSec,
        burst: config.deviceBurst,
      }),
      metrics,
      warn: (obj, msg) => logger.warn(obj, msg),
      now: () => clock.now(),
      ops: createOpsRouter({
        service: SERVICE,
        registry,
        checks: { kafka: () => gate.healthy, redis: () => redisReady(redis) },
      }),
    },
    config,
  );
  return { app, keys, gate, producer, registry, metrics, stop };
}

/**
 * Ingest's writer: INGEST_TXN_PRODUCERS transactional producers (exactly once; the default), or the
 * idempotent producer with INGEST_TRANSACTIONS=false (at least once: a retried ambiguous send can be
 * written twice).
 */
export function createIngestProducer(kafka: Kafka, logger: Logger, config: IngestConfig): IngestProducer {
  const common = {
    topicPrefix: config.kafkaTopicPrefix,
    ackTimeoutMs: 5_000,
    producer: { retry: retryWithin(config.sendTimeoutMs) },
  };
  if (!config.transactions) return new EventProducer(kafka, logger, common);
  const members = transactionalIds(config.transactionalProducers, config.instanceId).map(
    (transactionalId) =>
      new TransactionalProducer(kafka, logger, {
        ...common,
        transactionalId,
        transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
        // An aborted attempt is tried again in a new transaction while half the send time-out lasts.
        attempts: 3,
        retryBudgetMs: Math.floor(config.sendTimeoutMs / 2),
      }),
  );
  logger.info(
    { transactionalIds: members.map((m) => m.transactionalId) },
    'writing to Kafka in transactions',
  );
  return members.length === 1 ? members[0]! : new ProducerPool(members);
}

/** Listens on `host:port` (0 picks a free port) and returns the server and its base URL. */
export async function listen(
  app: Express,
  port: number,
  host: string,
): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://${host}:${actual}` };
}

/** Stops taking connections and resolves once in-flight requests have been answered. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
