/** The kafkajs client, wired to the service's pino logger and the topic prefix. */
import { Kafka, type KafkaConfig, type logCreator, logLevel, type RetryOptions } from 'kafkajs';
import type { ConfigOf, kafkaConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { correctKafkajsReadCommitted } from './read-committed.ts';
import { noDelaySocketFactory } from './socket.ts';

export type KafkaSettings = ConfigOf<typeof kafkaConfig>;

const LEVELS: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Answers a broker gives while it starts, creates a topic, elects a leader or loads a group
 * coordinator. kafkajs retries every one of them, yet logs each answer at ERROR (connection level)
 * and each retried send at ERROR (producer level): a fresh start printed ~30 alarming lines. If the
 * retries run out, the caller gets the error and reports it, so nothing is hidden by logging these
 * at debug.
 */
export const TRANSIENT_BROKER_ANSWERS: readonly string[] = [
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server does not host this topic-partition',
  'This server is not the leader for that topic-partition',
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  'The group is rebalancing, so a rejoin is needed',
  'The leader epoch in the request is older than the epoch on the broker',
  'The leader epoch in the request is newer than the epoch on the broker',
  'The leader high watermark has not caught up from a recent leader election',
  // CONCURRENT_TRANSACTIONS: a transactional producer's next transaction asked while the broker still
  // writes the last one's markers (the audit writer's back-to-back transactions at start).
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
];

/** True when a kafkajs log entry reports one of {@link TRANSIENT_BROKER_ANSWERS}. */
export function isTransientBrokerAnswer(message: string, extra: Readonly<Record<string, unknown>>): boolean {
  const error = typeof extra.error === 'string' ? extra.error : '';
  return TRANSIENT_BROKER_ANSWERS.some((answer) => message.includes(answer) || error.includes(answer));
}

/**
 * kafkajs's log creator bridged into pino, one child logger per kafkajs namespace. Retriable broker
 * answers ({@link TRANSIENT_BROKER_ANSWERS}) are logged at debug, whatever level kafkajs gave them.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  const base = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _ts,
        logger: _name,
        ...extra
      } = log as Record<string, unknown> & {
        message: string;
      };
      const target =
        level <= logLevel.WARN && level !== logLevel.NOTHING && isTransientBrokerAnswer(message, extra)
          ? 'debug'
          : LEVELS[level];
      base[target]({ namespace, ...extra }, message);
    };
}

export interface CreateKafkaOptions {
  /** Overrides for the kafkajs client (connection and request time-outs, retry). */
  readonly client?: Partial<KafkaConfig>;
}

/**
 * A kafkajs client whose read_committed consumers never see an aborted record (kafkajs's own
 * filter can hand some over: see `read-committed.ts`).
 */
export function createKafka(settings: KafkaSettings, logger: Logger, opts: CreateKafkaOptions = {}): Kafka {
  correctKafkajsReadCommitted(); // already applied when this module loaded; a no-op then
  return new Kafka({
    clientId: settings.kafkaClientId,
    brokers: [...settings.kafkaBrokers],
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    socketFactory: noDelaySocketFactory,
    ...opts.client,
  });
}

/** The real topic name for a catalogue topic under `prefix` (empty in production). */
export function prefixedTopic(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}

/**
 * kafkajs retry settings whose back-offs add up to about `budgetMs`: a caller that must answer
 * within a budget (ingest's send time-out) still retries a broker's passing answers ("does not host
 * this topic-partition" for a topic seconds old, a leader moving) instead of failing on the first.
 */
export function retryWithin(budgetMs: number, initialRetryTimeMs = 100): RetryOptions {
  const maxRetryTime = Math.max(initialRetryTimeMs, Math.min(1_000, Math.floor(budgetMs / 3)));
  let retries = 0;
  let spent = 0;
  let wait = initialRetryTimeMs;
  while (spent + wait <= budgetMs && retries < 20) {
    spent += wait;
    retries += 1;
    wait = Math.min(wait * 2, maxRetryTime);
  }
  return { retries: Math.max(1, retries), initialRetryTime: initialRetryTimeMs, maxRetryTime, multiplier: 2 };
}
