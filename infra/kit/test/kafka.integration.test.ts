/**
 * The kit against the real broker: every contract event goes out through EventProducer and comes
 * back through runEventConsumer unchanged; invalid records and poison events land on the topic's
 * dead-letter topic with the reason in headers while the consumer carries on; offsets are committed
 * only for handled batches; one consumer serves several topics.
 *
 * Every test has topics and groups of its own (a fresh prefix), and every consumer a test starts is
 * stopped after it, passed or failed: no test can see another's records or consumers.
 */
import { examples, TOPICS, Topic, type TopicEventMap, type TopicName, topicSpec } from '@fenghuo/contracts';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consumeMessages, testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { FenghuoError, ValidationFailedError } from '../src/errors.ts';
import { withAdmin } from '../src/kafka/admin.ts';
import {
  type ConsumedEvent,
  type RunningConsumer,
  runEventConsumer,
  runMultiTopicConsumer,
} from '../src/kafka/consumer.ts';
import { CORRELATION_HEADER, correlationHeaders } from '../src/kafka/correlation.ts';
import { readDeadLetterHeaders } from '../src/kafka/dead-letter.ts';
import { EventProducer } from '../src/kafka/producer.ts';
import { ensureTopics } from '../src/kafka/topics.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger({ service: 'kit-test', level: 'silent' });
let kafka: Kafka;
let prefix: string;
let producer: EventProducer;
let running: RunningConsumer[] = [];

/** A fresh prefix with `topics` (and their dead-letter topics) created, and a producer for it. */
async function fresh(name: string, topics: readonly TopicName[]): Promise<void> {
  prefix = uniquePrefix(`kit-${name}`);
  const wanted = new Set<string>(topics.flatMap((t) => [t, `${t}.dlq`]));
  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      TOPICS.filter((t) => wanted.has(t.name)),
      { prefix },
    ),
  );
  producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.warmUp(topics);
}

beforeAll(() => {
  kafka = testKafka('kit-test');
});

afterEach(async () => {
  // Passed or failed: a consumer left running would dead-letter the next test's records under its
  // own group id.
  const stopping = running;
  running = [];
  await Promise.allSettled(stopping.map((c) => c.stop()));
  await producer?.close();
});

afterAll(async () => {
  await Promise.allSettled(running.map((c) => c.stop()));
});

async function collect<T extends TopicName>(
  topic: T,
  group: string,
  handle?: (events: readonly ConsumedEvent<TopicEventMap[T]>[]) => void,
): Promise<{ events: ConsumedEvent<TopicEventMap[T]>[]; consumer: RunningConsumer }> {
  const events: ConsumedEvent<TopicEventMap[T]>[] = [];
  const consumer = await runEventConsumer({
    kafka,
    logger,
    producer,
    topic,
    topicPrefix: prefix,
    groupId: `${prefix}${group}`,
    consumer: { maxWaitTimeInMs: 100 },
    handleBatch: async (batch) => {
      handle?.(batch);
      events.push(...batch);
    },
  });
  running.push(consumer);
  return { events, consumer };
}

