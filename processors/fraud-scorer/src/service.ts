/**
 * One scorer instance, built from the components the caller owns: Kafka consumers on
 * `fraud.indicators` (scoring), `outcomes.labelled` (close + cooldown) and `rules.sets` (hot reload of
 * the live version, and of a shadow version scored beside it into `alerts.shadow`),
 * the alert producer, the engine with its Redis state, and the ops server. Used by index.ts, the
 * integration tests and the benchmark, each passing its own Kafka and Redis clients.
 *
 * `stop()` drains in-flight batches (their offsets are committed), then closes what the scorer made
 * (consumers, producer, ops server). It never closes the Redis client or anything else it was given.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { isShadow, Topic } from '@fenghuo/contracts';
import { builtinRuleSet, compileRuleSet, createScorer, RedisStateStore } from '@fenghuo/engine';
import type { RedisClient } from '@fenghuo/kit';
import {
  createMetricsRegistry,
  EventProducer,
  type Logger,
  type RunningConsumer,
  redisReady,
  runEventConsumer,
  Shutdown,
  startOpsServer,
} from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ScorerConfig } from './config.ts';
import { type HandlerDeps, handleIndicatorBatch, handleOutcomeBatch } from './handler.ts';
import { createScorerMetrics } from './metrics.ts';
import { createAlertPublisher } from './publish.ts';
import { RulesSource } from './rules-source.ts';
import { type ShadowDeps, ShadowRules, shadowEngines, shadowNamespace } from './shadow.ts';

export interface ScorerComponents {
  readonly config: ScorerConfig;
  readonly logger: Logger;
  /** The caller's Kafka client; the scorer makes its producer and consumers from it. */
  readonly kafka: Kafka;
  /** The caller's Redis client (state); the caller closes it. */
  readonly redis: RedisClient;
  /**
   * Wall time for the engine (state expiry); scoring itself runs on event time.
   * @defaultValue `Date.now`
   */
  readonly clock?: () => number;
  /**
   * Where the scorer's metrics (and, for a new one, Node's default metrics) are registered.
   * @defaultValue a new registry labelled `service="fraud-scorer"`
   */
  readonly registry?: Registry;
  /**
   * Called when a consumer crashed for good (kafkajs gave up restarting it): the instance no longer
   * scores, so the entry point closes and exits 1 and the supervisor restarts it.
   * @defaultValue none (the kit logs the crash at fatal level)
   */
  readonly onFatal?: (err: unknown) => void;
}

export interface RunningScorer {
  readonly rules: RulesSource;
  /** The shadow version in force, if any. */
  readonly shadowRules: ShadowRules;
  readonly opsServer: Server | undefined;
  /** Idempotent: drains in-flight batches (their offsets are committed), then closes what it made. */
  stop(): Promise<void>;
}

export async function startScorer(components: ScorerComponents): Promise<RunningScorer> {
  const { config, logger, kafka, redis, onFatal } = components;
  const shutdown = new Shutdown(logger);
  try {
    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    await producer.connect();
    shutdown.add('producer', () => producer.close());

    const registry = components.registry ?? createMetricsRegistry('fraud-scorer');
    const metrics = createScorerMetrics(registry);
    const rules = new RulesSource(compileRuleSet(builtinRuleSet), config.ruleSetId);
    const shadowRules = new ShadowRules(config.ruleSetId);
    const clock = components.clock === undefined ? {} : { clock: components.clock };
    const shadow: ShadowDeps = {
      engine: shadowEngines({
        rules: shadowRules,
        storeFor: (id, version) => new RedisStateStore(redis, { namespace: shadowNamespace(id, version) }),
        ...clock,
      }),
      publish: createAlertPublisher(producer, {
        topicPrefix: config.kafkaTopicPrefix,
        topic: Topic.AlertsShadow,
      }),
      onFailure: (err) => {
        metrics.shadowFailures.inc();
        logger.warn({ err }, 'shadow rule set failed on a batch (skipped; live scoring unaffected)');
      },
      onRevisions: (stats) => metrics.shadowAlerts.inc(stats.revisions),
    };
    const deps: HandlerDeps = {
      engine: createScorer({ rules: rules.current, store: new RedisStateStore(redis), ...clock }),
      publish: createAlertPublisher(producer, { topicPrefix: config.kafkaTopicPrefix }),
      ...(config.shadow ? { shadow } : {}),
    };
    const onCrash = (err: Error) => onFatal?.(err);
    // Consumers stop together: each waits for its in-flight fetch (up to kafkajs's maxWaitTimeInMs).
    const consumers: RunningConsumer[] = [];
    shutdown.add('consumers', async () => {
      await Promise.all(consumers.map((c) => c.stop()));
    });

    // Every instance reads every rule set: a group of its own, from the start of the compacted topic.
    const instance = randomBytes(4).toString('hex');
    const rulesConsumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-rules-${instance}`,
      topic: Topic.RulesSets,
      onCrash,
      topicPrefix: config.kafkaTopicPrefix,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      fromBeginning: true,
      handleBatch: async (events) => {
        for (const { event, log } of events) {
          const r = isShadow(event) ? shadowRules.offer(event) : rules.offer(event);
          if (r.applied) log.info({ ruleSetId: event.ruleSetId }, `rule set applied: ${r.reason}`);
          else log.info({ ruleSetId: event.ruleSetId }, `rule set ignored: ${r.reason}`);
        }
      },
    });
    consumers.push(rulesConsumer);

    const outcomes = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-outcomes`,
      topic: Topic.OutcomesLabelled,
      onCrash,
      topicPrefix: config.kafkaTopicPrefix,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      handleBatch: async (events) => {
        const stats = await handleOutcomeBatch(events, deps);
        metrics.alerts.inc(stats.revisions);
      },
    });
    consumers.push(outcomes);

    const scoring = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: config.groupId,
      topic: Topic.FraudIndicators,
      onCrash,
      topicPrefix: config.kafkaTopicPrefix,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      consumer: { maxBytesPerPartition: config.maxBytesPerPartition },
      handleBatch: async (events, ctx) => {
        const end = metrics.batchSeconds.startTimer();
        const stats = await handleIndicatorBatch(events, deps);
        end();
        metrics.indicators.inc(stats.events);
        metrics.duplicates.inc(stats.duplicates);
        metrics.alerts.inc(stats.revisions);
        metrics.conflicts.inc(stats.casConflicts);
        if (stats.revisions > 0) logger.debug({ partition: ctx.partition, ...stats }, 'batch scored');
      },
    });
    consumers.push(scoring);

    let opsServer: Server | undefined;
    if (config.opsPort >= 0) {
      const server = await startOpsServer({
        service: 'fraud-scorer',
        registry,
        port: config.opsPort,
        host: config.opsHost,
        checks: { redis: () => redisReady(redis) },
      });
      opsServer = server;
      shutdown.add('ops server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    logger.info(
      { groupId: config.groupId, ruleSet: `${rules.current().ruleSetId} v${rules.current().ruleSetVersion}` },
      'fraud scorer running',
    );
    return { rules, shadowRules, opsServer, stop: () => shutdown.close('scorer stop') };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}
