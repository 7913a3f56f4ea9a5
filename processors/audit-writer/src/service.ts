/**
 * The audit writer: the one process that appends to `audit.log`. It consumes `audit.events` (every
 * service writes its own there) and appends each event once, as the next link of the hash chain.
 *
 * Exactly once, and never a fork:
 * - Each slice of a batch is one Kafka transaction: the new entries, dead letters of records that
 *   are not audit events, and the consumer group's offsets. Either all are in the log and the
 *   offsets moved, or none: a writer killed at any moment leaves no half-written slice, and the next
 *   one starts after the last committed entry.
 * - Every instance uses the same transactional id. Starting one fences the one before (its open
 *   transaction is aborted and its next write refused), so two writers never append at once; the
 *   fenced one stops (`onFatal`).
 * - On start, and after any failed transaction, the writer reads the log's tail (committed records
 *   only) for the last `seq` and `hash`, and the event ids of the last `AUDIT_DEDUPE_WINDOW`
 *   entries: a service that sent the same audit event twice gets it appended once.
 *
 * `stop()` lets the slice in flight finish, then leaves the group and closes what it made. It never
 * closes the Kafka client it was given.
 */
import type { Server } from 'node:http';
import { type AuditEvent, type AuditLogEntry, Codecs, Topic } from '@fenghuo/contracts';
import {
  type Clock,
  consumerConfig,
  createMetricsRegistry,
  deadLetterRecord,
  deadLetterTopicFor,
  FenghuoError,
  type Logger,
  partitionBounds,
  prefixedTopic,
  readPartitionRange,
  startOpsServer,
  systemClock,
} from '@fenghuo/kit';
import type { Consumer, Kafka, KafkaMessage, Message, Producer, Transaction } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { AuditChain } from './chain.ts';
import type { AuditWriterConfig } from './config.ts';

/** Reading back more offsets than entries wanted: each transaction adds one marker to the log. */
const TAIL_SLACK = 2;

export class AuditWriterError extends FenghuoError {}

export interface AuditWriterComponents {
  readonly config: AuditWriterConfig;
  readonly logger: Logger;
  /** The caller's Kafka client; the writer makes its producer and consumer from it. */
  readonly kafka: Kafka;
  readonly registry?: Registry;
  readonly clock?: Clock;
  /** Called once when the writer cannot go on (fenced by a newer writer, or a log it cannot continue). */
  readonly onFatal?: (err: unknown) => void;
}

export interface AuditWriter {
  /** The ops server's port (useful with `AUDIT_OPS_PORT=0`). */
  readonly opsPort: number;
  readonly registry: Registry;
  /** The next `seq` the writer appends, or undefined while it reads the log's tail. */
  nextSeq(): number | undefined;
  stop(): Promise<void>;
}

/** A newer writer with the same transactional id took over (the error, or one it wraps, says so). */
function isFenced(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; message?: unknown; originalError?: unknown; cause?: unknown };
  if (e.type === 'INVALID_PRODUCER_EPOCH' || e.type === 'PRODUCER_FENCED') return true;
  if (typeof e.message === 'string' && /fenced|old epoch/i.test(e.message)) return true;
  return isFenced(e.originalError, depth + 1) || isFenced(e.cause, depth + 1);
}

/** Bytes of input per transaction, so the entries (each its event plus about 250 bytes) stay under the broker's 1 MiB. */
const SLICE_BYTES = 512 * 1024;

