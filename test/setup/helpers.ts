/**
 * Helpers for integration tests against the real broker and Redis: unique names so tests never share
 * topics, groups or keys; waiting by polling with a time-out instead of sleeping; consuming N messages
 * with a consumer that is always disconnected.
 */
import { randomBytes } from 'node:crypto';
import { createLogger, pinoLogCreator } from '@fenghuo/kit';
import { type IHeaders, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { inject } from 'vitest';
import { runTopicPrefix } from './provided-context.ts';

export { runTopicPrefix };

/**
 * Where test clients log: kafkajs through the kit's bridge (the retried answers of a broker still
 * creating a topic are debug there), at `TEST_LOG_LEVEL` (default `warn`).
 */
export const testLogger = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'warn' });

/**
 * `t-<run>-<name>-<random>.`: prepend to topic names, consumer groups and Redis keys of one test.
 * `<run>` is the integration run's tag (see `runTopicPrefix`): its global teardown deletes every topic
 * under it, so runs do not pile up topics on a shared broker.
 */
export function uniquePrefix(name: string): string {
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 40);
  return `${runTopicPrefix(inject('runTag') ?? 'x')}${safe}-${randomBytes(4).toString('hex')}.`;
}

export interface WaitForOptions {
  /** @defaultValue 10000 */
  readonly timeoutMs?: number;
  /** @defaultValue 100 */
  readonly intervalMs?: number;
  /** What we were waiting for, for the error. @defaultValue 'condition' */
  readonly message?: string;
}

/**
 * Calls `fn` every `intervalMs` until it returns a truthy value (which is returned) or the time-out
 * passes. A throwing `fn` counts as "not yet"; the last error is included in the time-out error.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 100, message = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`waitFor: ${message} not met within ${timeoutMs} ms${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A kafkajs client for the broker the global setup provided. */
export function testKafka(clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: inject('kafkaBrokers'),
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(testLogger),
    ...overrides,
  });
}

export function testRedisUrl(): string {
  return inject('redisUrl');
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: IHeaders;
}

export interface ConsumeOptions {
  readonly topic: string;
  /** Resolve once this many messages have arrived. */
  readonly count: number;
  /** @defaultValue a unique group id */
  readonly groupId?: string;
  /** @defaultValue true */
  readonly fromBeginning?: boolean;
  /** @defaultValue 20000 */
  readonly timeoutMs?: number;
  /** Keep only the messages this accepts (the others are read and dropped). @defaultValue all */
  readonly match?: (message: ConsumedMessage) => boolean;
}

/**
 * Consumes `count` messages from `topic` in a consumer group and returns them (keys and values as
 * UTF-8). Fails with how many arrived when the time-out passes; the consumer is disconnected either way.
 */
export async function consumeMessages(kafka: Kafka, opts: ConsumeOptions): Promise<ConsumedMessage[]> {
  const { topic, count, fromBeginning = true, timeoutMs = 20_000 } = opts;
  const groupId = opts.groupId ?? `${uniquePrefix('consume')}group`;
  // Short fetch waits: disconnect() waits for the in-flight fetch, which otherwise long-polls for 5 s.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const received: ConsumedMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const m: ConsumedMessage = {
          topic: t,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers: message.headers ?? {},
        };
        if (!opts.match || opts.match(m)) received.push(m);
      },
    });
    try {
      await waitFor(() => received.length >= count, { timeoutMs, intervalMs: 50 });
    } catch {
      throw new Error(
        `consumeMessages: got ${received.length} of ${count} messages from ${topic} in ${timeoutMs} ms`,
      );
    }
    return received.slice(0, count);
  } finally {
    await consumer.disconnect();
  }
}
