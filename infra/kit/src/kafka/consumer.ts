/**
 * Consuming contract events, from one topic or several in one consumer group: each message is
 * decoded once, at the boundary, with its topic's codec. Messages that fail validation go to
 * `<topic>.dlq` with the error in headers; the valid ones reach their topic's handler one partition
 * batch at a time; the batch's offsets are committed only after the handler resolved (at-least-once:
 * handlers make their effects idempotent).
 *
 * A failed handler is judged by the kit's one rule, {@link failureAction}: `retry` → the error goes
 * to kafkajs, which restarts from the last committed offset with back-off; `dead-letter` → the batch
 * runs again one event at a time, so only the poison event goes to the dead-letter topic (with the
 * error's code and message) and the rest are processed.
 *
 * **Two phases (opt-in).** A handler may return {@link TakenBatch} — "I have taken this batch; its
 * offsets may be committed once `durable` resolves" — instead of resolving only once its effects
 * are durable. kafkajs then fetches the next batch at once (it fetches again only when every batch
 * handler of a fetch has resolved), while the batch's offsets wait for `durable`; per partition
 * they are committed in offset order (a batch's offset never before an earlier batch's `durable`
 * resolved). A `durable` that rejects commits nothing of that partition from that batch on: the
 * partition is sought back to that batch's first offset, so its records (and those of the later
 * batches taken meanwhile) come again. A rebalance, a rejoin or a crash drops every pending offset
 * (the records go to the partition's owner again); {@link RunningConsumer.stop} waits for them.
 * Handlers that return nothing behave exactly as before.
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
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import { errorCodeOf, FenghuoError, failureAction } from '../errors.ts';
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

/**
 * What a two-phase handler returns: the batch is taken (kafkajs may fetch the next one), and its
 * offsets may be committed once `durable` resolves; a rejection makes the records come again.
 */
export interface TakenBatch {
  readonly durable: Promise<void>;
}

export type BatchHandler<E> = (
  events: readonly ConsumedEvent<E>[],
  ctx: BatchContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing (`async () => {}`, one phase) must stay a BatchHandler
) => Promise<void | TakenBatch>;

const isTaken = (r: unknown): r is TakenBatch =>
  typeof r === 'object' && r !== null && (r as { durable?: unknown }).durable instanceof Promise;

interface CommonConsumerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
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
  /**
   * How long the group waits for a silent member (a crashed or killed instance) before it moves that
   * member's partitions: a replacement started at once waits this long before it consumes.
   * kafkajs's 30 s would hold a victim's alerts for half a minute after a crash; heartbeats go every
   * third of it (at most every 3 s), also while a long batch runs.
   * @defaultValue {@link DEFAULT_SESSION_TIMEOUT_MS}
   */
  readonly sessionTimeoutMs?: number;
  /**
   * A cheap test on each raw record, before it is decoded: records it refuses are passed over —
   * neither decoded, nor handled, nor dead-lettered — and their offsets are committed with their
   * batch. For a consumer that wants a few records of a busy topic (the router reads its own
   * `timeline.events` for the resolved incidents only): decoding and checking every record against
   * its contract would cost more than the work. It must accept every record the handler wants (a
   * record it accepts is decoded and handled as usual, so it may accept more).
   * @defaultValue every record
   */
  readonly accept?: (message: KafkaMessage) => boolean;
  /** Overrides for the kafkajs consumer (fetch sizes; these win over `sessionTimeoutMs`). */
  readonly consumer?: Partial<ConsumerConfig>;
  /**
   * Called when kafkajs gives up restarting the consumer (a non-retriable error): the instance no
   * longer consumes, so a service should exit and let its supervisor restart it.
   * @defaultValue logs the error at fatal level
   */
  readonly onCrash?: (error: Error) => void;
}

/** Default session time-out of the kit's consumers (the broker's `group.min.session.timeout.ms` is 6 s). */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** Longest a fetch waits for records when there are none (kafkajs: 5 s; the Java client: 0.5 s). */
export const MAX_FETCH_WAIT_MS = 1_000;

