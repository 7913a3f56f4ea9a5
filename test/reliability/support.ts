/**
 * What the reliability tests share: sources that post until acknowledged (as a source honouring
 * `Retry-After` would), reading a topic back once per place in the log, and the cluster's state.
 */
import { withAdmin } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { waitFor } from '../setup/helpers.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const secs = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? '-' : `${(ms / 1000).toFixed(1)} s`;

export interface Ack {
  readonly request: number;
  readonly firstSentAt: number;
  readonly ackedAt: number;
  readonly attempts: number;
  readonly eventIds: readonly string[];
}

export interface StreamStats {
  readonly acks: Ack[];
  /** Non-202 answers (and network errors) by status, e.g. `{ 503: 4, error: 1 }`. */
  readonly refusals: Record<string, number>;
  /** Requests given up on (never acknowledged within the deadline). */
  readonly abandoned: number[];
}

export interface PostOptions {
  /** e.g. `/v1/fraud-indicators`. */
  readonly path: string;
  readonly key: string;
  /** Request i's attempt a is `x-request-id: <requestIdPrefix>r<i>-a<a>`. */
  readonly requestIdPrefix: string;
  /** @defaultValue 120000 */
  readonly giveUpAfterMs?: number;
}

/**
 * Posts request `i` (events with `eventId`s) until ingest answers 202; refusals (5xx, 429, network
 * errors) are retried after `Retry-After` (at most 2 s, else 0.5 s); any other 4xx fails for good.
 */
export async function postUntilAccepted(
  url: string,
  opts: PostOptions,
  i: number,
  events: readonly { eventId: string }[],
  stats: StreamStats,
): Promise<void> {
  const firstSentAt = Date.now();
  const deadline = firstSentAt + (opts.giveUpAfterMs ?? 120_000);
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts++;
    let status: string;
    let retryAfterMs = 500;
    try {
      const res = await fetch(`${url}${opts.path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.key}`,
          'content-type': 'application/json',
          'x-request-id': `${opts.requestIdPrefix}r${i}-a${attempts}`,
        },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      if (res.status === 202) {
        stats.acks.push({
          request: i,
          firstSentAt,
          ackedAt: Date.now(),
          attempts,
          eventIds: events.map((e) => e.eventId),
        });
        return;
      }
      status = String(res.status);
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1_000, 2_000);
      if (res.status < 500 && res.status !== 429) {
        throw new Error(`request ${i} refused for good: ${res.status}`);
      }
    } catch (err) {
      if (err instanceof Error && err.message.includes('refused for good')) throw err;
      status = 'error';
    }
    stats.refusals[status] = (stats.refusals[status] ?? 0) + 1;
    await sleep(retryAfterMs);
  }
  stats.abandoned.push(i);
}

/**
 * `loops` loops share one schedule (request i is due at start + i / perSecond and is posted until
 * acknowledged) until `stop()` is called or `max` requests were started.
 */
export function startStream(
  url: string,
  opts: PostOptions & { readonly perSecond: number; readonly loops: number; readonly max?: number },
  eventsOf: (i: number) => readonly { eventId: string }[],
) {
  const stats: StreamStats = { acks: [], refusals: {}, abandoned: [] };
  let next = 0;
  let stopped = false;
  const intervalMs = 1_000 / opts.perSecond;
  const began = Date.now();
  const loop = async () => {
    while (!stopped && next < (opts.max ?? Number.POSITIVE_INFINITY)) {
      const i = next++;
      const due = began + i * intervalMs;
      if (due > Date.now()) await sleep(due - Date.now());
      await postUntilAccepted(url, opts, i, eventsOf(i), stats);
    }
  };
  const loops = Promise.all(Array.from({ length: opts.loops }, loop));
  return {
    stats,
    began,
    /** Stops taking new requests; resolves with how many were started once all are answered. */
    async stop(): Promise<number> {
      stopped = true;
      await loops;
      return next;
    },
  };
}

/** A record read back: its place in the log and its decoded value. */
export interface PlacedRecord<V> {
  readonly partition: number;
  readonly offset: string;
  readonly value: V;
  /** The record's timestamp (ms since the epoch, as kafkajs gives it). */
  readonly timestamp?: string;
  /** Its `correlation-id` header: the request id of the HTTP request that brought it in. */
  readonly correlationId?: string;
  /** The producer id of its record batch (one per transactionalId: one per ingest instance). */
  readonly producerId?: string;
}

/** kafkajs hands each record its batch's producer id, though its types do not say so. */
function producerIdOf(message: object): string | undefined {
  const context = (message as { batchContext?: { producerId?: unknown } }).batchContext;
  return context?.producerId === undefined ? undefined : String(context.producerId);
}

