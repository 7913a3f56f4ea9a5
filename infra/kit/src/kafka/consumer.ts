/**
 * Consuming contract events: each message is decoded once, at the boundary, with its topic's
 * codec. Messages that fail validation go to `<topic>.dlq` with the error in headers; the valid
 * ones reach the handler one partition batch at a time; the batch's offsets are committed only
 * after the handler resolved (at-least-once: handlers make their effects idempotent).
 *
 * A handler error that is retriable (or unknown) is thrown to kafkajs, which restarts from the last
 * committed offset with back-off. A non-retriable error makes the batch run again one event at a
 * time, so only the poison event goes to the dead-letter topic and the rest are processed.
 */
import { bindingFor, type TopicEventMap, type TopicName } from '@fenghuo/contracts';
import type {
  Batch,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
} from 'kafkajs';
import { FenghuoError, isRetriable } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { prefixedTopic } from './client.ts';
import { correlationIdOf } from './correlation.ts';
import { type DeadLetterReason, deadLetterRecord, deadLetterTopicFor } from './dead-letter.ts';
import type { EventProducer } from './producer.ts';

export interface ConsumedEvent<E> {
  readonly event: E;
  readonly key: string | null;
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp (ms since epoch) of the record. */
  readonly timestamp: number;
  readonly headers: IHeaders;
  /** The `correlation-id` header: carry it on to every event derived from this one. */
  readonly correlationId: string | undefined;
  /** Child logger with topic, partition, offset, key and correlation id. */
  readonly log: Logger;
}

export interface BatchContext {
  /** Real (prefixed) topic name. */
  readonly topic: string;
  readonly partition: number;
  /** Keep the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping; long handlers should finish early. */
  isRunning(): boolean;
}

export type BatchHandler<E> = (events: readonly ConsumedEvent<E>[], ctx: BatchContext) => Promise<void>;

export interface EventConsumerOptions<T extends TopicName> {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
  readonly topic: T;
  readonly handleBatch: BatchHandler<TopicEventMap[T]>;
  /** Publishes dead letters; share the service's producer. */
  readonly producer: EventProducer;
  /** @defaultValue `''` */
  readonly topicPrefix?: string;
  /**
   * Where a new group starts: the earliest record, or only new ones.
   * @defaultValue `true`
   */
  readonly fromBeginning?: boolean;
  /**
   * Partitions processed at once by this instance.
   * @defaultValue `1`
   */
  readonly partitionsConsumedConcurrently?: number;
  /** Overrides for the kafkajs consumer (session time-out, fetch sizes). */
  readonly consumer?: Partial<ConsumerConfig>;
  /**
   * Called when kafkajs gives up restarting the consumer (a non-retriable error): the instance no
   * longer consumes, so a service should exit and let its supervisor restart it.
   * @defaultValue logs the error at fatal level
   */
  readonly onCrash?: (error: Error) => void;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  /** Idempotent: lets the in-flight batch finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

/** Starts consuming; resolves once the consumer has joined and is running. */
export async function runEventConsumer<T extends TopicName>(
  opts: EventConsumerOptions<T>,
): Promise<RunningConsumer> {
  const binding = bindingFor(opts.topic);
  const realTopic = prefixedTopic(opts.topicPrefix ?? '', opts.topic);
  const dlq = deadLetterTopicFor(realTopic);
  const log = opts.logger.child({ component: 'consumer', topic: realTopic, groupId: opts.groupId });
  const consumer = opts.kafka.consumer({ groupId: opts.groupId, ...opts.consumer });

  const deadLetter = async (
    batch: Batch,
    items: readonly { message: KafkaMessage; reason: DeadLetterReason }[],
  ): Promise<void> => {
    if (items.length === 0) return;
    const messages = items.map(({ message, reason }) =>
      deadLetterRecord(
        { topic: realTopic, partition: batch.partition, message, groupId: opts.groupId },
        reason,
      ),
    );
    await opts.producer.sendRaw([{ topic: dlq, messages }]);
    for (const { message, reason } of items) {
      log.warn(
        { partition: batch.partition, offset: message.offset, code: reason.code },
        `dead-lettered: ${reason.message}`,
      );
    }
  };

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (batch.isEmpty() || !isRunning() || isStale()) return;
    const valid: ConsumedEvent<TopicEventMap[T]>[] = [];
    const messageOf = new Map<ConsumedEvent<TopicEventMap[T]>, KafkaMessage>();
    const invalid: { message: KafkaMessage; reason: DeadLetterReason }[] = [];
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? null;
      if (message.value === null) {
        invalid.push({
          message,
          reason: { code: 'EMPTY_VALUE', message: 'record has no value (tombstone)' },
        });
        continue;
      }
      const decoded = binding.codec.decode(message.value);
      if (!decoded.ok) {
        invalid.push({
          message,
          reason: {
            code: 'VALIDATION_FAILED',
            message: `${binding.codec.name}: ${decoded.errors.map((e) => `${e.path || '(event)'}: ${e.message}`).join('; ')}`,
            issues: decoded.errors,
          },
        });
        continue;
      }
      // The child logger is made on first use: pino builds redaction state per child, which cost
      // ~17% of the fraud scorer's CPU when made for every message.
      let child: Logger | undefined;
      const consumed: ConsumedEvent<TopicEventMap[T]> = {
        event: decoded.value,
        key,
        partition: batch.partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        headers: message.headers ?? {},
        correlationId: correlationIdOf(message.headers),
        get log(): Logger {
          child ??= log.child({
            partition: batch.partition,
            offset: message.offset,
            key,
            correlationId: correlationIdOf(message.headers),
          });
          return child;
        },
      };
      valid.push(consumed);
      messageOf.set(consumed, message);
    }

    await deadLetter(batch, invalid);
    const ctx: BatchContext = { topic: realTopic, partition: batch.partition, heartbeat, isRunning };
    if (valid.length > 0) {
      try {
        await opts.handleBatch(valid, ctx);
      } catch (err) {
        if (isRetriable(err) || !(err instanceof FenghuoError)) throw err;
        log.warn(
          { err, partition: batch.partition },
          'non-retriable batch failure: retrying one event at a time',
        );
        for (const item of valid) {
          try {
            await opts.handleBatch([item], ctx);
          } catch (itemErr) {
            if (isRetriable(itemErr) || !(itemErr instanceof FenghuoError)) throw itemErr;
            await deadLetter(batch, [
              { message: messageOf.get(item)!, reason: { code: itemErr.code, message: itemErr.message } },
            ]);
          }
        }
      }
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await consumer.commitOffsets([{ topic: realTopic, partition: batch.partition, offset: next }]);
  };

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    log.fatal({ err: payload.error }, 'consumer crashed and will not restart');
    opts.onCrash?.(payload.error);
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [realTopic], fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    consumer,
    stop() {
      stopping ??= (async () => {
        try {
          await consumer.stop();
        } finally {
          await consumer.disconnect();
        }
      })();
      return stopping;
    },
  };
}
