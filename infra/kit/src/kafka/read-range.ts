/**
 * Reads one partition's committed records between two offsets, without joining a real consumer
 * group's offsets (a throwaway group that never commits), for readers that need "everything up to
 * the end as of now": a chain checker, a writer rebuilding its state from a topic's tail.
 *
 * Works on topics written in transactions: the end is found from the offsets kafkajs reports for
 * each fetched batch, which count commit and abort markers (control records that are never handed
 * to a reader), so a log that ends with a marker is still read to its end. Aborted records are
 * skipped (the consumer reads committed only).
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  /** First offset to read; earlier than the log start reads from the start. */
  readonly from: bigint;
  /** Read up to here, exclusive: usually the high watermark fetched just before. */
  readonly to: bigint;
}

export interface ReadRangeOptions {
  /** Gives up after this long. @defaultValue `60000` */
  readonly timeoutMs?: number;
  /** Prefix of the throwaway group's id. @defaultValue `'fenghuo-range-reader'` */
  readonly groupPrefix?: string;
}

/** The high watermark and log start of a partition. */
export async function partitionBounds(
  kafka: Kafka,
  topic: string,
  partition = 0,
): Promise<{ low: bigint; high: bigint }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const p = offsets.find((o) => o.partition === partition);
    if (p === undefined) throw new Error(`${topic} has no partition ${partition}`);
    return { low: BigInt(p.low), high: BigInt(p.high) };
  } finally {
    await admin.disconnect();
  }
}

/** Every committed record of `range`, in offset order. */
export async function readPartitionRange(
  kafka: Kafka,
  range: PartitionRange,
  opts: ReadRangeOptions = {},
): Promise<KafkaMessage[]> {
  const records: KafkaMessage[] = [];
  if (range.to <= range.from) return records;
  const last = range.to - 1n;
  const consumer = kafka.consumer({
    groupId: `${opts.groupPrefix ?? 'fenghuo-range-reader'}-${process.pid}-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 200,
    readUncommitted: false,
  });
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic: range.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`reading ${range.topic} up to offset ${last} took over ${opts.timeoutMs ?? 60_000} ms`),
          ),
        opts.timeoutMs ?? 60_000,
      );
      // A batch of nothing but markers never reaches eachBatch; its end is only in this event.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (
          payload.topic === range.topic &&
          payload.partition === range.partition &&
          BigInt(payload.lastOffset) >= last
        )
          resolve();
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== range.partition) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= range.from && offset <= last) records.push(message);
            }
          },
        })
        .then(() => {
          if (range.from > 0n)
            consumer.seek({ topic: range.topic, partition: range.partition, offset: String(range.from) });
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}