/**
 * Every record of the topic a read_committed consumer reads, once, up to the high watermarks of the
 * moment. Done when the consumer's position passed every partition's high watermark, not when it
 * holds high − low records: ingest writes in transactions, whose commit markers (and aborted
 * records) take offsets but are never handed over. The watermarks come from kafkajs's ListOffsets,
 * sent READ_COMMITTED: the last stable offset, which stands before a transaction whose commit
 * returned but whose markers are not yet written; so they are asked again once reached, until they
 * stop moving (as `readAll` in test/setup/helpers.ts does), and a record of such a transaction is
 * counted too.
 */
export async function readRecords<V>(
  kafka: Kafka,
  topic: string,
  groupId: string,
): Promise<PlacedRecord<V>[]> {
  const fetchEnds = async () => {
    const offsets = await withAdmin(kafka, (a) => a.fetchTopicOffsets(topic));
    return new Map(
      offsets.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)] as const),
    );
  };
  let ends = await fetchEnds();
  const positions = new Map<number, bigint>();
  const ids: PlacedRecord<V>[] = [];
  // Each place in the log once, however often the consumer is handed it (a rebalance re-delivers).
  const places = new Set<string>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, maxBytesPerPartition: 4 << 20 });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (positions.get(payload.partition) ?? 0n)) positions.set(payload.partition, next);
  });
  const same = (a: Map<number, bigint>, b: Map<number, bigint>) =>
    a.size === b.size && [...a].every(([partition, high]) => b.get(partition) === high);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value === null) return;
        const place = `${partition}@${message.offset}`;
        if (places.has(place)) return;
        places.add(place);
        const correlation = message.headers?.['correlation-id'];
        const producerId = producerIdOf(message);
        ids.push({
          partition,
          offset: message.offset,
          value: JSON.parse(message.value.toString('utf8')) as V,
          timestamp: message.timestamp,
          ...(correlation === undefined ? {} : { correlationId: correlation.toString() }),
          ...(producerId === undefined ? {} : { producerId }),
        });
      },
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const target = ends;
      await waitFor(
        () => [...target].every(([partition, high]) => (positions.get(partition) ?? 0n) >= high),
        {
          timeoutMs: Math.max(1, deadline - Date.now()),
          message: `every record of ${topic} read back (to the high watermarks)`,
        },
      );
      await sleep(300);
      const again = await fetchEnds();
      if (same(again, ends)) break;
      ends = again;
    }
  } finally {
    await consumer.disconnect();
  }
  // Only what the snapshot holds: records written after it are not this read's.
  return ids.filter((r) => BigInt(r.offset) < (ends.get(r.partition) ?? 0n));
}

/** Partitions of the topics whose in-sync replicas are fewer than their replicas. */
export async function underReplicated(kafka: Kafka, topics: string[]): Promise<number> {
  const { topics: meta } = await withAdmin(kafka, (a) => a.fetchTopicMetadata({ topics }));
  return meta.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length;
}

export async function leaderOfFirstPartition(kafka: Kafka, topic: string): Promise<number> {
  const { topics } = await withAdmin(kafka, (a) => a.fetchTopicMetadata({ topics: [topic] }));
  const leader = topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
  if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic}[0]`);
  return leader;
}

/** What a consumer group has not committed yet on `topics` (high watermark − committed offset). */
export async function groupLag(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<number> {
  let lag = 0;
  for (const topic of topics) {
    const [high, committed] = await Promise.all([
      withAdmin(kafka, (a) => a.fetchTopicOffsets(topic)),
      withAdmin(kafka, (a) => a.fetchOffsets({ groupId, topics: [topic] })),
    ]);
    for (const h of high) {
      const c = committed[0]?.partitions.find((p) => p.partition === h.partition)?.offset ?? '-1';
      lag += Number(h.high) - Math.max(Number(c), Number(h.low), 0);
    }
  }
  return lag;
}

/** Events ingest acknowledged that are not on the topic, and the copies beyond the first of those on it. */
export function reconcileEvents(
  onTopic: readonly string[],
  acked: readonly string[],
): { lost: string[]; duplicated: number } {
  const counts = new Map<string, number>();
  for (const id of onTopic) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    lost: acked.filter((id) => !counts.has(id)),
    duplicated: [...counts.values()].reduce((sum, n) => sum + n - 1, 0),
  };
}

/**
 * The alerts against the ground truth, counted by distinct (alertId, revision): a record written
 * twice is one alert (the router and gateway apply a revision once). `lost`: victims without an
 * alert; `doubled`: distinct alerts beyond the first per subject; `falseAlerts`: subjects alerted
 * that are no victims; `victimOf`: alert id → victim.
 */
export function reconcileAlerts(
  alerts: readonly { subjectId: string; alertId: string; revision: number }[],
  victims: ReadonlySet<string>,
): { lost: string[]; doubled: number; falseAlerts: string[]; victimOf: Map<string, string> } {
  const bySubject = new Map<string, Set<string>>();
  const victimOf = new Map<string, string>();
  for (const a of alerts) {
    const set = bySubject.get(a.subjectId) ?? new Set<string>();
    set.add(`${a.alertId}#${a.revision}`);
    bySubject.set(a.subjectId, set);
    if (victims.has(a.subjectId)) victimOf.set(a.alertId, a.subjectId);
  }
  return {
    lost: [...victims].filter((id) => !bySubject.has(id)),
    doubled: [...bySubject.values()].reduce((sum, set) => sum + set.size - 1, 0),
    falseAlerts: [...bySubject.keys()].filter((id) => !victims.has(id)),
    victimOf,
  };
}