describe('EventProducer and runEventConsumer on the real broker', () => {
  it('round-trips one event of every contract through its topic, keyed by its binding', async () => {
    const topics = Object.keys(examples) as TopicName[];
    // One example for every topic of the catalogue that carries a contract event.
    expect([...topics].sort()).toEqual(Object.values(Topic).sort());
    await fresh('round-trip', topics);
    const sinks = await Promise.all(topics.map((t) => collect(t, `rt-${t}`)));
    for (const t of topics) await producer.send(t, [examples[t]] as never);
    for (const [i, t] of topics.entries()) {
      const sink = sinks[i]!;
      await waitFor(() => sink.events.length === 1, { message: `${t} event back`, timeoutMs: 20_000 });
      expect(sink.events[0]!.event, t).toEqual(examples[t]);
    }
    const keys = Object.fromEntries(topics.map((t, i) => [t, sinks[i]!.events[0]!.key]));
    expect(keys).toMatchObject({
      [Topic.FraudIndicators]: 'res-000123',
      [Topic.IncidentsReported]: 'inc-20261127-7781',
      [Topic.VehiclesSighted]: '沪A12345',
      [Topic.DispatchOrders]: 'u17',
      [Topic.RulesSets]: 'example',
    });
  });

  it('refuses to produce an event that breaks its contract', async () => {
    await fresh('refuse', [Topic.IncidentsReported]);
    const bad = { ...examples[Topic.IncidentsReported], priority: 7 };
    await expect(producer.send(Topic.IncidentsReported, [bad])).rejects.toBeInstanceOf(ValidationFailedError);
  });

  it('sends an invalid record to the dead-letter topic with the validation error, and keeps going', async () => {
    await fresh('dlq', [Topic.FraudIndicators]);
    const realTopic = `${prefix}${Topic.FraudIndicators}`;
    const sink = await collect(Topic.FraudIndicators, 'dlq');
    const { kind: _k, ...noKind } = examples[Topic.FraudIndicators];
    const badTransfer = {
      ...examples[Topic.FraudIndicators],
      kind: 'transfer',
      amount: -1,
      eventId: 'bad-2',
    };
    await producer.sendRaw([
      {
        topic: realTopic,
        messages: [
          { key: 'res-bad', value: JSON.stringify({ ...noKind, eventId: 'bad-1' }) },
          { key: 'res-bad', value: JSON.stringify(badTransfer) },
          { key: 'res-bad', value: '{not json' },
        ],
      },
    ]);
    const good = { ...examples[Topic.FraudIndicators], eventId: 'good-after-bad', subjectId: 'res-bad' };
    await producer.send(Topic.FraudIndicators, [good]);

    await waitFor(() => sink.events.some((e) => e.event.eventId === 'good-after-bad'), {
      message: 'valid event',
    });
    expect(sink.events.map((e) => e.event.eventId)).toEqual(['good-after-bad']);

    const dead = await consumeMessages(kafka, { topic: `${realTopic}.dlq`, count: 3 });
    const infos = dead.map((m) => readDeadLetterHeaders(m.headers));
    expect(infos.map((i) => i?.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    expect(infos[0]?.issues).toEqual([
      { path: 'kind', message: 'required; one of call, sms, app_install, transfer, report' },
    ]);
    expect(infos[1]?.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(['amount', 'currency', 'payeeAccount']),
    );
    expect(infos[2]?.message).toMatch(/not valid JSON/);
    for (const info of infos) expect(info).toMatchObject({ topic: realTopic, groupId: `${prefix}dlq` });
    expect(dead.map((m) => m.key)).toEqual(['res-bad', 'res-bad', 'res-bad']);
    expect(JSON.parse(dead[1]!.value!)).toEqual(badTransfer);
  });

  it('isolates a poison event that the handler rejects as non-retriable', async () => {
    const topic = Topic.IncidentsReported;
    await fresh('poison', [topic]);
    const seen: string[] = [];
    const consumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      topic,
      topicPrefix: prefix,
      groupId: `${prefix}poison`,
      consumer: { maxWaitTimeInMs: 100 },
      handleBatch: async (batch) => {
        if (batch.some((e) => e.event.incidentId === 'inc-poison')) {
          throw new FenghuoError('cannot route this incident', { code: 'UNROUTABLE' });
        }
        seen.push(...batch.map((e) => e.event.incidentId));
      },
    });
    running.push(consumer);
    const base = examples[topic];
    // One key so all three share a partition and arrive in one batch.
    await producer.send(
      topic,
      [
        { ...base, eventId: 'p1', incidentId: 'inc-a' },
        { ...base, eventId: 'p2', incidentId: 'inc-poison' },
        { ...base, eventId: 'p3', incidentId: 'inc-b' },
      ].map((e) => ({ ...e })),
    );
    await waitFor(() => seen.includes('inc-a') && seen.includes('inc-b'), {
      message: 'healthy events handled',
    });
    const dead = await consumeMessages(kafka, { topic: `${prefix}${topic}.dlq`, count: 1 });
    expect(readDeadLetterHeaders(dead[0]!.headers)).toMatchObject({
      code: 'UNROUTABLE',
      message: 'cannot route this incident',
    });
    expect(JSON.parse(dead[0]!.value!).incidentId).toBe('inc-poison');
    expect(seen).not.toContain('inc-poison');
  });

  it('commits offsets after each handled batch, so a restarted group does not see them again', async () => {
    const topic = Topic.UnitsPositions;
    await fresh('commit', [topic]);
    const mine = (events: readonly ConsumedEvent<TopicEventMap[typeof topic]>[]) =>
      events.map((e) => e.event.eventId);
    const first = await collect(topic, 'commit');
    // One unit, so one partition: the order of the records is the order of delivery.
    const position = (i: number) => ({ ...examples[topic], eventId: `commit-${i}`, unitId: 'u-commit' });
    await producer.send(topic, [1, 2, 3].map(position));
    await waitFor(() => mine(first.events).length === 3, { message: 'first three positions' });
    await first.consumer.stop();

    const second = await collect(topic, 'commit');
    await producer.send(topic, [position(4)]);
    await waitFor(() => mine(second.events).includes('commit-4'), { message: 'fourth position' });
    // Had the first three not been committed, the group would have started before them and, on one
    // partition, delivered them before the fourth.
    expect(second.events.map((e) => e.event.eventId)).toEqual(['commit-4']);
  });

  it('passes over the records `accept` refuses: not handled, not dead-lettered, committed', async () => {
    const topic = Topic.UnitsPositions;
    await fresh('accept', [topic]);
    const realTopic = `${prefix}${topic}`;
    const seen: string[] = [];
    const start = () =>
      runEventConsumer({
        kafka,
        logger,
        producer,
        topic,
        topicPrefix: prefix,
        groupId: `${prefix}accept`,
        consumer: { maxWaitTimeInMs: 100 },
        accept: (m) => m.value?.includes('"keep-') === true,
        handleBatch: async (batch) => {
          seen.push(...batch.map((e) => e.event.eventId));
        },
      });
    const first = await start();
    running.push(first);
    // One unit, so one partition: delivery order is the order written.
    const position = (eventId: string) => ({ ...examples[topic], eventId, unitId: 'u-accept' });
    await producer.send(topic, [position('skip-1'), position('keep-1'), position('skip-2')]);
    // Invalid but refused: never decoded, so never dead-lettered.
    await producer.sendRaw([{ topic: realTopic, messages: [{ key: 'u-accept', value: '{not json' }] }]);
    await producer.send(topic, [position('keep-2'), position('skip-3')]);
    await waitFor(() => seen.includes('keep-2'), { message: 'the accepted positions' });
    expect(seen).toEqual(['keep-1', 'keep-2']);
    await first.stop();

    // The refused records were committed with their batches: a restarted group starts after them.
    const second = await start();
    running.push(second);
    await producer.send(topic, [position('skip-4'), position('keep-3')]);
    await waitFor(() => seen.includes('keep-3'), { message: 'the position after the restart' });
    expect(seen).toEqual(['keep-1', 'keep-2', 'keep-3']);
    await withAdmin(kafka, async (admin) => {
      const dlq = await admin.fetchTopicOffsets(`${realTopic}.dlq`);
      expect(dlq.reduce((n, p) => n + Number(p.high), 0)).toBe(0);
    });
  });

  it('retries a retriable failure and dead-letters an unexpected error (a bug) instead of stalling', async () => {
    const topic = Topic.IncidentsReported;
    await fresh('failure-rule', [topic]);
    const seen: string[] = [];
    let flaky = 2;
    running.push(
      await runEventConsumer({
        kafka,
        logger,
        producer,
        topic,
        topicPrefix: prefix,
        groupId: `${prefix}rule`,
        consumer: { maxWaitTimeInMs: 100, retry: { initialRetryTime: 50, retries: 10 } },
        handleBatch: async (batch) => {
          for (const { event } of batch) {
            if (event.incidentId === 'inc-flaky' && flaky-- > 0) {
              throw new FenghuoError('store away', { code: 'STORE_UNAVAILABLE', retriable: true });
            }
            if (event.incidentId === 'inc-bug') {
              // What a bug looks like: not one of ours, and the same event fails the same way every time.
              (undefined as unknown as { lat: number }).lat;
            }
          }
          seen.push(...batch.map((e) => e.event.incidentId));
        },
      }),
    );
    const base = examples[topic];
    await producer.send(topic, [
      { ...base, eventId: 'f1', incidentId: 'inc-flaky' },
      { ...base, eventId: 'f2', incidentId: 'inc-bug' },
      { ...base, eventId: 'f3', incidentId: 'inc-after' },
    ]);
    await waitFor(() => seen.includes('inc-flaky') && seen.includes('inc-after'), {
      message: 'the flaky event after its retries, and the one after the bug',
      timeoutMs: 20_000,
    });
    const dead = await consumeMessages(kafka, { topic: `${prefix}${topic}.dlq`, count: 1 });
    expect(readDeadLetterHeaders(dead[0]!.headers)).toMatchObject({
      code: 'TypeError',
      groupId: `${prefix}rule`,
    });
    expect(JSON.parse(dead[0]!.value!).incidentId).toBe('inc-bug');
    expect(flaky).toBeLessThan(0);
    expect(seen).not.toContain('inc-bug');
  });
});

