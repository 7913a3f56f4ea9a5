/**
 * One rules service instance, built from the components the caller owns: the producer (versions,
 * rules.sets, audit), the history read from `rules.versions` and `rules.sets`, backtest jobs kept in
 * Redis, token verification with the kit's auth helper, and the HTTP server (`/api/rules/*` with
 * `/healthz` `/readyz` `/metrics`). Used by index.ts and the integration tests, each passing its own
 * Kafka and Redis clients.
 *
 * `stop()` closes the server, cancels this instance's running backtests (they are saved as
 * cancelled), stops reading the history and closes the producer. It never closes the Redis client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RuleSet, Topic } from '@fenghuo/contracts';
import { builtinRuleSet } from '@fenghuo/engine';
import type { RedisClient } from '@fenghuo/kit';
import {
  AuthTokens,
  createMetricsRegistry,
  createOpsRouter,
  EventProducer,
  type Logger,
  redisReady,
  resolveAuthSecret,
  Shutdown,
} from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import { ruleAudit } from './audit.ts';
import { RedisBacktestStore } from './backtest/backtest-store.ts';
import { BacktestJobs } from './backtest/jobs.ts';
import type { RulesConfig } from './config.ts';
import { KafkaHistoryStore } from './history/kafka-history-store.ts';
import { RuleHistory } from './history/rule-history.ts';
import { createApp } from './http/app.ts';

export interface RulesComponents {
  readonly config: RulesConfig;
  readonly logger: Logger;
  /** The caller's Kafka client; the service makes its producer, consumers and admin from it. */
  readonly kafka: Kafka;
  /** The caller's Redis client (write lock, backtests); the caller closes it. */
  readonly redis: RedisClient;
  /**
   * The rule sets processors run until a version is published, listed as version 1 of their set.
   * @defaultValue the engine's built-in fraud pack
   */
  readonly defaults?: readonly RuleSet[];
  /**
   * Where the service's metrics (and, for a new one, Node's default metrics) are registered.
   * @defaultValue a new registry labelled `service="rules"`
   */
  readonly registry?: Registry;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

export interface RunningRules {
  readonly server: Server;
  /** `http://host:port` the server listens on. */
  readonly url: string;
  readonly history: KafkaHistoryStore;
  readonly jobs: BacktestJobs;
  /** Idempotent. */
  stop(): Promise<void>;
}

export async function startRules(components: RulesComponents): Promise<RunningRules> {
  const { config, logger, kafka, redis } = components;
  const now = components.now ?? Date.now;
  const shutdown = new Shutdown(logger);
  try {
    // Fail on a bad AUTH_JWT_SECRET before touching Kafka.
    const tokens = new AuthTokens({ secret: resolveAuthSecret(config) });
    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    await producer.connect();
    shutdown.add('producer', () => producer.close());
    await producer.warmUp([Topic.RulesVersions, Topic.RulesSets, Topic.AuditEvents]);

    const history = await KafkaHistoryStore.start({
      kafka,
      logger,
      producer,
      redis,
      history: new RuleHistory(components.defaults ?? [builtinRuleSet]),
      groupId: config.groupId,
      topicPrefix: config.kafkaTopicPrefix,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      lockMs: config.writeLockMs,
      recoveryAudit: (rs) =>
        ruleAudit(
          {
            user: { username: 'rules-service' },
            ruleSetId: rs.ruleSetId,
            change: 'republished_after_restart',
            details: { ruleSetVersion: rs.ruleSetVersion },
          },
          now(),
        ),
    });
    shutdown.add('history', () => history.close());

    const jobs = new BacktestJobs({
      store: new RedisBacktestStore(redis, config.backtestKeepDays),
      logger,
      maxRunning: config.backtestsAtOnce,
      workers: config.backtestWorkers,
      now,
    });
    shutdown.add('backtests', () => jobs.stop());

    const registry = components.registry ?? createMetricsRegistry('rules');
    new Gauge({
      name: 'fenghuo_rules_backtests_running',
      help: 'Backtests running on this instance',
      registers: [registry],
      collect() {
        this.set(jobs.runningCount);
      },
    });
    new Gauge({
      name: 'fenghuo_rules_sets',
      help: 'Rule sets this instance knows of',
      registers: [registry],
      collect() {
        this.set(history.history.sets().length);
      },
    });
    const ops = createOpsRouter({
      service: 'rules',
      registry,
      checks: { redis: () => redisReady(redis) },
    });
    const app = createApp(
      {
        logger,
        store: history,
        jobs,
        tokens,
        kafka: { kafka, topicPrefix: config.kafkaTopicPrefix, logger },
        ops,
        now,
      },
      { bodyLimitBytes: config.bodyLimitBytes, uploadLimitBytes: config.uploadLimitBytes },
    );
    const server = createServer(app);
    // Backtest uploads can be large; a slow client must not be cut off at Node's 5-minute default.
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Registered last, so it closes first: no new request reaches a closing history.
    shutdown.add('http server', async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    logger.info({ url, sets: history.history.sets().length }, 'rules service running');
    return { server, url, history, jobs, stop: () => shutdown.close('rules stop') };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}