/** How a record's transaction ended, by the next control record of its producer on its partition. */
export type TransactionFate = 'committed' | 'aborted' | 'not transactional' | 'unknown';

/**
 * The fate of the transaction of each record at `places`, read from the log itself rather than
 * through a read_committed consumer: a read_uncommitted consumer hands over every batch (control
 * batches among kafkajs's raw records), and a transactional record's transaction ends with the next
 * control record of the same producer on its partition (key: version, then type 0 = abort,
 * 1 = commit). For diagnosing a duplicate: was one of the copies in an aborted transaction (the
 * reader should not have been handed it) or were both committed (written twice)?
 */
export async function transactionFates(
  kafka: Kafka,
  topic: string,
  places: readonly { readonly partition: number; readonly offset: string }[],
  timeoutMs = 30_000,
): Promise<Map<string, TransactionFate>> {
  const fates = new Map<string, TransactionFate>();
  const want = new Map<number, bigint[]>();
  for (const p of places) {
    fates.set(`${p.partition}@${p.offset}`, 'unknown');
    want.set(p.partition, [...(want.get(p.partition) ?? []), BigInt(p.offset)]);
  }
  if (want.size === 0) return fates;
  /** Per partition: open records (offset → producer id) waiting for their producer's marker. */
  const open = new Map<number, Map<bigint, string>>();
  const pending = () => [...fates.values()].filter((f) => f === 'unknown').length;
  const consumer = kafka.consumer({
    groupId: `${topic}.fates-${Date.now()}`,
    readUncommitted: true,
    maxWaitTimeInMs: 250,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const offsets = want.get(batch.partition);
        if (!offsets) return;
        const waiting = open.get(batch.partition) ?? new Map<bigint, string>();
        open.set(batch.partition, waiting);
        // Control records are only among the raw records (kafkajs drops them from `messages`).
        const raw = (batch as unknown as { rawMessages: readonly RawRecord[] }).rawMessages;
        for (const m of raw) {
          const offset = BigInt(m.offset);
          const pid = String(m.batchContext?.producerId ?? '');
          if (m.isControlRecord) {
            const type = m.key && m.key.length >= 4 ? m.key.readInt16BE(2) : -1;
            for (const [at, owner] of waiting) {
              if (owner !== pid || at > offset) continue;
              fates.set(
                `${batch.partition}@${at}`,
                type === 0 ? 'aborted' : type === 1 ? 'committed' : 'unknown',
              );
              waiting.delete(at);
            }
          } else if (offsets.includes(offset)) {
            if (m.batchContext?.inTransaction) waiting.set(offset, pid);
            else fates.set(`${batch.partition}@${offset}`, 'not transactional');
          }
        }
      },
    });
    await waitFor(() => pending() === 0, {
      timeoutMs,
      intervalMs: 200,
      message: `the transactions of ${places.length} records of ${topic}`,
    }).catch(() => undefined); // what stays unknown is reported as such
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return fates;
}

interface RawRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId?: unknown; readonly inTransaction?: boolean };
}

/**
 * One line per event id read more than once: each copy's place, timestamp, `correlation-id` (the
 * request id: `…r<request>-a<attempt>`), producer id and the fate of its transaction read from the
 * log ({@link transactionFates}). Empty when nothing is doubled.
 */