describe('runMultiTopicConsumer on the real broker', () => {
  it('serves several topics in one group, each with its own typed handler, correlation id and dead letters', async () => {
    await fresh('multi', [Topic.DispatchAcks, Topic.UnitsStatus, Topic.IncidentsReported]);
    const acks: string[] = [];
    const statuses: string[] = [];
    const incidents: { id: string; correlationId: string | undefined }[] = [];
    const consumer = await runMultiTopicConsumer({
      kafka,
      logger,
      producer,
      topicPrefix: prefix,
      groupId: `${prefix}router`,
      consumer: { maxWaitTimeInMs: 100 },
      handlers: {
        [Topic.DispatchAcks]: async (batch) => {
          acks.push(...batch.map((e) => e.event.orderId));
        },
        [Topic.UnitsStatus]: async (batch) => {
          statuses.push(...batch.map((e) => e.event.status));
        },
        [Topic.IncidentsReported]: async (batch) => {
          for (const e of batch) {
            if (e.event.incidentId === 'inc-poison') {
              throw new FenghuoError('cannot route', { code: 'UNROUTABLE' });
            }
            incidents.push({ id: e.event.incidentId, correlationId: e.correlationId });
          }
        },
      },
    });
    running.push(consumer);
    expect(topicSpec(Topic.UnitsStatus)).toBeDefined();
    await producer.send(Topic.DispatchAcks, [examples[Topic.DispatchAcks]]);
    await producer.send(Topic.UnitsStatus, [examples[Topic.UnitsStatus]]);
    await producer.sendBatches([
      {
        topic: Topic.IncidentsReported,
        events: [
          { ...examples[Topic.IncidentsReported], eventId: 'm1', incidentId: 'inc-poison' },
          { ...examples[Topic.IncidentsReported], eventId: 'm2', incidentId: 'inc-ok' },
        ],
        headersOf: (_event, i) => correlationHeaders(`req-m${i + 1}`),
      },
    ]);
    await producer.sendRaw([
      { topic: `${prefix}${Topic.DispatchAcks}`, messages: [{ key: 'u1', value: '{}' }] },
    ]);
    await waitFor(() => acks.length === 1 && statuses.length === 1 && incidents.length === 1, {
      message: 'one event of each topic',
    });
    expect(acks).toEqual([examples[Topic.DispatchAcks].orderId]);
    expect(statuses).toEqual([examples[Topic.UnitsStatus].status]);
    expect(incidents).toEqual([{ id: 'inc-ok', correlationId: 'req-m2' }]);

    const [poison] = await consumeMessages(kafka, {
      topic: `${prefix}${Topic.IncidentsReported}.dlq`,
      count: 1,
    });
    expect(readDeadLetterHeaders(poison!.headers)).toMatchObject({
      code: 'UNROUTABLE',
      groupId: `${prefix}router`,
    });
    expect(poison!.headers[CORRELATION_HEADER]?.toString()).toBe('req-m1');
    const [invalid] = await consumeMessages(kafka, { topic: `${prefix}${Topic.DispatchAcks}.dlq`, count: 1 });
    expect(readDeadLetterHeaders(invalid!.headers)).toMatchObject({
      code: 'VALIDATION_FAILED',
      topic: `${prefix}${Topic.DispatchAcks}`,
    });
  });
});
