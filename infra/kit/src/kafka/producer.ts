/**
 * Producing contract events: an idempotent kafkajs producer with `acks: -1` (all in-sync replicas),
 * every event checked against its contract before it leaves, keyed by the topic's binding.
 * `send` resolves only after the broker acknowledged the whole batch.
 *
 * After a broker crash and a leader change, kafkajs's idempotent producer can fall out of step with
 * the new leader's sequence numbers and then fail every later send with OUT_OF_ORDER_SEQUENCE_NUMBER
 * until it is recreated (kafkajs #598; the Java client bumps the producer epoch instead). A send
 * that fails that way (or with UNKNOWN_PRODUCER_ID / INVALID_PRODUCER_EPOCH) still fails (the batch
 * was not written), as a retriable {@link ProducerResetError}, and the next one goes through a new
 * kafkajs producer with a new producer id.
 * Found by the reliability suite (`npm run test:reliability`): before this, one broker of three
 * SIGKILLed left ingest answering 503 for good, and the scorer dead-lettered indicators whose alert
 * it could not write (losing those alerts).
 *
 * Any other failed send also ends its producer id. kafkajs hands a failed request's sequence numbers
 * back (so its own retries of the same records match), yet a request that failed on the client
 * (connection closed by a dying leader, request time-out) may have been written and replicated. The
 * next send of OTHER records would then reuse those sequence numbers: with the same record count per
 * partition the broker takes it for a retry of the written batch, answers success and drops it
 * (records silently lost; the scorer lost alerts that way in the reliability suite); with another
 * count it answers OUT_OF_ORDER_SEQUENCE_NUMBER. A new producer id starts its sequences afresh, so
 * the next send is written (a batch that had been written is then written again: at-least-once).
 */
import { bindingFor, type TopicEventMap, type TopicName } from '@fenghuo/contracts';
import {
  type CompressionTypes,
  type IHeaders,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
} from 'kafkajs';
import { FenghuoError, ValidationFailedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { withAdmin } from './admin.ts';
import { prefixedTopic } from './client.ts';
import { waitForTopicsReady } from './topics.ts';

export interface EventProducerOptions {
  /**
   * Prepended to every topic name.
   * @defaultValue `''`
   */
  readonly topicPrefix?: string;
  /** Overrides for the kafkajs producer (e.g. `retry` for fail-fast callers, `transactionalId`). */
  readonly producer?: Partial<ProducerConfig>;
  /** Compression for every batch (GZIP is the one kafkajs ships). */
  readonly compression?: CompressionTypes;
  /**
   * Broker-side time-out for `acks: -1`.
   * @defaultValue `30000`
   */
  readonly ackTimeoutMs?: number;
}

export interface OutgoingBatch<T extends TopicName = TopicName> {
  readonly topic: T;
  readonly events: readonly TopicEventMap[T][];
  /** Headers added to every record of the batch (e.g. a correlation id). */
  readonly headers?: IHeaders;
  /**
   * Headers of one record, merged over `headers`: a processor's derived events each carry their
   * own cause's correlation id (see `correlationHeaders`).
   */
  readonly headersOf?: (event: TopicEventMap[T], index: number) => IHeaders | undefined;
}

/** The producer could not connect or reach its topics while warming up. */
export class ProducerNotReadyError extends FenghuoError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'KAFKA_NOT_READY', retriable: true, cause });
  }
}

export interface WarmUpOptions {
  /**
   * Keep trying this long (a broker still starting, topics seconds old).
   * @defaultValue `60000`
   */
  readonly timeoutMs?: number;
}

/**
 * A send failed because the producer id's sequence state was lost (see the file comment; nothing of
 * the batch was written), or because its producer was replaced by another send's failure while it
 * was in flight (it may have been written). The next send uses a new producer id, so it is
 * retriable: a consumer retries the batch instead of dead-lettering its events (kafkajs marks
 * error 45, and sends cut off by a disconnect, non-retriable).
 */
export class ProducerResetError extends FenghuoError {
  constructor(cause: unknown) {
    super(
      `Kafka producer out of step with the broker; recreated, retry: ${(cause as Error)?.message ?? cause}`,
      {
        code: 'KAFKA_PRODUCER_RESET',
        retriable: true,
        cause,
      },
    );
  }
}

/** Broker answers that mean the producer id's sequence state is lost: only a new producer id helps. */
const SEQUENCE_DESYNC = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/** True when `err` (or an error it wraps: kafkajs's retry and aggregate errors) is a sequence desync. */
export function isSequenceDesync(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && SEQUENCE_DESYNC.has(e.type)) return true;
  if (isSequenceDesync(e.originalError, depth + 1) || isSequenceDesync(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => isSequenceDesync(inner, depth + 1));
}

/**
 * The warm-up loop both kit producers share: `step` (connect, load the producer's metadata of the
 * real topic names), then wait until every partition's leader serves them; retried with back-off
 * until `timeoutMs`, then {@link ProducerNotReadyError}.
 */