export async function describeDuplicates(
  kafka: Kafka,
  topic: string,
  records: readonly PlacedRecord<{ readonly eventId: string }>[],
  limit = 50,
): Promise<string[]> {
  const copies = new Map<string, PlacedRecord<{ readonly eventId: string }>[]>();
  for (const r of records) copies.set(r.value.eventId, [...(copies.get(r.value.eventId) ?? []), r]);
  const doubled = [...copies].filter(([, list]) => list.length > 1).slice(0, limit);
  if (doubled.length === 0) return [];
  const fates = await transactionFates(
    kafka,
    topic,
    doubled.flatMap(([, list]) => list),
  ).catch((err: unknown) => {
    console.log(`[reliability] could not read the transactions' fates: ${(err as Error).message}`);
    return new Map<string, TransactionFate>();
  });
  const time = (ts: string | undefined) => (ts === undefined ? '-' : new Date(Number(ts)).toISOString());
  return doubled.map(
    ([id, list]) =>
      `event ${id} on ${topic} ${list.length} times: ${list
        .map(
          (r) =>
            `${r.partition}@${r.offset} at ${time(r.timestamp)} request ${r.correlationId ?? '-'} producer ${r.producerId ?? '-'} ${fates.get(`${r.partition}@${r.offset}`) ?? 'unknown'}`,
        )
        .join(' | ')}`,
  );
}

/** The lines of a service's kept output about its Kafka transactions (aborts, unanswered commits). */
export function transactionLogLines(name: string, output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /transaction|commit|abort|fenced|epoch/i.test(line))
    .map((line) => `[${name}] ${line}`);
}

/** What a topic's log holds of aborted transactions (read from its markers). */
export interface AbortedTransactionsSummary {
  /** Aborted transactions, per producer id. */
  readonly byProducer: Record<string, number>;
  /**
   * Pairs of aborted transactions of two producers on one partition where the one that began first
   * ended last: the broker then lists them out of first-offset order, and kafkajs 2.2.4's own
   * read_committed filter (without the kit's correction) hands over the first one's records that
   * come before the second one's start.
   */
  readonly misorderedPairs: number;
  /** Those records. */
  readonly recordsKafkajsAloneWouldHandOver: number;
}

/**
 * Reads every record of `topic` (read_uncommitted, control records among kafkajs's raw records) and
 * summarises its aborted transactions; see {@link AbortedTransactionsSummary}. A transaction is a
 * producer's transactional records on a partition up to its next marker.
 */
export async function summariseAbortedTransactions(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<AbortedTransactionsSummary> {
  const ends = new Map(
    (await withAdmin(kafka, (a) => a.fetchTopicOffsets(topic)))
      .filter((p) => p.high !== p.low)
      .map((p) => [p.partition, BigInt(p.high)] as const),
  );
  interface Txn {
    readonly producerId: string;
    readonly first: bigint;
    readonly records: bigint[];
    end?: bigint;
    aborted?: boolean;
  }
  const done = new Map<number, Txn[]>();
  const open = new Map<number, Map<string, Txn>>();
  const positions = new Map<number, bigint>();
  const seen = new Set<string>();
  const consumer = kafka.consumer({
    groupId: `${topic}.aborted-${Date.now()}`,
    readUncommitted: true,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: 4 << 20,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (positions.get(payload.partition) ?? 0n)) positions.set(payload.partition, next);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const raw = (batch as unknown as { rawMessages: readonly RawRecord[] }).rawMessages;
        const txns = open.get(batch.partition) ?? new Map<string, Txn>();
        open.set(batch.partition, txns);
        for (const m of raw) {
          const place = `${batch.partition}@${m.offset}`;
          if (seen.has(place)) continue;
          seen.add(place);
          const offset = BigInt(m.offset);
          const pid = String(m.batchContext?.producerId ?? '');
          if (m.isControlRecord) {
            const txn = txns.get(pid);
            if (!txn) continue;
            txn.end = offset;
            txn.aborted = m.key != null && m.key.length >= 4 && m.key.readInt16BE(2) === 0;
            done.set(batch.partition, [...(done.get(batch.partition) ?? []), txn]);
            txns.delete(pid);
          } else if (m.batchContext?.inTransaction) {
            const txn = txns.get(pid) ?? { producerId: pid, first: offset, records: [] };
            txn.records.push(offset);
            txns.set(pid, txn);
          }
        }
      },
    });
    await waitFor(() => [...ends].every(([p, high]) => (positions.get(p) ?? 0n) >= high), {
      timeoutMs,
      intervalMs: 250,
      message: `every record of ${topic} read uncommitted`,
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  const byProducer: Record<string, number> = {};
  let misorderedPairs = 0;
  let leaked = 0;
  for (const txns of done.values()) {
    const aborted = txns.filter((t) => t.aborted);
    for (const t of aborted) byProducer[t.producerId] = (byProducer[t.producerId] ?? 0) + 1;
    for (const a of aborted)
      for (const b of aborted) {
        if (a.producerId === b.producerId || a.end === undefined || b.end === undefined) continue;
        if (a.first < b.first && b.first < a.end && b.end < a.end) {
          misorderedPairs += 1;
          leaked += a.records.filter((o) => o < b.first).length;
        }
      }
  }
  return { byProducer, misorderedPairs, recordsKafkajsAloneWouldHandOver: leaked };
}
