/**
 * Builds a running ingest from its configuration: key store, Redis, the Kafka producer behind the
 * event gate, metrics and the HTTP app. `index.ts` and the integration tests both use it, so tests
 * exercise exactly the production wiring.
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import {
  createKafka,
  createMetricsRegistry,
  createOpsRouter,
  createRedis,
  EventProducer,
  type Logger,
  redisReady,
} from '@fenghuo/kit';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createApp } from './app.ts';
import type { IngestConfig } from './config.ts';
import { RedisDedupeStore } from './dedupe.ts';
import { EventGate } from './event-gate.ts';
import { KeyStore } from './key-store.ts';
import { createIngestMetrics } from './metrics.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';
import { ValidatedEventSender } from './validated-sender.ts';

export const SERVICE = 'ingest';

export interface IngestService {
  readonly app: Express;
  readonly keys: KeyStore;
  readonly gate: EventGate;
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  readonly redis: Redis;
  readonly registry: Registry;
  /** Stops the key watcher and probe, disconnects Kafka and Redis. Idempotent. */
  close(): Promise<void>;
}

/**
 * Bounded retries so a send to a dead broker fails within seconds instead of retrying forever
 * (kafkajs's default for idempotent producers). Exactly-once across client retries comes from the
 * dedupe claims, not from kafkajs's EoS.
 */
const FAIL_FAST_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 };

export async function createIngestService(config: IngestConfig, logger: Logger): Promise<IngestService> {
  const keys = new KeyStore(resolve(config.keysFile));
  keys.watch(1_000, (err) => logger.error({ err }, 'key file unreadable; keeping the last good copy'));

  const redis = createRedis(config, logger, {
    connectionName: SERVICE,
    options: { maxRetriesPerRequest: 1 },
  });
  const kafka = createKafka(config, logger, {
    client: {
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      retry: FAIL_FAST_RETRY,
    },
  });
  const producer = new EventProducer(kafka, logger, {
    topicPrefix: config.kafkaTopicPrefix,
    ackTimeoutMs: 5_000,
    producer: { retry: FAIL_FAST_RETRY },
  });
  const registry = createMetricsRegistry(SERVICE);
  const metrics = createIngestMetrics(registry);
  const gate = new EventGate(new ValidatedEventSender(producer, config.kafkaTopicPrefix), {
    sendTimeoutMs: config.sendTimeoutMs,
    healthProbe: async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
    onStateChange: (open, cause) => {
      metrics.kafkaCircuitOpen.set(open ? 1 : 0);
      if (open) logger.error({ err: cause }, 'Kafka unavailable: answering 503 until it returns');
      else logger.info('Kafka available again');
    },
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      keys.stopWatching();
      gate.stop();
      await producer.close();
      await redis.quit().catch(() => redis.disconnect());
    })();
    return closing;
  };

  try {
    await producer.connect();
  } catch (err) {
    await close();
    throw err;
  }

  const app = createApp(
    {
      logger,
      keys,
      gate,
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
      ops: createOpsRouter({
        service: SERVICE,
        registry,
        checks: { kafka: () => gate.healthy, redis: () => redisReady(redis) },
      }),
    },
    config,
  );
  return { app, keys, gate, kafka, producer, redis, registry, close };
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
