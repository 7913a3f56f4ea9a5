/** The kafkajs client, wired to the service's pino logger and the topic prefix. */
import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import type { ConfigOf, kafkaConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { noDelaySocketFactory } from './socket.ts';

export type KafkaSettings = ConfigOf<typeof kafkaConfig>;

const LEVELS: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs's log creator bridged into pino, one child logger per kafkajs namespace. */
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
      base[LEVELS[level]]({ namespace, ...extra }, message);
    };
}

export interface CreateKafkaOptions {
  /** Overrides for the kafkajs client (connection and request time-outs, retry). */
  readonly client?: Partial<KafkaConfig>;
}

export function createKafka(settings: KafkaSettings, logger: Logger, opts: CreateKafkaOptions = {}): Kafka {
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
