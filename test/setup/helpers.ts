/**
 * Helpers for integration tests against the real broker and Redis: unique names so tests never share
 * topics, groups or keys; waiting by polling with a time-out instead of sleeping; consuming N messages
 * with a consumer that is always disconnected.
 */
import { randomBytes } from 'node:crypto';
import { createLogger, pinoLogCreator, waitForTopicsReady, withAdmin } from '@fenghuo/kit';
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
  /**
   * What we were waiting for, for the error; a function is called when the time-out passes (for
   * output gathered while waiting). @defaultValue 'condition'
   */
  readonly message?: string | (() => string);
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
      const what = typeof message === 'function' ? message() : message;
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms${cause}`, { cause: lastError });
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

/**
 * Creates plain topics for a test (one partition unless said) and waits until their leaders serve
 * them: kafkajs's own `waitForLeaders` can fail with "This server does not host this
 * topic-partition" while a new partition's leader is listed but not yet hosting it (seen pinned to
 * one core under load).
 */
export async function createTestTopics(
  kafka: Kafka,
  topics: readonly string[],
  numPartitions = 1,
): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions })),
      waitForLeaders: false,
    });
    await waitForTopicsReady(admin, topics);
  });
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

/**
 * Waits until consumer group `groupId` has committed, on every partition of `topic`, the end offset
 * the topic had when this was called: the group has handled everything sent before the call (our
 * services commit an input only after what they wrote for it is in the log, or in the same
 * transaction). The barrier for "nothing more will come from these inputs" that a fixed sleep only
 * guesses at, and on a slow machine guesses short.
 * @param opts.timeoutMs @defaultValue 60000
 */
export async function groupCommittedToEnd(
  kafka: Kafka,
  groupId: string,
  topic: string,
  opts: { readonly timeoutMs?: number } = {},
): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    let behind = '';
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        // A partition that never held a record has nothing to commit (the group's offset stays -1).
        // Past the end counts as done: inputs sent after the call may already be committed too.
        const lagging = ends.filter((e) => {
          if (e.high === e.low) return false;
          const at = committed?.partitions.find((p) => p.partition === e.partition)?.offset;
          return at === undefined || BigInt(at) < BigInt(e.high);
        });
        behind = lagging.map((e) => `${e.partition}@${e.high}`).join(', ');
        return lagging.length === 0;
      },
      {
        timeoutMs: opts.timeoutMs ?? 60_000,
        intervalMs: 200,
        message: () => `group ${groupId} committed to the ends of ${topic} (still behind: ${behind})`,
      },
    );
  });
}

export interface ReadAllOptions {
  /** @defaultValue a unique group id */
  readonly groupId?: string;
  /**
   * Read records of open and aborted transactions too (kafkajs's `readUncommitted`); every consumer
   * of ours reads committed only.
   * @defaultValue false
   */
  readonly readUncommitted?: boolean;
  /** @defaultValue 20000 */
  readonly timeoutMs?: number;
  /** Consumer overrides (e.g. `maxBytesPerPartition` for big topics). */
  readonly consumer?: { readonly maxBytesPerPartition?: number };
}

/**
 * Every record of `topic` visible to the isolation level, read up to the high watermarks of the
 * moment of the call. Counting to the high watermark does not work once a topic holds transactions
 * (their commit and abort markers and aborted records take offsets but are never delivered), so
 * this waits until the consumer's position passed the high watermark of every partition (kafkajs
 * reports batches of markers and aborted records too). Keys and values as UTF-8.
 */
export async function readAll(
  kafka: Kafka,
  topic: string,
  opts: ReadAllOptions = {},
): Promise<ConsumedMessage[]> {
  const { timeoutMs = 20_000, readUncommitted = false } = opts;
  /**
   * Where each partition ends, by the admin's ListOffsets, which kafkajs sends READ_COMMITTED: the
   * last stable offset. A transaction's commit returns before its markers are written, so right
   * after a 202 the LSO can still stand before that transaction's records; the ends are therefore
   * asked again once they are read, until they stop moving.
   */
  const fetchEnds = async (): Promise<Map<number, bigint>> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      // A partition with nothing left (high = low) has no batch to report.
      return new Map(offsets.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
  };
  let ends = await fetchEnds();
  if (ends.size === 0 && readUncommitted) return [];
  const positions = new Map<number, bigint>();
  const received: ConsumedMessage[] = [];
  const consumer = kafka.consumer({
    groupId: opts.groupId ?? `${uniquePrefix('read-all')}group`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    readUncommitted,
    ...(opts.consumer?.maxBytesPerPartition
      ? { maxBytesPerPartition: opts.consumer.maxBytesPerPartition }
      : {}),
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (positions.get(payload.partition) ?? 0n)) positions.set(payload.partition, next);
  });
  const reached = (target: Map<number, bigint>) =>
    [...target].every(([partition, high]) => (positions.get(partition) ?? 0n) >= high);
  const same = (a: Map<number, bigint>, b: Map<number, bigint>) =>
    a.size === b.size && [...a].every(([p, high]) => b.get(p) === high);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        received.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers: message.headers ?? {},
        });
      },
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await waitFor(() => reached(ends), {
        timeoutMs: Math.max(1, deadline - Date.now()),
        intervalMs: 50,
        message: `${topic} read to its ends`,
      });
      if (readUncommitted) break;
      await new Promise((r) => setTimeout(r, 300));
      const again = await fetchEnds();
      if (same(again, ends)) break;
      ends = again;
    }
    return received.filter((m) => BigInt(m.offset) < (ends.get(m.partition) ?? 0n));
  } finally {
    await consumer.disconnect();
  }
}
