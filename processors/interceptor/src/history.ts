/**
 * Reading recorded pursuits back from Kafka for the settings dry run: the sightings of one plate
 * between two times (`vehicles.sighted`) and the units' positions over the same span
 * (`units.positions`, from a quarter of an hour before, so every unit has a position). Each topic
 * is read from the offsets the broker gives for the start time up to the end offsets at the time
 * of the call, with a throw-away consumer that commits nothing.
 */
import { randomBytes } from 'node:crypto';
import {
  bindingFor,
  type RecordedPursuitRef,
  Topic,
  type TopicEventMap,
  type TopicName,
  type UnitPosition,
  type VehicleSighting,
} from '@fenghuo/contracts';
import { FenghuoError, type Logger, prefixedTopic } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';

export interface RecordedPursuit {
  readonly sightings: readonly VehicleSighting[];
  readonly positions: readonly UnitPosition[];
}

export interface HistoryReader {
  read(ref: RecordedPursuitRef): Promise<RecordedPursuit>;
}

/** Reading history took too long or failed; the dry run says so for that pursuit. */
export class HistoryUnavailableError extends FenghuoError {
  constructor(message: string, cause?: unknown) {
    super(message, {
      code: 'HISTORY_UNAVAILABLE',
      retriable: true,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

export interface KafkaHistoryOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** @defaultValue `''` */
  readonly topicPrefix?: string;
  /**
   * Most records read per topic and request.
   * @defaultValue 200000
   */
  readonly maxRecords?: number;
  /**
   * Give up on a topic after this long.
   * @defaultValue 20000
   */
  readonly timeoutMs?: number;
}

/** Positions from this long before the first sighting count. */
const POSITIONS_BEFORE_MS = 15 * 60 * 1000;

export class KafkaHistoryReader implements HistoryReader {
  constructor(private readonly opts: KafkaHistoryOptions) {}

  async read(ref: RecordedPursuitRef): Promise<RecordedPursuit> {
    const from = Date.parse(ref.from);
    const to = Date.parse(ref.to);
    const sightings = await this.range(Topic.VehiclesSighted, from, to, (s) => s.plate === ref.plate);
    const positions = await this.range(Topic.UnitsPositions, from - POSITIONS_BEFORE_MS, to, () => true);
    const byTime = (a: { occurredAt: string }, b: { occurredAt: string }) =>
      Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
    return { sightings: [...sightings].sort(byTime), positions: [...positions].sort(byTime) };
  }

  private async range<T extends TopicName>(
    topic: T,
    fromMs: number,
    toMs: number,
    keep: (event: TopicEventMap[T]) => boolean,
  ): Promise<TopicEventMap[T][]> {
    const { kafka } = this.opts;
    const real = prefixedTopic(this.opts.topicPrefix ?? '', topic);
    const codec = bindingFor(topic).codec;
    const maxRecords = this.opts.maxRecords ?? 200_000;
    const admin = kafka.admin();
    let starts: { partition: number; offset: string }[];
    let ends: Map<number, bigint>;
    await admin.connect();
    try {
      starts = await admin.fetchTopicOffsetsByTimestamp(real, fromMs);
      ends = new Map((await admin.fetchTopicOffsets(real)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
    // Partitions with something to read, and where each is done.
    const pending = new Map<number, bigint>();
    for (const s of starts) {
      const end = ends.get(s.partition) ?? 0n;
      const start = BigInt(s.offset === '-1' ? end : BigInt(s.offset));
      if (start < end) pending.set(s.partition, end);
    }
    const out: TopicEventMap[T][] = [];
    if (pending.size === 0) return out;
    const consumer = kafka.consumer({
      groupId: `${this.opts.topicPrefix ?? ''}interceptor-history-${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 250,
    });
    let read = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: real, fromBeginning: false });
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      // A partition's last offsets can be transaction markers (ingest writes in transactions),
      // never handed to eachBatch: kafkajs reports batches of only those here, with their last offset.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = pending.get(payload.partition);
        // Only batches with no record to hand over; eachBatch judges the others.
        if (payload.batchSize > 0 || end === undefined || BigInt(payload.lastOffset) + 1n < end) return;
        pending.delete(payload.partition);
        if (pending.size === 0) finish();
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = pending.get(batch.partition);
          if (end === undefined) return;
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end || Number(m.timestamp) > toMs) {
              pending.delete(batch.partition);
              break;
            }
            read++;
            if (m.value === null) continue;
            const decoded = codec.decode(m.value);
            if (decoded.ok && keep(decoded.value as TopicEventMap[T])) {
              const at = Date.parse((decoded.value as { occurredAt: string }).occurredAt);
              if (at >= fromMs && at <= toMs) out.push(decoded.value as TopicEventMap[T]);
            }
            if (BigInt(m.offset) + 1n >= end) {
              pending.delete(batch.partition);
              break;
            }
          }
          // Its last offset (a transaction marker after the records, say) reaches the end.
          if (pending.has(batch.partition) && BigInt(batch.lastOffset()) + 1n >= end)
            pending.delete(batch.partition);
          if (pending.size === 0 || read >= maxRecords) finish();
        },
      });
      for (const s of starts) {
        if (pending.has(s.partition))
          consumer.seek({ topic: real, partition: s.partition, offset: s.offset });
      }
      const timeoutMs = this.opts.timeoutMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        done.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) throw new HistoryUnavailableError(`reading ${real} took longer than ${timeoutMs} ms`);
      return out;
    } catch (err) {
      if (err instanceof HistoryUnavailableError) throw err;
      throw new HistoryUnavailableError(`reading ${real} failed: ${(err as Error).message}`, err);
    } finally {
      await consumer
        .disconnect()
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'history reader disconnect failed'));
    }
  }
}
