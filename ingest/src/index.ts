/**
 * Ingest service entry point: wiring only. Config → logger → key store → Redis → Kafka producer
 * behind the event gate → HTTP app → clean shutdown.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  createOpsRouter,
  createRedis,
  EventProducer,
  redisReady,
  runMain,
  Shutdown,
} from '@fenghuo/kit';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { RedisDedupeStore } from './dedupe.ts';
import { formatDemoKeys, issueDemoKeys } from './demo-sources.ts';
import { EventGate } from './event-gate.ts';
import { KeyStore } from './key-store.ts';
import { createIngestMetrics } from './metrics.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';

const SERVICE = 'ingest';
const bootLogger = createLogger({ service: SERVICE });

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const shutdown = new Shutdown(logger).onSignals();

  const keys = new KeyStore(resolve(config.keysFile));
  keys.watch(1_000, (err) => logger.error({ err }, 'key file unreadable; keeping the last good copy'));
  shutdown.add('key store', () => keys.stopWatching());

  const redis = createRedis(config, logger, {
    connectionName: SERVICE,
    options: { maxRetriesPerRequest: 1 },
  });
  shutdown.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });

  // Fail fast: bounded retries so a send to a dead broker errors within seconds, not forever.
  // Exactly-once across client retries comes from the dedupe claims, not from kafkajs's EoS.
  const kafka = createKafka(config, logger, {
    client: {
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    },
  });
  const producer = new EventProducer(kafka, logger, {
    topicPrefix: config.kafkaTopicPrefix,
    ackTimeoutMs: 5_000,
    producer: { retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 } },
  });
  const registry = createMetricsRegistry(SERVICE);
  const metrics = createIngestMetrics(registry);
  const gate = new EventGate(producer, {
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
  await producer.connect();
  shutdown.add('kafka producer', async () => {
    gate.stop();
    await producer.close();
  });

  const app = createApp(
    {
      logger,
      keys,
      gate,
      dedupe: new RedisDedupeStore(redis, { pendingTtlMs: config.pendingTtlMs }),
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

  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ok());
  });
  // Registered last, so it runs first: stop taking requests, let in-flight ones finish.
  shutdown.add('http server', () => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const baseUrl = `http://${config.host}:${port}`;
  logger.info(
    { url: baseUrl, keysFile: keys.path, topicPrefix: config.kafkaTopicPrefix },
    'ingest listening',
  );

  if (config.demo) console.log(formatDemoKeys(issueDemoKeys(keys), baseUrl));
}

runMain(bootLogger, main);
