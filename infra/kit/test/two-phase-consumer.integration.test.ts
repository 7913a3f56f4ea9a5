/**
 * The kit consumer's two-phase mode against the real broker: a handler that returns
 * `{ durable }` gets the next batch before the previous one is durable, and a batch's offset is
 * committed only once its `durable` resolved, in offset order per partition; a `durable` that
 * rejects commits nothing and the records come again; stop() waits for pending offsets.
 *
 * Every test has topics and a group of its own (a fresh prefix); every event of a test has the same
 * incident id, so one partition holds them all, in order.
 */
import { examples, TOPICS, Topic } from '@fenghuo/contracts';
import type { Kafka } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { FenghuoError } from '../src/errors.ts';
import { withAdmin } from '../src/kafka/admin.ts';
import { type RunningConsumer, runEventConsumer, type TakenBatch } from '../src/kafka/consumer.ts';
import { EventProducer } from '../src/kafka/producer.ts';
import { ensureTopics } from '../src/kafka/topics.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger({ service: 'kit-test', level: 'silent' });
const topic = Topic.IncidentsReported;
let kafka: Kafka;
let prefix: string;
let producer: EventProducer;
let running: RunningConsumer[] = [];

beforeAll(() => {
  kafka = testKafka('kit-two-phase');
});

afterEach(async () => {
  const stopping = running;
  running = [];
  await Promise.allSettled(stopping.map((c) => c.stop()));
  await producer?.close();
});

async function fresh(name: string): Promise<void> {
  prefix = uniquePrefix(`kit-2p-${name}`);
  const wanted = new Set<string>([topic, `${topic}.dlq`]);
  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      TOPICS.filter((t) => wanted.has(t.name)),
      { prefix },
    ),
  );
  producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.warmUp([topic]);
}

const send = (...ids: string[]) =>
  producer.send(
    topic,
    ids.map((id) => ({ ...examples[topic], eventId: id, incidentId: 'inc-two-phase' })),
  );

/** The group's committed offset on the partition that holds the test's events (-1: none). */
async function committed(group: string): Promise<number> {
  const [t] = await withAdmin(kafka, (a) =>
    a.fetchOffsets({ groupId: group, topics: [`${prefix}${topic}`] }),
  );
  return Math.max(-1, ...(t?.partitions ?? []).map((p) => Number(p.offset)));
}

/** A durable promise the test settles. */
function deferred(): { taken: TakenBatch; resolve: () => void; reject: (err: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (err: unknown) => void = () => undefined;
  const durable = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { taken: { durable }, resolve, reject };
}

const settle = () => new Promise((r) => setTimeout(r, 1_500));

describe('two-phase consumer on the real broker', () => {
  it('hands the next batch over before the previous is durable, and commits offsets only once durable, in order', async () => {
    await fresh('order');
    const group = `${prefix}order`;
    const batches: { ids: string[]; d: ReturnType<typeof deferred> }[] = [];
    const consumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      topic,
      topicPrefix: prefix,
      groupId: group,
      consumer: { maxWaitTimeInMs: 100 },
      handleBatch: async (events) => {
        const d = deferred();
        batches.push({ ids: events.map((e) => e.event.eventId), d });
        return d.taken;
      },
    });
    running.push(consumer);

    await send('a1', 'a2');
    await waitFor(() => batches.length === 1, { message: 'first batch' });
    // The first batch is not durable, yet the next one is handed over.
    await send('b1');
    await waitFor(() => batches.length === 2, { message: 'second batch while the first is pending' });
    expect(batches.map((b) => b.ids)).toEqual([['a1', 'a2'], ['b1']]);
    await settle();
    expect(await committed(group)).toBe(-1);

    // The later batch durable first: still nothing committed (offsets in order per partition).
    batches[1]?.d.resolve();
    await settle();
    expect(await committed(group)).toBe(-1);

    // The earlier one durable: both offsets go.
    batches[0]?.d.resolve();
    await waitFor(async () => (await committed(group)) === 3, { message: 'offset after both batches' });
    expect(batches).toHaveLength(2);
  });

  it('a durable that rejects commits nothing and its records come again (with the later ones taken meanwhile)', async () => {
    await fresh('reject');
    const group = `${prefix}reject`;
    const seen: string[][] = [];
    const pending: ReturnType<typeof deferred>[] = [];
    const consumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      topic,
      topicPrefix: prefix,
      groupId: group,
      consumer: { maxWaitTimeInMs: 100 },
      handleBatch: async (events) => {
        seen.push(events.map((e) => e.event.eventId));
        const d = deferred();
        pending.push(d);
        return d.taken;
      },
    });
    running.push(consumer);

    await send('r1');
    await waitFor(() => seen.length === 1, { message: 'first batch' });
    await send('r2');
    await waitFor(() => seen.length === 2, { message: 'second batch' });
    // The second is durable, the first fails: neither offset is committed, both come again.
    pending[1]?.resolve();
    pending[0]?.reject(new FenghuoError('publish failed', { code: 'TEST', retriable: true }));
    await waitFor(() => seen.flat().filter((id) => id === 'r2').length >= 2, {
      message: 'records of the failed batch and after it again',
    });
    expect(await committed(group)).toBe(-1);
    const again = seen.slice(2).flat();
    expect(again.slice(0, 2)).toEqual(['r1', 'r2']);
    for (const d of pending.slice(2)) d.resolve();
    await waitFor(
      async () => {
        for (const d of pending.slice(2)) d.resolve();
        return (await committed(group)) === 2;
      },
      { message: 'offset once the redelivered batches are durable' },
    );
  });

  it('a plain batch behind a pending one waits for it; stop() commits the offsets made durable meanwhile', async () => {
    await fresh('stop');
    const group = `${prefix}stop`;
    const seen: string[] = [];
    let first: ReturnType<typeof deferred> | undefined;
    const consumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      topic,
      topicPrefix: prefix,
      groupId: group,
      consumer: { maxWaitTimeInMs: 100 },
      handleBatch: async (events) => {
        seen.push(...events.map((e) => e.event.eventId));
        if (first !== undefined) return; // later batches: done when the handler resolves
        first = deferred();
        return first.taken;
      },
    });
    running.push(consumer);
    await send('s1');
    await waitFor(() => seen.length === 1, { message: 'first batch' });
    await send('s2');
    await waitFor(() => seen.length === 2, { message: 'second batch' });
    await settle();
    // The plain batch's offset waits behind the pending one.
    expect(await committed(group)).toBe(-1);
    const stopped = consumer.stop();
    await settle();
    first?.resolve();
    await stopped;
    expect(await committed(group)).toBe(2);
  });
});