/**
 * The kafkajs settings of a kit consumer: the session time-out, a heartbeat every third of it (at
 * most every 3 s), and fetches that wait at most {@link MAX_FETCH_WAIT_MS} for records. kafkajs
 * heartbeats only when a fetch returns: with its 5 s wait an idle consumer (rule sets, outcomes)
 * heartbeated every 5 s or later against a 10 s session, and on a loaded machine one late answer
 * got it thrown out of its group, again and again (seen in bench:scorer). Waiting less costs an
 * empty fetch a second per idle consumer; a fetch with records returns at once either way.
 * `overrides` win.
 */
export function consumerConfig(
  groupId: string,
  sessionTimeoutMs: number = DEFAULT_SESSION_TIMEOUT_MS,
  overrides: Partial<ConsumerConfig> = {},
): ConsumerConfig {
  const heartbeatInterval = Math.min(3_000, Math.floor(sessionTimeoutMs / 3));
  return {
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval,
    maxWaitTimeInMs: Math.min(MAX_FETCH_WAIT_MS, heartbeatInterval),
    ...overrides,
  };
}

/** The broker's answers that mean "this instance is no longer (or not yet again) a member". */
const GROUP_MEMBERSHIP_ERRORS = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/** The broker's group-membership error inside `err` (kafkajs wraps it in `cause`), if any. */
export function groupMembershipError(err: unknown): (Error & { type: string }) | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && GROUP_MEMBERSHIP_ERRORS.has(type)) return e as Error & { type: string };
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface EventConsumerOptions<T extends TopicName> extends CommonConsumerOptions {
  readonly topic: T;
  readonly handleBatch: BatchHandler<TopicEventMap[T]>;
}

/** One batch handler per consumed topic, each typed with its topic's event. */
export type TopicHandlers<K extends TopicName = TopicName> = {
  readonly [T in K]: BatchHandler<TopicEventMap[T]>;
};

export interface MultiTopicConsumerOptions<K extends TopicName> extends CommonConsumerOptions {
  /** The topics to consume (catalogue names, without prefix) and the handler of each. */
  readonly handlers: TopicHandlers<K>;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  /**
   * Idempotent: lets the in-flight batch finish and commit (and, for two-phase handlers, waits for
   * the pending `durable`s and commits their offsets), then leaves the group.
   */
  stop(): Promise<void>;
}

/** Starts consuming one topic; resolves once the consumer has joined and is running. */
export function runEventConsumer<T extends TopicName>(
  opts: EventConsumerOptions<T>,
): Promise<RunningConsumer> {
  const { topic, handleBatch, ...common } = opts;
  // The one-entry handler map is exactly TopicHandlers<T>; TypeScript cannot see that through a
  // computed key of generic type.
  const handlers = { [topic]: handleBatch } as unknown as TopicHandlers<T>;
  return runMultiTopicConsumer({ ...common, handlers });
}

interface TopicRoute {
  readonly topic: TopicName;
  readonly realTopic: string;
  readonly dlq: string;
  readonly decode: (value: Buffer) => ReturnType<ReturnType<typeof bindingFor>['codec']['decode']>;
  readonly codecName: string;
  readonly handle: BatchHandler<unknown>;
  readonly log: Logger;
}

/**
 * Starts one consumer group member over several topics (the router, interceptor and gateway each
 * consume several); resolves once it has joined and is running. Every topic gets the same decode,
 * dead-letter and commit rules as {@link runEventConsumer}, which is this with one topic.
 */