/** Consecutive runs of at most `max` records and about {@link SLICE_BYTES} (one record always fits). */
export function slices(messages: readonly KafkaMessage[], max: number): KafkaMessage[][] {
  const out: KafkaMessage[][] = [];
  let current: KafkaMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.value?.length ?? 0) + 256;
    if (current.length > 0 && (current.length >= max || bytes + size > SLICE_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export async function startAuditWriter(components: AuditWriterComponents): Promise<AuditWriter> {
  const { config, logger, kafka } = components;
  const clock = components.clock ?? systemClock;
  const log = logger.child({ component: 'audit-writer' });
  const logTopic = prefixedTopic(config.kafkaTopicPrefix, Topic.AuditLog);
  const eventsTopic = prefixedTopic(config.kafkaTopicPrefix, Topic.AuditEvents);
  const dlq = deadLetterTopicFor(eventsTopic);

  const registry = components.registry ?? createMetricsRegistry('audit-writer');
  const appended = new Counter({
    name: 'audit_entries_appended_total',
    help: 'Entries appended to audit.log',
    registers: [registry],
  });
  const repeated = new Counter({
    name: 'audit_events_repeated_total',
    help: 'Audit events left out because their event id was already in the log',
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'audit_events_dead_lettered_total',
    help: 'Records of audit.events that are not audit events, sent to the dead-letter topic',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'audit_transactions_failed_total',
    help: 'Transactions aborted (the slice is read again and the chain reloaded from the log)',
    registers: [registry],
  });
  const nextSeqGauge = new Gauge({
    name: 'audit_log_next_seq',
    help: 'The seq of the next entry',
    registers: [registry],
  });
  const txnSeconds = new Histogram({
    name: 'audit_transaction_seconds',
    help: 'Time of one append transaction',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  let chain: AuditChain | undefined;
  let producer: Producer | undefined;
  let fatal = false;
  let stopping = false;

  const failFatally = (err: unknown) => {
    if (fatal) return;
    fatal = true;
    log.error({ err }, 'audit writer stopped');
    components.onFatal?.(err);
  };

  /** A transactional producer that has fenced every earlier writer with the same id. */
  const openProducer = async (): Promise<Producer> => {
    const p = kafka.producer({
      transactionalId: config.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await p.connect();
    // Registering the transactional id is what fences the writer before and aborts its open
    // transaction; kafkajs does it on the first transaction.
    const first = await p.transaction();
    await first.abort();
    return p;
  };

  const loadChain = async (): Promise<AuditChain> => {
    const { low, high } = await partitionBounds(kafka, logTopic);
    const wanted = BigInt(config.dedupeWindow * TAIL_SLACK);
    const from = high - wanted > low ? high - wanted : low;
    const records = await readPartitionRange(
      kafka,
      { topic: logTopic, partition: 0, from, to: high },
      { groupPrefix: `${config.groupId}-tail` },
    );
    const tail: AuditLogEntry[] = [];
    for (const record of records) {
      const decoded = Codecs.AuditLogEntry.decode(record.value ?? Buffer.alloc(0));
      if (decoded.ok) tail.push(decoded.value);
      else if (record === records.at(-1))
        throw new AuditWriterError(
          `the last record of ${logTopic} (offset ${record.offset}) is not an audit log entry, so the chain cannot be continued; run npm run audit:verify`,
          { code: 'AUDIT_LOG_UNREADABLE' },
        );
    }
    if (tail.length === 0 && low > 0n)
      throw new AuditWriterError(
        `${logTopic} starts at offset ${low} and holds no entry to continue from (retention deleted the log?)`,
        { code: 'AUDIT_LOG_UNREADABLE' },
      );
    const loaded = AuditChain.fromTail(tail, config.dedupeWindow);
    nextSeqGauge.set(loaded.seq);
    log.info({ nextSeq: loaded.seq, tailEntries: tail.length }, 'audit chain loaded from the log');
    return loaded;
  };

  const appendSlice = async (topic: string, partition: number, messages: readonly KafkaMessage[]) => {
    if (producer === undefined) producer = await openProducer();
    if (chain === undefined) chain = await loadChain();
    const events: AuditEvent[] = [];
    const dead: Message[] = [];
    for (const message of messages) {
      const decoded = Codecs.AuditEvent.decode(message.value ?? Buffer.alloc(0));
      if (decoded.ok) events.push(decoded.value);
      else
        dead.push(
          deadLetterRecord(
            { topic, partition, message, groupId: config.groupId },
            {
              code: 'VALIDATION_FAILED',
              message: 'not an audit event',
              issues: decoded.errors.slice(0, 10).map((e) => ({ path: e.path, message: e.message })),
            },
          ),
        );
    }
    const plan = chain.plan(events, new Date(clock.now()).toISOString());
    const next = (BigInt(messages.at(-1)!.offset) + 1n).toString();
    const timer = txnSeconds.startTimer();
    let txn: Transaction | undefined;
    try {
      txn = await producer.transaction();
      if (plan.entries.length > 0)
        await txn.send({
          topic: logTopic,
          acks: -1,
          messages: plan.entries.map((e) => ({ key: String(e.seq), value: Codecs.AuditLogEntry.encode(e) })),
        });
      if (dead.length > 0) await txn.send({ topic: dlq, acks: -1, messages: dead });
      await txn.sendOffsets({
        consumerGroupId: config.groupId,
        topics: [{ topic, partitions: [{ partition, offset: next }] }],
      });
      await txn.commit();
    } catch (err) {
      failed.inc();
      chain = undefined;
      const p = producer;
      producer = undefined;
      await txn?.abort().catch(() => undefined);
      await p.disconnect().catch(() => undefined);
      if (isFenced(err)) {
        failFatally(
          new AuditWriterError(
            'another audit writer with the same transactional id took over; this one stops',
            {
              code: 'AUDIT_WRITER_FENCED',
              cause: err,
            },
          ),
        );
      } else {
        log.warn(
          { err, topic, partition, events: messages.length },
          'audit transaction failed; the slice will be read again',
        );
      }
      throw err;
    } finally {
      timer();
    }
    chain.apply(plan);
    appended.inc(plan.entries.length);
    repeated.inc(plan.repeated);
    deadLettered.inc(dead.length);
    nextSeqGauge.set(chain.seq);
    if (dead.length > 0)
      log.warn(
        { topic, partition, count: dead.length, dlq },
        'records that are not audit events dead-lettered',
      );
  };

  // Fence first, then read the tail: the writer before can no longer append behind our back.
  try {
    producer = await openProducer();
    chain = await loadChain();
  } catch (err) {
    await producer?.disconnect().catch(() => undefined);
    throw err;
  }

  const consumer: Consumer = kafka.consumer(
    consumerConfig(config.groupId, config.kafkaSessionTimeoutMs, { readUncommitted: false }),
  );
  await consumer.connect();
  await consumer.subscribe({ topic: eventsTopic, fromBeginning: true });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart && !stopping) failFatally(payload.error);
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const slice of slices(batch.messages, config.maxBatchEvents)) {
        if (fatal || !isRunning() || isStale()) return;
        await appendSlice(batch.topic, batch.partition, slice);
        resolveOffset(slice.at(-1)!.offset);
        await heartbeat();
      }
    },
  });

  const ops: Server = await startOpsServer({
    service: 'audit-writer',
    registry,
    port: config.opsPort,
    host: config.opsHost,
    checks: {
      kafka: () => producer !== undefined && !fatal,
      chain: () => chain !== undefined,
    },
  });
  const address = ops.address();
  const opsPort = typeof address === 'object' && address !== null ? address.port : config.opsPort;
  log.info({ opsPort, logTopic, eventsTopic }, 'audit writer running');

  return {
    opsPort,
    registry,
    nextSeq: () => chain?.seq,
    async stop() {
      stopping = true;
      await consumer
        .disconnect()
        .catch((err: unknown) => log.warn({ err }, 'consumer did not leave cleanly'));
      await producer?.disconnect().catch(() => undefined);
      await new Promise<void>((resolve) => ops.close(() => resolve()));
    },
  };
}
