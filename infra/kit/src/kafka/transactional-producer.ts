/**
 * Producing with Kafka transactions, for writers that must put each record in Kafka exactly once
 * even when a send fails ambiguously (ingest). Every `sendRaw` is one transaction: begin → send
 * (`acks: -1`) → commit. It resolves only after the commit; a read_committed consumer (every kafkajs
 * consumer by default) sees the records then and never before.
 *
 * Why: the kit's {@link EventProducer} takes a new producer id after any failed send (a send that
 * failed on the client may have been written; see its file comment), so a caller's retry of such a
 * send is written a second time. Here a failed send ends its transaction instead: it is aborted,
 * and the records that were written anyway stay invisible to read_committed consumers, so the
 * retry is the only copy anyone reads.
 *
 * On any failure, nothing of the transaction is trusted again:
 * - a failed send (or a failed begin): the transaction is aborted and the send rejects with a
 *   retriable {@link TransactionAbortedError};
 * - whatever failed, the kafkajs producer is then replaced by a new one with the SAME
 *   transactionalId, whose `InitProducerId` bumps the producer epoch: that fences the old producer
 *   (a late request of it is refused), aborts its transaction if the abort did not get through, and
 *   starts the sequence numbers afresh. The last point matters as much as the fencing: kafkajs hands
 *   a failed request's sequence numbers back, and a next transaction reusing them would have its
 *   records dropped by the broker as "duplicates" of the aborted batch (see
 *   `infra/kit/test/producer-ambiguous-send.integration.test.ts`). The new producer initialises at
 *   once, in the background, so the next send does not wait for it and the broker's last stable
 *   offset (what read_committed consumers read up to) moves on as soon as possible;
 * - a commit that failed on the client (connection cut, time-out: the coordinator may have
 *   committed), or that the coordinator answered with an error that leaves the decision open
 *   (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: see `isBrokerRefusal`), rejects with
 *   {@link TransactionOutcomeUnknownError}: the records may or may not be visible. A commit the
 *   coordinator refused (fenced, the transaction no longer committable) was not committed
 *   ({@link TransactionAbortedError}).
 *
 * One transactional producer has one transaction open at a time: concurrent calls run one after the
 * other. Callers that want throughput coalesce records into fewer, larger sends (ingest's event
 * gate does) or use several producers with different transactionalIds.
 *
 * A transactionalId must be used by one running producer at a time: a second producer with the same
 * id fences the first, whose sends then fail.
 */

import type { TopicName } from '@fenghuo/contracts';
import {
  type CompressionTypes,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
  type Transaction,
} from 'kafkajs';
import { FenghuoError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { prefixedTopic } from './client.ts';
import { type WarmUpOptions, warmUpProducer } from './producer.ts';

export interface TransactionalProducerOptions {
  /** The producer's transactionalId: unique among running producers (see the file comment). */
  readonly transactionalId: string;
  /**
   * Prepended to every topic name in {@link TransactionalProducer.warmUp} (`sendRaw` takes real names).
   * @defaultValue `''`
   */
  readonly topicPrefix?: string;
  /**
   * Overrides for the kafkajs producer (its `retry` and `idempotent` are set here: kafkajs retries
   * nothing inside a send, see `attempts`).
   */
  readonly producer?: Partial<ProducerConfig>;
  /** Compression for every batch (GZIP is the one kafkajs ships). */
  readonly compression?: CompressionTypes;
  /**
   * Broker-side time-out for `acks: -1`.
   * @defaultValue `30000`
   */
  readonly ackTimeoutMs?: number;
  /**
   * The coordinator aborts a transaction left open longer than this (a producer that died between
   * its send and its commit). Until then read_committed consumers of its partitions wait, so keep it
   * short for short transactions; at most the broker's `transaction.max.timeout.ms` (15 min).
   * @defaultValue `60000`
   */
  readonly transactionTimeoutMs?: number;
  /**
   * How long to keep trying to find out whether a commit whose answer was lost was applied
   * ({@link TransactionOutcomeUnknownError.committed}).
   * @defaultValue `30000`
   */
  readonly outcomeTimeoutMs?: number;
  /**
   * Transactions tried per send: an aborted one (nothing visible) is tried again in a new one. A
   * coordinator still completing the transaction before (CONCURRENT_TRANSACTIONS) is waited out
   * within `retryBudgetMs` and does not use up an attempt.
   * @defaultValue `3`
   */
  readonly attempts?: number;
  /** No new attempt starts later than this after the first. @defaultValue `1000` */
  readonly retryBudgetMs?: number;
  /** Wait before the second attempt, doubled for each further one. @defaultValue `50` */
  readonly retryBackoffMs?: number;
}

/**
 * The transaction was aborted (or never began, or its commit was refused): nothing of it is visible
 * to read_committed consumers. Retriable: the next send runs in a new transaction.
 */
export class TransactionAbortedError extends FenghuoError {
  constructor(cause: unknown, context?: Readonly<Record<string, unknown>>) {
    super(`Kafka transaction aborted, nothing written: ${(cause as Error)?.message ?? cause}`, {
      code: 'KAFKA_TXN_ABORTED',
      retriable: true,
      cause,
      ...(context ? { context } : {}),
    });
  }
}

/**
 * The commit request failed on the client (connection cut, time-out), or the coordinator's answer
 * leaves its decision open (see `isBrokerRefusal`): it may or may not have committed, so the
 * records may be visible. A caller that dedupes retries must neither
 * count them written nor forget them. Retriable.
 */
export class TransactionOutcomeUnknownError extends FenghuoError {
  constructor(
    cause: unknown,
    /**
     * Settles to whether the transaction was committed after all, once the producer found out
     * (see {@link TransactionalProducer}); undefined when it could not.
     */
    readonly committed: Promise<boolean | undefined> = Promise.resolve(undefined),
  ) {
    super(
      `Kafka transaction commit unanswered; its records may or may not be visible: ${(cause as Error)?.message ?? cause}`,
      { code: 'KAFKA_TXN_OUTCOME_UNKNOWN', retriable: true, cause },
    );
  }
}

/** True for a commit whose outcome is unknown ({@link TransactionOutcomeUnknownError}). */
export function isTransactionOutcomeUnknown(err: unknown): err is TransactionOutcomeUnknownError {
  return err instanceof TransactionOutcomeUnknownError;
}

/**
 * Answers to a commit (EndTxn) that mean the coordinator did not and will not commit it: the
 * producer was fenced, the transaction is no longer one that can commit (the coordinator aborted
 * it after the transaction time-out), or the request was turned away before it was looked at.
 */
const COMMIT_NOT_APPLIED: ReadonlySet<string> = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_TXN_STATE',
  'INVALID_PRODUCER_ID_MAPPING',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'TRANSACTION_COORDINATOR_FENCED',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'UNSUPPORTED_VERSION',
  'INVALID_REQUEST',
]);