export async function warmUpProducer(args: {
  readonly kafka: Kafka;
  readonly log: Logger;
  /** Real (prefixed) topic names. */
  readonly topics: readonly string[];
  readonly step: (topics: readonly string[]) => Promise<void>;
  readonly isClosed: () => boolean;
  readonly timeoutMs?: number;
}): Promise<void> {
  const { kafka, log, topics: real } = args;
  const timeoutMs = args.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    try {
      await args.step(real);
      await withAdmin(kafka, (admin) =>
        waitForTopicsReady(admin, real, { timeoutMs: Math.max(1_000, deadline - Date.now()) }),
      );
      return;
    } catch (err) {
      if (args.isClosed()) throw err;
      if (Date.now() + delay > deadline) {
        throw new ProducerNotReadyError(
          `Kafka producer not ready within ${timeoutMs} ms (topics ${real.join(', ')}): ${(err as Error).message}`,
          err,
        );
      }
      log.debug({ err }, 'warming up: Kafka not ready yet');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

export class EventProducer {
  private current: Producer;
  private readonly prefix: string;
  private readonly log: Logger;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    logger: Logger,
    private readonly opts: EventProducerOptions = {},
  ) {
    this.prefix = opts.topicPrefix ?? '';
    this.log = logger.child({ component: 'producer' });
    this.current = this.createProducer();
  }

  /** The kafkajs producer in use (a new one after a sequence desync). */
  get producer(): Producer {
    return this.current;
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...this.opts.producer,
    });
  }

  /** Replaces `failed` (once, however many sends saw the error) with a new producer and producer id. */
  private replaceAfterFailure(failed: Producer, err: unknown, desync: boolean): void {
    if (this.closed || this.current !== failed) return;
    this.log.warn(
      { err },
      desync
        ? 'producer out of step with the broker after a leader change; the batch was not written; next sends use a new producer id'
        : 'send failed (its records may have been written): next sends use a new producer id, never its sequence numbers',
    );
    this.current = this.createProducer();
    this.connected = undefined;
    failed.disconnect().catch((e: unknown) => this.log.debug({ err: e }, 'old producer disconnect failed'));
  }

  /** Connects once; later calls share the same attempt. A failed attempt can be retried. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    this.connected ??= this.producer.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  /**
   * Everything a first send would otherwise do on the clock of a waiting caller: connect (an
   * idempotent producer also gets its producer id), load the metadata of `topics`, and wait until
   * every partition's leader serves it. Retries until `timeoutMs`; a service warms up before it
   * reports ready, so it never calls Kafka unavailable because a topic is seconds old.
   */
  async warmUp(topics: readonly TopicName[], opts: WarmUpOptions = {}): Promise<void> {
    await warmUpProducer({
      kafka: this.kafka,
      log: this.log,
      topics: topics.map((t) => prefixedTopic(this.prefix, t)),
      isClosed: () => this.closed,
      step: async (real) => {
        await this.connect();
        // An empty batch loads the producer's own metadata for the topics and sends nothing.
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: real.map((topic) => ({ topic, messages: [] })),
        });
      },
      ...opts,
    });
  }

  /** Validates and encodes events for a topic; throws {@link ValidationFailedError} on the first bad one. */
  messages<T extends TopicName>(
    topic: T,
    events: readonly TopicEventMap[T][],
    headers?: IHeaders,
    headersOf?: (event: TopicEventMap[T], index: number) => IHeaders | undefined,
  ): Message[] {
    const binding = bindingFor(topic);
    return events.map((event, i) => {
      const checked = binding.codec.validate(event);
      if (!checked.ok) throw new ValidationFailedError(binding.codec.name, checked.errors);
      const own = headersOf?.(event, i);
      const merged = own === undefined ? headers : { ...headers, ...own };
      return {
        key: binding.key(event),
        value: binding.codec.encode(event),
        ...(merged ? { headers: merged } : {}),
      };
    });
  }

  /** Sends events to one topic and resolves when the broker acknowledged all of them. */
  send<T extends TopicName>(
    topic: T,
    events: readonly TopicEventMap[T][],
    headers?: IHeaders,
  ): Promise<RecordMetadata[]> {
    return this.sendBatches([{ topic, events, ...(headers ? { headers } : {}) }]);
  }

  /** Sends to several topics in one request per broker; resolves when all are acknowledged. */
  async sendBatches(batches: readonly OutgoingBatch[]): Promise<RecordMetadata[]> {
    const topicMessages = batches
      .filter((b) => b.events.length > 0)
      .map((b) => ({
        topic: prefixedTopic(this.prefix, b.topic),
        messages: this.messages(b.topic, b.events, b.headers, b.headersOf),
      }));
    return this.sendRaw(topicMessages);
  }

  /** Sends already-encoded records (dead letters, replays); topics are real names, not prefixed again. */
  async sendRaw(topicMessages: readonly { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]> {
    if (topicMessages.length === 0) return [];
    await this.connect();
    const producer = this.current;
    try {
      return await producer.sendBatch({
        acks: -1,
        timeout: this.opts.ackTimeoutMs ?? 30_000,
        ...(this.opts.compression === undefined ? {} : { compression: this.opts.compression }),
        topicMessages: [...topicMessages],
      });
    } catch (err) {
      const desync = isSequenceDesync(err);
      // Another send's failure replaced this producer while this one was in flight: kafkajs fails
      // it with its own error as the old producer disconnects (some marked non-retriable, which a
      // consumer would dead-letter). Retrying through the new producer is right either way.
      const replacedMeanwhile = producer !== this.current;
      this.replaceAfterFailure(producer, err, desync);
      throw desync || replacedMeanwhile ? new ProducerResetError(err) : err;
    }
  }

  /** Idempotent: waits for in-flight sends, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.current.disconnect();
    } catch (err) {
      this.log.warn({ err }, 'producer disconnect failed');
    }
  }
}