export async function runMultiTopicConsumer<K extends TopicName>(
  opts: MultiTopicConsumerOptions<K>,
): Promise<RunningConsumer> {
  const prefix = opts.topicPrefix ?? '';
  const routes = new Map<string, TopicRoute>();
  for (const [topic, handle] of Object.entries(opts.handlers) as [K, BatchHandler<unknown>][]) {
    const binding = bindingFor(topic);
    const realTopic = prefixedTopic(prefix, topic);
    routes.set(realTopic, {
      topic,
      realTopic,
      dlq: deadLetterTopicFor(realTopic),
      decode: (value) => binding.codec.decode(value),
      codecName: binding.codec.name,
      handle,
      log: opts.logger.child({ component: 'consumer', topic: realTopic, groupId: opts.groupId }),
    });
  }
  if (routes.size === 0) throw new Error('runMultiTopicConsumer: no topic to consume');
  const groupLog = opts.logger.child({ component: 'consumer', groupId: opts.groupId });
  const config = consumerConfig(opts.groupId, opts.sessionTimeoutMs, opts.consumer);
  const heartbeatMs = config.heartbeatInterval ?? 3_000;
  const accept = opts.accept;
  const consumer = opts.kafka.consumer(config);

  const deadLetter = async (
    route: TopicRoute,
    batch: Batch,
    items: readonly { message: KafkaMessage; reason: DeadLetterReason }[],
  ): Promise<void> => {
    if (items.length === 0) return;
    const messages = items.map(({ message, reason }) =>
      deadLetterRecord(
        { topic: route.realTopic, partition: batch.partition, message, groupId: opts.groupId },
        reason,
      ),
    );
    await opts.producer.sendRaw([{ topic: route.dlq, messages }]);
    for (const { message, reason } of items) {
      route.log.warn(
        {
          partition: batch.partition,
          offset: message.offset,
          code: reason.code,
          correlationId: correlationIdOf(message.headers),
        },
        `dead-lettered: ${reason.message}`,
      );
    }
  };

  /**
   * Offsets of batches that finish together (several partitions worked on at once, or a handler
   * that decides them together) go to the broker in one request instead of one each. A batch's
   * offset is still sent only after its own handler resolved, and its commit resolves (or fails,
   * with the broker's answer) when that request does.
   */
  let toCommit: { offset: TopicPartitionOffsetAndMetadata; done: (err?: unknown) => void }[] = [];
  const commit = (offset: TopicPartitionOffsetAndMetadata): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      toCommit.push({ offset, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (toCommit.length > 1) return;
      setImmediate(() => {
        const list = toCommit;
        toCommit = [];
        // Two-phase batches of one partition may finish in the same turn: send its last offset.
        const last = new Map<string, TopicPartitionOffsetAndMetadata>();
        for (const c of list) last.set(`${c.offset.topic}|${c.offset.partition}`, c.offset);
        consumer.commitOffsets([...last.values()]).then(
          () => {
            for (const c of list) c.done();
          },
          (err: unknown) => {
            for (const c of list) c.done(err ?? new Error('offset commit failed'));
          },
        );
      });
    });

  /**
   * Two-phase bookkeeping, per partition: the batches taken whose offsets wait for their `durable`,
   * chained in offset order. A line is current while its partition has not been reset: a failed
   * `durable` (the partition is sought back) resets its partition, a rebalance, rejoin, crash or stop
   * every partition; a line no longer current commits nothing and seeks nothing.
   */
  interface Line {
    readonly gen: string;
    /** Resolves true once every batch so far is durable; false from the first that failed on. */
    tail: Promise<boolean>;
    pending: number;
  }
  const lines = new Map<string, Line>();
  const resets = new Map<string, number>();
  let epoch = 0;
  const genOf = (key: string) => `${epoch}.${resets.get(key) ?? 0}`;
  /** Batches in their handler and pending offsets (with their commits): awaited by stop(). */
  const inFlight = new Set<Promise<unknown>>();
  const track = <P extends Promise<unknown>>(p: P): P => {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return p;
  };
  let twoPhaseSeen = false;
  let closing = false;
  const dropAll = () => {
    epoch++;
    lines.clear();
  };
  for (const event of [
    consumer.events.GROUP_JOIN,
    consumer.events.REBALANCING,
    consumer.events.CRASH,
    consumer.events.STOP,
  ]) {
    consumer.on(event, dropAll);
  }

  /** Queues a batch's offset behind the partition's earlier batches and its own `durable`. */
  const commitWhenDurable = (
    route: TopicRoute,
    batch: Batch,
    gen: string,
    durable: Promise<void>,
    next: string,
  ): void => {
    const key = `${route.realTopic}|${batch.partition}`;
    let line = lines.get(key);
    if (line === undefined || line.gen !== gen) {
      line = { gen, tail: Promise.resolve(true), pending: 0 };
      lines.set(key, line);
    }
    const own = line;
    own.pending++;
    const first = batch.firstOffset() ?? next;
    own.tail = own.tail.then(async (ok) => {
      if (!ok) {
        durable.catch(() => undefined);
        return false;
      }
      try {
        await durable;
      } catch (err) {
        if (genOf(key) === own.gen) {
          // Nothing of this partition from this batch on is committed; its records come again.
          resets.set(key, (resets.get(key) ?? 0) + 1);
          lines.delete(key);
          route.log.warn(
            { err, partition: batch.partition, offset: first },
            'batch taken but not made durable: its records come again from its first offset',
          );
          try {
            consumer.seek({ topic: route.realTopic, partition: batch.partition, offset: first });
          } catch (seekErr) {
            route.log.warn({ err: seekErr, partition: batch.partition }, 'seek back failed');
          }
        }
        return false;
      }
      if (genOf(key) !== own.gen) return false;
      // Not awaited by the line: a later batch's offset may follow this one's in the next request
      // (this batch is durable either way; a failed commit only means a redelivery).
      track(
        commit({ topic: route.realTopic, partition: batch.partition, offset: next }).catch((err: unknown) => {
          const lost = groupMembershipError(err);
          route.log.warn(
            { err: lost ?? err, partition: batch.partition },
            "offset commit of a durable batch failed: its records go to the partition's owner again",
          );
        }),
      );
      return true;
    });
    void own.tail.finally(() => {
      own.pending--;
      if (own.pending === 0 && lines.get(key) === own) lines.delete(key);
    });
    track(own.tail);
  };

  const processBatch = async ({ batch, heartbeat, isRunning }: EachBatchPayload): Promise<void> => {
    const route = routes.get(batch.topic);
    if (route === undefined) throw new Error(`runMultiTopicConsumer: no handler for topic ${batch.topic}`);
    const log = route.log;
    const valid: ConsumedEvent<unknown>[] = [];
    const messageOf = new Map<ConsumedEvent<unknown>, KafkaMessage>();
    const invalid: { message: KafkaMessage; reason: DeadLetterReason }[] = [];
    for (const message of batch.messages) {
      if (accept !== undefined && !accept(message)) continue;
      const key = message.key?.toString() ?? null;
      if (message.value === null) {
        invalid.push({
          message,
          reason: { code: 'EMPTY_VALUE', message: 'record has no value (tombstone)' },
        });
        continue;
      }
      const decoded = route.decode(message.value);
      if (!decoded.ok) {
        invalid.push({
          message,
          reason: {
            code: 'VALIDATION_FAILED',
            message: `${route.codecName}: ${decoded.errors.map((e) => `${e.path || '(event)'}: ${e.message}`).join('; ')}`,
            issues: decoded.errors,
          },
        });
        continue;
      }
      // The child logger is made on first use: pino builds redaction state per child, which cost
      // ~17% of the fraud scorer's CPU when made for every message.
      let child: Logger | undefined;
      const correlationId = correlationIdOf(message.headers);
      const consumed: ConsumedEvent<unknown> = {
        event: decoded.value,
        key,
        partition: batch.partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        headers: message.headers ?? {},
        correlationId,
        get log(): Logger {
          child ??= log.child({ partition: batch.partition, offset: message.offset, key, correlationId });
          return child;
        },
      };
      valid.push(consumed);
      messageOf.set(consumed, message);
    }

    const lineKey = `${route.realTopic}|${batch.partition}`;
    const gen = genOf(lineKey);
    const resetsAtStart = resets.get(lineKey) ?? 0;
    await deadLetter(route, batch, invalid);
    const ctx: BatchContext = {
      topic: route.realTopic,
      partition: batch.partition,
      heartbeat,
      isRunning: () => !closing && isRunning(),
    };
    const durables: Promise<void>[] = [];
    const taken = (r: unknown) => {
      if (isTaken(r)) {
        twoPhaseSeen = true;
        durables.push(r.durable);
      }
    };
    if (valid.length > 0) {
      try {
        taken(await route.handle(valid, ctx));
      } catch (err) {
        if (failureAction(err) === 'retry') {
          log.warn(
            { err, partition: batch.partition },
            'batch failed (retriable): retrying from the last commit',
          );
          throw err;
        }
        if (valid.length > 1) {
          log.warn({ err, partition: batch.partition }, 'batch failed: retrying one event at a time');
        }
        for (const item of valid) {
          try {
            if (valid.length > 1) taken(await route.handle([item], ctx));
            else throw err;
          } catch (itemErr) {
            if (failureAction(itemErr) === 'retry') throw itemErr;
            if (!(itemErr instanceof FenghuoError)) {
              // Not one of ours: most likely a bug. Say so loudly, with the stack, once per event.
              item.log.error({ err: itemErr }, 'handler failed with an unexpected error');
            }
            await deadLetter(route, batch, [
              {
                message: messageOf.get(item)!,
                reason: {
                  code: errorCodeOf(itemErr),
                  message: itemErr instanceof Error ? itemErr.message : String(itemErr),
                },
              },
            ]);
          }
        }
      }
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const line = lines.get(lineKey);
    if (
      durables.length > 0 ||
      (line !== undefined && line.gen === gen) ||
      (resets.get(lineKey) ?? 0) !== resetsAtStart
    ) {
      if (genOf(lineKey) !== gen) {
        // The partition was reset (a failed durable sought it back, or the group moved) while this
        // batch was in its handler: its records come again; commit nothing.
        for (const d of durables) d.catch(() => undefined);
        return;
      }
      // Two-phase: the offset waits for this batch's durable and the partition's earlier ones.
      const durable =
        durables.length === 1 ? (durables[0] as Promise<void>) : Promise.all(durables).then(() => undefined);
      commitWhenDurable(route, batch, gen, durable, next);
      return;
    }
    try {
      await commit({ topic: route.realTopic, partition: batch.partition, offset: next });
    } catch (err) {
      const lost = groupMembershipError(err);
      if (lost === undefined) throw err;
      // The group moved on without this instance (its session ran out): the partition's next owner
      // gets the batch again. kafkajs wraps the broker's answer in a non-retriable error, which would
      // crash the consumer for good; its own answer, rethrown, makes kafkajs rejoin the group.
      log.warn(
        { partition: batch.partition, code: lost.type },
        "left the group before committing: the batch goes to the partition's next owner; rejoining",
      );
      throw lost;
    }
  };

  /**
   * kafkajs heartbeats only between batches. A batch that takes longer than the session time-out
   * (a big fetch over many partitions at once, on a busy machine) would get this instance thrown out
   * of the group although it is working, and its partitions reassigned mid-batch: heartbeat on a
   * timer while the batch runs (kafkajs sends at most one per heartbeat interval; a refusal during a
   * rebalance surfaces at the batch's end, where kafkajs handles it).
   */
  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    if (payload.batch.isEmpty() || !payload.isRunning() || payload.isStale()) return;
    if (closing) {
      // stop() is waiting for the pending offsets: take nothing more (the next owner gets it).
      payload.pause();
      return;
    }
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, heartbeatMs);
    try {
      await track(processBatch(payload));
    } finally {
      clearInterval(beat);
    }
  };

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    groupLog.fatal({ err: payload.error }, 'consumer crashed and will not restart');
    opts.onCrash?.(payload.error);
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...routes.keys()], fromBeginning: opts.fromBeginning ?? true });
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
          if (twoPhaseSeen) {
            // Offsets of taken batches are committed once durable, while the group is still ours.
            closing = true;
            while (inFlight.size > 0) await Promise.all([...inFlight]);
          }
          await consumer.stop();
        } finally {
          await consumer.disconnect();
        }
      })();
      return stopping;
    },
  };
}