/**
 * An error answer of the coordinator (kafkajs's KafkaJSProtocolError carries the error's `type`)
 * that says the commit was not applied ({@link COMMIT_NOT_APPLIED}). Anything else leaves it open:
 * a cut connection, a time-out, no coordinator found, CONCURRENT_TRANSACTIONS (another transition of
 * the transaction in progress, whichever it is), and also the answers COORDINATOR_NOT_AVAILABLE
 * and NOT_COORDINATOR, which the coordinator gives too when writing its commit decision to the
 * transaction log failed or timed out after the write had reached the log's leader (Kafka 3.9 keeps
 * the transition pending then, "to let the caller retry", and a coordinator that loads the log
 * completes a commit decision it finds there). Treating those as aborted released the dedupe
 * claims of events that could then be committed, and the retry wrote them twice.
 */
function isBrokerRefusal(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'KafkaJSProtocolError' &&
    typeof (err as { type?: unknown }).type === 'string' &&
    COMMIT_NOT_APPLIED.has((err as { type: string }).type)
  );
}

/** The coordinator is still completing an earlier transaction of this transactionalId. */
function isCoordinatorBusy(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; originalError?: unknown; cause?: unknown };
  if (e.type === 'CONCURRENT_TRANSACTIONS') return true;
  return isCoordinatorBusy(e.originalError, depth + 1) || isCoordinatorBusy(e.cause, depth + 1);
}

