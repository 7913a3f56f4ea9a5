/**
 * Reads back the records a topic holds for a time range: the first offset of each partition at or
 * after `fromMs` and the first at or after `toMs` come from the broker's time index
 * (`fetchTopicOffsetsByTimestamp`), and a consumer of a throw-away group (no offsets committed,
 * deleted afterwards) seeks to the first and stops at the second. Records whose own timestamp falls
 * outside the range (a producer's clock out of order) are skipped. Batches go to `onBatch` one at a
 * time, partitions interleaved as the broker serves them; each partition's records in order.
 *
 * The read runs ahead of `onBatch`: a fetched batch is queued and the consumer fetches the next while
 * the queue is worked off (a backtest scores while the broker reads the next fetch), up to
 * `maxRecordsAhead` queued records; beyond that the consumer waits for the oldest batches. With
 * `onPacked`, each batch is queued packed (values end to end in one buffer, see {@link PackedRecords})
 * rather than as an object per record: a backtest's queue is full most of the time (the read is
 * faster than the scoring), and its records, kept across many young-generation collections, were
 * each copied and promoted by the garbage collector of the reading thread.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@fenghuo/kit';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** How often a consumer waiting for its queue to be worked down heartbeats (kafkajs's interval). */
const HEARTBEAT_MS = 3_000;

export interface RangeRecord {
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp, ms since the epoch. */
  readonly timestamp: number;
  readonly value: Buffer | null;
}

/**
 * One partition's records of one fetch packed for a worker thread: their values end to end in
 * `data` (`ends[i]`: where record i's value ends; a record without a value has length 0) and their
 * offsets (as doubles when every one has at most 15 digits, exact; else as BigInts). Queued read-ahead
 * records packed so hold no object per record for the garbage collector to copy.
 */
export interface PackedRecords {
  readonly partition: number;
  readonly data: Uint8Array<ArrayBuffer>;
  readonly ends: Uint32Array<ArrayBuffer>;
  readonly offsets: Float64Array<ArrayBuffer> | BigInt64Array<ArrayBuffer>;
}

/** Packs records of one partition (see {@link PackedRecords}). */
export function packRecords(
  partition: number,
  records: readonly { readonly offset: string; readonly value: Buffer | null }[],
): PackedRecords {
  let size = 0;
  let small = true;
  for (const r of records) {
    size += r.value?.length ?? 0;
    if (r.offset.length > 15) small = false;
  }
  const data = new Uint8Array(size);
  const ends = new Uint32Array(records.length);
  const doubles = small ? new Float64Array(records.length) : undefined;
  const bigs = small ? undefined : new BigInt64Array(records.length);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as { readonly offset: string; readonly value: Buffer | null };
    if (r.value !== null) {
      data.set(r.value, at);
      at += r.value.length;
    }
    ends[i] = at;
    if (doubles !== undefined) doubles[i] = Number(r.offset);
    else (bigs as BigInt64Array<ArrayBuffer>)[i] = BigInt(r.offset);
  }
  return { partition, data, ends, offsets: doubles ?? (bigs as BigInt64Array<ArrayBuffer>) };
}

export interface RangeReadOptions {
  readonly kafka: Kafka;
  /** The real (prefixed) topic name. */
  readonly topic: string;
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  readonly onBatch: (records: readonly RangeRecord[]) => Promise<void>;
  /** When given, each batch is packed as it is fetched and handed here instead of to `onBatch`. */
  readonly onPacked?: (batch: PackedRecords) => Promise<void>;
  /** The number of records in the range, once known (before the first batch). */
  readonly onPlan?: (total: number) => void;
  /** Checked between batches: true stops the read. */
  readonly isCancelled?: () => boolean;
  /** @defaultValue `rules-range` */
  readonly groupPrefix?: string;
  /**
   * Largest fetch per partition.
   * @defaultValue 4 MiB
   */
  readonly maxBytesPerPartition?: number;
  /**
   * Most records fetched but not yet handed to `onBatch`.
   * @defaultValue 100,000
   */
  readonly maxRecordsAhead?: number;
  readonly logger?: Logger;
}

export interface RangeReadResult {
  /** Records handed to `onBatch`. */
  readonly records: number;
  /** Records the offsets said the range holds. */
  readonly planned: number;
  readonly cancelled: boolean;
}

interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** Offsets (non-negative decimal integers without leading zeros, as kafkajs gives them) compared as numbers. */
export function compareOffsets(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** The offsets of each partition that hold [fromMs, toMs). */
export async function planRange(
  kafka: Kafka,
  topic: string,
  fromMs: number,
  toMs: number,
): Promise<PartitionRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const starts = await admin.fetchTopicOffsetsByTimestamp(topic, fromMs);
    const ends = await admin.fetchTopicOffsetsByTimestamp(topic, toMs);
    return starts
      .map((s) => {
        const e = ends.find((x) => x.partition === s.partition);
        return { partition: s.partition, start: BigInt(s.offset), end: BigInt(e?.offset ?? s.offset) };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

export async function readRange(opts: RangeReadOptions): Promise<RangeReadResult> {
  const { kafka, topic, fromMs, toMs } = opts;
  const plan = await planRange(kafka, topic, fromMs, toMs);
  const todo = plan.filter((p) => p.end > p.start);
  const planned = todo.reduce((n, p) => n + Number(p.end - p.start), 0);
  opts.onPlan?.(planned);
  if (todo.length === 0) return { records: 0, planned, cancelled: false };

  const groupId = `${opts.groupPrefix ?? 'rules-range'}-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const ends = new Map(todo.map((p) => [p.partition, p.end]));
  // Per partition, the first offset not handed over yet: a batch fetched again (a fetch from before
  // a seek, or the group rejoined after a lost session, which restarts the partitions from the
  // beginning since this group commits nothing) hands over only what was not.
  const next = new Map(todo.map((p) => [p.partition, p.start]));
  const left = new Set(todo.map((p) => p.partition));
  let records = 0;
  let cancelled = false;
  let failed: unknown;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const seeked = new Set<number>();
  // Batches fetched and not yet handed over run one after the other on `tail` (it never rejects).
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let wake: (() => void) | undefined;
  const maxAhead = Math.max(1, opts.maxRecordsAhead ?? 100_000);
  const handOver = async (out: RangeRecord[] | PackedRecords): Promise<void> => {
    if (failed !== undefined || cancelled) return;
    if (opts.isCancelled?.()) {
      cancelled = true;
      left.clear();
      finish();
      return;
    }
    try {
      if (Array.isArray(out)) {
        await opts.onBatch(out);
        records += out.length;
      } else {
        await opts.onPacked?.(out);
        records += out.ends.length;
      }
    } catch (err) {
      failed = err;
      finish();
    }
  };

  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    // A range can end in transaction markers (ingest writes in transactions), which never reach
    // eachBatch: kafkajs reports a batch of markers or aborted records only here.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = ends.get(payload.partition);
      // Only batches with no record to hand over; eachBatch judges the others.
      if (payload.batchSize > 0 || end === undefined) return;
      if (!seeked.has(payload.partition) || !left.has(payload.partition)) return;
      if (BigInt(payload.lastOffset) + 1n < end || failed !== undefined) return;
      consumer.pause([{ topic, partitions: [payload.partition] }]);
      left.delete(payload.partition);
      if (left.size === 0) finish();
    });
    // After a lost session the group hands the partitions back from the beginning (nothing is
    // committed): seek them again to where the read is (the seeks after run() do it the first time).
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (seeked.size === 0) return;
      for (const p of plan) {
        const at = left.has(p.partition) ? (next.get(p.partition) ?? p.start) : p.end;
        try {
          consumer.seek({ topic, partition: p.partition, offset: String(at) });
        } catch (err) {
          opts.logger?.debug({ err, partition: p.partition }, 'could not seek after rejoining');
        }
      }
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat }) => {
        if (!isRunning() || isStale() || failed !== undefined || left.size === 0) return;
        const end = ends.get(batch.partition);
        const start = next.get(batch.partition) ?? 0n;
        // A fetch from before the seek took effect, or a partition with nothing to read.
        if (end === undefined || !seeked.has(batch.partition)) return;
        if (opts.isCancelled?.()) {
          cancelled = true;
          left.clear();
          finish();
          return;
        }
        const out: RangeRecord[] = [];
        const kept: KafkaMessage[] = [];
        const packed = opts.onPacked !== undefined;
        let done = false;
        // Offsets compared as their decimal strings (no BigInt per record); the last one handed
        // over or skipped moves `next` once per batch.
        const startText = String(start);
        const endText = String(end);
        let lastPassed: string | undefined;
        for (const m of batch.messages) {
          const offset = m.offset;
          if (compareOffsets(offset, startText) < 0) continue;
          if (compareOffsets(offset, endText) >= 0) {
            done = true;
            break;
          }
          lastPassed = offset;
          const ts = Number(m.timestamp);
          if (ts < fromMs || ts >= toMs) continue;
          if (packed) kept.push(m);
          else out.push({ partition: batch.partition, offset, timestamp: ts, value: m.value });
        }
        if (!done && BigInt(batch.lastOffset()) + 1n >= end) done = true;
        if (lastPassed !== undefined) next.set(batch.partition, BigInt(lastPassed) + 1n);
        const size = packed ? kept.length : out.length;
        if (size > 0) {
          const batchOut = packed ? packRecords(batch.partition, kept) : out;
          queued += size;
          tail = tail
            .then(() => handOver(batchOut))
            .finally(() => {
              queued -= size;
              if (wake !== undefined && queued <= maxAhead) {
                const w = wake;
                wake = undefined;
                w();
              }
            });
          // Back-pressure: too many records queued, wait until the queue is worked down, heartbeating
          // meanwhile (kafkajs does so only between batches; a lost session restarts the read).
          if (queued > maxAhead) {
            const beat = setInterval(() => {
              heartbeat().catch(() => undefined);
            }, HEARTBEAT_MS);
            try {
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
            } finally {
              clearInterval(beat);
            }
          }
        }
        if (done) {
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          left.delete(batch.partition);
          if (left.size === 0) finish();
        }
      },
    });
    for (const p of plan) {
      // Partitions outside the range are sought to their end and paused: nothing is read there.
      consumer.seek({
        topic,
        partition: p.partition,
        offset: String(ends.has(p.partition) ? p.start : p.end),
      });
      if (ends.has(p.partition)) seeked.add(p.partition);
      else consumer.pause([{ topic, partitions: [p.partition] }]);
    }
    await finished;
    await tail;
    if (failed !== undefined) throw failed;
    return { records, planned, cancelled };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch((err: unknown) => opts.logger?.debug({ err, groupId }, 'could not delete the range group'))
      .finally(() => admin.disconnect());
  }
}
