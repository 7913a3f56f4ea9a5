/**
 * Wiring of one scorer instance: Kafka consumers on `fraud.indicators` (scoring),
 * `outcomes.labelled` (cooldowns) and `rules.sets` (hot reload), the alert producer, Redis state and
 * the ops server. Used by index.ts, the integration tests and the benchmark.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Topic } from '@fenghuo/contracts';
import { builtinRuleSet, compileRuleSet, createScorer, RedisStateStore } from '@fenghuo/engine';
import {
  createKafka,
  createMetricsRegistry,
  createRedis,
  EventProducer,
  type Logger,
  redisReady,
  runEventConsumer,
  Shutdown,
  startOpsServer,
} from '@fenghuo/kit';
import { Counter, Histogram } from 'prom-client';
import type { ScorerConfig } from './config.ts';
import { type HandlerDeps, handleIndicatorBatch, handleOutcomeBatch } from './handler.ts';
import { chunkBySize } from './publish.ts';
import { RulesSource } from './rules-source.ts';

export interface RunningScorer {
  readonly rules: RulesSource;
  readonly opsServer: Server | undefined;
  /** Idempotent: drains in-flight batches (their offsets are committed), then closes everything. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Called when a consumer crashed for good (kafkajs gave up restarting it): the instance no longer
   * scores, so the entry point exits and the supervisor restarts it.
   */
  readonly onFatal?: (err: unknown) => void;
}

export async function startScorer(
  config: ScorerConfig,
  logger: Logger,
  opts: StartOptions = {},
): Promise<RunningScorer> {
  const shutdown = new Shutdown(logger);
  try {
    const kafka = createKafka(config, logger);
    const redis = createRedis(config, logger, { connectionName: 'fraud-scorer' });
    shutdown.add('redis', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    await producer.connect();
    shutdown.add('producer', () => producer.close());

    const registry = createMetricsRegistry('fraud-scorer');
    const indicators = new Counter({
      name: 'scorer_indicators_total',
      help: 'Indicators scored',
      registers: [registry],
    });
    const duplicates = new Counter({
      name: 'scorer_duplicates_total',
      help: 'Redelivered indicators skipped',
      registers: [registry],
    });
    const alerts = new Counter({
      name: 'scorer_alerts_total',
      help: 'Alert revisions published',
      registers: [registry],
    });
    const conflicts = new Counter({
      name: 'scorer_state_conflicts_total',
      help: 'Lost compare-and-set writes',
      registers: [registry],
    });
    const batchSeconds = new Histogram({
      name: 'scorer_batch_seconds',
      help: 'Time to score and publish one partition batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });

    const rules = new RulesSource(compileRuleSet(builtinRuleSet), config.ruleSetId);
    const deps: HandlerDeps = {
      engine: createScorer({ rules: rules.current, store: new RedisStateStore(redis) }),
      publish: async (revisions) => {
        for (const chunk of chunkBySize(revisions.map((r) => r.alert)))
          await producer.send(Topic.AlertsRaised, chunk);
      },
    };

    // Every instance reads every rule set: a group of its own, from the start of the compacted topic.
    const instance = randomBytes(4).toString('hex');
    const rulesConsumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-rules-${instance}`,
      topic: Topic.RulesSets,
      onCrash: (err) => opts.onFatal?.(err),
      topicPrefix: config.kafkaTopicPrefix,
      fromBeginning: true,
      handleBatch: async (events) => {
        for (const { event, log } of events) {
          const r = rules.offer(event);
          if (r.applied) log.info({ ruleSetId: event.ruleSetId }, `rule set applied: ${r.reason}`);
          else log.info({ ruleSetId: event.ruleSetId }, `rule set ignored: ${r.reason}`);
        }
      },
    });
    shutdown.add('rules consumer', () => rulesConsumer.stop());

    const outcomes = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-outcomes`,
      topic: Topic.OutcomesLabelled,
      onCrash: (err) => opts.onFatal?.(err),
      topicPrefix: config.kafkaTopicPrefix,
      handleBatch: async (events) => {
        const stats = await handleOutcomeBatch(events, deps);
        alerts.inc(stats.revisions);
      },
    });
    shutdown.add('outcomes consumer', () => outcomes.stop());

    const scoring = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: config.groupId,
      topic: Topic.FraudIndicators,
      onCrash: (err) => opts.onFatal?.(err),
      topicPrefix: config.kafkaTopicPrefix,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      consumer: { maxBytesPerPartition: config.maxBytesPerPartition },
      handleBatch: async (events, ctx) => {
        const end = batchSeconds.startTimer();
        const stats = await handleIndicatorBatch(events, deps);
        end();
        indicators.inc(stats.events);
        duplicates.inc(stats.duplicates);
        alerts.inc(stats.revisions);
        conflicts.inc(stats.casConflicts);
        if (stats.revisions > 0) {
          logger.debug({ partition: ctx.partition, ...stats }, 'batch scored');
        }
      },
    });
    shutdown.add('indicator consumer', () => scoring.stop());

    let opsServer: Server | undefined;
    if (config.opsPort >= 0) {
      opsServer = await startOpsServer({
        service: 'fraud-scorer',
        registry,
        port: config.opsPort,
        host: config.opsHost,
        checks: { redis: () => redisReady(redis) },
      });
      const server = opsServer;
      shutdown.add('ops server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    logger.info(
      { groupId: config.groupId, ruleSet: `${rules.current().ruleSetId} v${rules.current().ruleSetVersion}` },
      'fraud scorer running',
    );
    return { rules, opsServer, stop: () => shutdown.close('stop') };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}