export class TransactionalProducer {
  private current: Producer;
  /** The current producer's connect and InitProducerId; undefined until started or after a failure. */
  private ready: Promise<void> | undefined;
  /** The last transaction's end: the next one begins after it. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly prefix: string;
  private readonly log: Logger;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    logger: Logger,
    private readonly opts: TransactionalProducerOptions,
  ) {
    this.prefix = opts.topicPrefix ?? '';
    this.log = logger.child({ component: 'txn-producer', transactionalId: opts.transactionalId });
    this.current = this.createProducer();
  }

  get transactionalId(): string {
    return this.opts.transactionalId;
  }

  /** The kafkajs producer in use (a new one after every failed transaction). */
  get producer(): Producer {
    return this.current;
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...this.opts.producer,
      // Transactions are idempotent whatever this says (kafkajs's transaction sends with an
      // idempotent message producer); false only skips a second, unused producer id at connect.
      // No kafkajs retries inside a send: a retry after a leader change can send again the records
      // of partitions that were already acknowledged, under new sequence numbers, and the broker
      // writes them twice in the same transaction (the reliability suite found such pairs at
      // adjacent offsets). A failed attempt is aborted and the whole transaction tried again
      // instead (`attempts`).
      idempotent: false,
      retry: { retries: 0 },
      transactionalId: this.opts.transactionalId,
      ...(this.opts.transactionTimeoutMs === undefined
        ? {}
        : { transactionTimeout: this.opts.transactionTimeoutMs }),
    });
  }

  /**
   * Connects and gets the producer id and epoch for the transactionalId (kafkajs does that at the
   * first `transaction()`; an empty transaction ends without a request). Shared by concurrent
   * callers; a failed attempt is retried by the next call.
   */
  private start(producer: Producer): Promise<void> {
    if (producer !== this.current) return Promise.reject(new Error('producer was replaced'));
    this.ready ??= (async () => {
      await producer.connect();
      const txn = await producer.transaction();
      await txn.abort();
    })().catch((err: unknown) => {
      if (this.current === producer) this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Connects and initialises the transactional producer; a failed attempt can be retried. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    return this.start(this.current);
  }

  /**
   * Connects, initialises the transactionalId, loads the metadata of `topics` (prefixed) and waits
   * until every partition's leader serves it, retrying until `timeoutMs`
   * ({@link EventProducer.warmUp} does the same for the idempotent producer).
   */
  async warmUp(topics: readonly TopicName[], opts: WarmUpOptions = {}): Promise<void> {
    await warmUpProducer({
      kafka: this.kafka,
      log: this.log,
      topics: topics.map((t) => prefixedTopic(this.prefix, t)),
      isClosed: () => this.closed,
      step: async (real) => {
        await this.connect();
        // An empty batch in an empty transaction loads the metadata; the commit sends nothing.
        await this.runExclusive(async () => {
          const txn = await this.current.transaction();
          try {
            await txn.sendBatch({ acks: -1, topicMessages: real.map((topic) => ({ topic, messages: [] })) });
          } finally {
            await txn.commit();
          }
        });
      },
      ...opts,
    });
  }

  private runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes already-encoded records (real topic names) in one transaction and resolves after its
   * commit. Rejects with {@link TransactionAbortedError} (nothing visible) or
   * {@link TransactionOutcomeUnknownError} (commit unanswered); a validation or state error of
   * kafkajs before anything was sent rejects as a {@link TransactionAbortedError} too.
   */
  sendRaw(topicMessages: readonly { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]> {
    if (topicMessages.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    return this.runExclusive(() => this.transactWithRetries(topicMessages));
  }

  /**
   * Up to `attempts` transactions until one commits, `retryBackoffMs` doubling between them, none
   * started after `retryBudgetMs`: an aborted attempt left nothing visible, so trying the records
   * again in a new transaction writes them once. A commit whose outcome is unknown is not retried.
   */
  private async transactWithRetries(
    topicMessages: readonly { topic: string; messages: Message[] }[],
  ): Promise<RecordMetadata[]> {
    const attempts = Math.max(1, this.opts.attempts ?? 3);
    const deadline = Date.now() + (this.opts.retryBudgetMs ?? 1_000);
    let backoff = this.opts.retryBackoffMs ?? 50;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transact(topicMessages);
      } catch (err) {
        if (!(err instanceof TransactionAbortedError) || this.closed) throw err;
        // The coordinator still completing the transaction before (just aborted, or fenced by the
        // replacement producer) answers CONCURRENT_TRANSACTIONS: waited out within the budget, not
        // counted as an attempt (a loaded machine took longer than three quick attempts).
        const busy = isCoordinatorBusy(err.cause);
        if (!busy && attempt >= attempts) throw err;
        if (Date.now() + backoff > deadline) throw err;
        if (busy) attempt--;
        this.log.debug({ err, attempt, busy }, 'transaction aborted; trying the records again in a new one');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 500);
      }
    }
  }

  private async transact(
    topicMessages: readonly { topic: string; messages: Message[] }[],
  ): Promise<RecordMetadata[]> {
    const producer = this.current;
    let txn: Transaction;
    try {
      await this.start(producer);
      txn = await producer.transaction();
    } catch (err) {
      this.replace(producer, err, 'could not begin a transaction');
      throw new TransactionAbortedError(err);
    }
    let written: RecordMetadata[];
    try {
      written = await txn.sendBatch({
        acks: -1,
        timeout: this.opts.ackTimeoutMs ?? 30_000,
        ...(this.opts.compression === undefined ? {} : { compression: this.opts.compression }),
        topicMessages: [...topicMessages],
      });
    } catch (err) {
      await this.abort(txn, err);
      this.replace(producer, err, 'send failed (its records may have been written): transaction aborted');
      throw new TransactionAbortedError(err);
    }
    try {
      await txn.commit();
    } catch (err) {
      if (isBrokerRefusal(err)) {
        await this.abort(txn, err);
        this.replace(producer, err, 'commit refused: transaction aborted');
        throw new TransactionAbortedError(err);
      }
      this.replace(
        producer,
        err,
        'commit unanswered or undecided: the transaction may or may not be committed',
      );
      throw new TransactionOutcomeUnknownError(err, this.findOutcome(written));
    }
    return written;
  }

  /**
   * Whether the transaction that wrote `written` was committed, for a commit whose answer was lost.
   * First a producer with this transactionalId must initialise: the coordinator answers its
   * InitProducerId only once the old transaction is complete (committed if the commit had reached
   * it, else aborted now) and its markers are written. Then a read_committed consumer reads the
   * first record's offset: handed over means committed; skipped means aborted. Undefined when
   * that cannot be found out within `outcomeTimeoutMs`.
   */
  private async findOutcome(written: readonly RecordMetadata[]): Promise<boolean | undefined> {
    const first = written.find((r) => r.baseOffset !== undefined && Number(r.baseOffset) >= 0);
    if (first?.baseOffset === undefined) return undefined;
    const deadline = Date.now() + (this.opts.outcomeTimeoutMs ?? 30_000);
    try {
      for (;;) {
        if (this.closed) return undefined;
        try {
          await this.start(this.current);
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      const committed = await readsAsCommitted(this.kafka, {
        topic: first.topicName,
        partition: first.partition,
        offset: first.baseOffset,
        groupId: `${this.opts.transactionalId}.outcome-${Date.now()}`,
        timeoutMs: Math.max(1_000, deadline - Date.now()),
      });
      this.log.warn({ committed }, 'unanswered commit resolved');
      return committed;
    } catch (err) {
      this.log.error({ err }, 'could not find out whether an unanswered commit was applied');
      return undefined;
    }
  }

  /** Best effort: a failed abort is completed by the replacement's InitProducerId (or the time-out). */
  private async abort(txn: Transaction, cause: unknown): Promise<void> {
    if (!txn.isActive()) return;
    try {
      await txn.abort();
    } catch (err) {
      this.log.warn(
        { err, cause },
        'abort failed; the new producer with the same transactionalId aborts the transaction',
      );
    }
  }

  /**
   * Replaces `failed` by a new kafkajs producer with the same transactionalId and initialises it in
   * the background (fencing `failed`; see the file comment). The next send waits for that
   * initialisation, or retries it if it failed.
   */
  private replace(failed: Producer, err: unknown, what: string): void {
    if (this.closed || this.current !== failed) return;
    this.log.warn({ err }, `${what}; next transactions use a new producer epoch`);
    this.current = this.createProducer();
    this.ready = undefined;
    const next = this.current;
    this.start(next).catch((e: unknown) =>
      this.log.debug({ err: e }, 'new transactional producer not initialised yet; the next send retries'),
    );
    failed.disconnect().catch((e: unknown) => this.log.debug({ err: e }, 'old producer disconnect failed'));
  }

  /** Idempotent: waits for the transaction in progress, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    try {
      await this.current.disconnect();
    } catch (err) {
      this.log.warn({ err }, 'producer disconnect failed');
    }
  }
}

/**
 * Whether a read_committed consumer is handed the record at `offset` of a partition whose
 * transaction there is complete: true if it is, false if the consumer passes it by (aborted). A
 * throwaway consumer group (no offsets committed) seeks to the offset.
 */
async function readsAsCommitted(
  kafka: Kafka,
  at: { topic: string; partition: number; offset: string; groupId: string; timeoutMs: number },
): Promise<boolean> {
  const target = BigInt(at.offset);
  const covers = (first: string | null, last: string) =>
    first !== null && BigInt(first) <= target && BigInt(last) >= target;
  const consumer = kafka.consumer({ groupId: at.groupId, maxWaitTimeInMs: 250, readUncommitted: false });
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = new Promise<boolean>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `offset ${at.offset} of ${at.topic}/${at.partition} not read within ${at.timeoutMs} ms`,
            ),
          ),
        at.timeoutMs,
      );
      // Batches of aborted records and markers only reach this event, not eachBatch.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (
          payload.topic === at.topic &&
          payload.partition === at.partition &&
          covers(payload.firstOffset, payload.lastOffset)
        )
          resolve(false);
      });
      void consumer
        .connect()
        .then(() => consumer.subscribe({ topic: at.topic, fromBeginning: false }))
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              if (batch.topic !== at.topic || batch.partition !== at.partition) return;
              // eachBatch runs before END_BATCH_PROCESS of the same batch.
              if (batch.messages.some((m) => BigInt(m.offset) === target)) resolve(true);
            },
          }),
        )
        .then(() => consumer.seek({ topic: at.topic, partition: at.partition, offset: at.offset }))
        .catch(reject);
    });
    return await answer;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}
