/**
 * The kit against the real broker: every contract event goes out through EventProducer and comes
 * back through runEventConsumer unchanged; invalid records and poison events land on the topic's
 * dead-letter topic with the reason in headers while the consumer carries on; offsets are committed
 * only for handled batches.
 */
import { examples, TOPICS, Topic, type TopicEventMap, type TopicName } from '@fenghuo/contracts';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeMessages, testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { FenghuoError, ValidationFailedError } from '../src/errors.ts';
import { type ConsumedEvent, type RunningConsumer, runEventConsumer } from '../src/kafka/consumer.ts';
import { readDeadLetterHeaders } from '../src/kafka/dead-letter.ts';
import { EventProducer } from '../src/kafka/producer.ts';
import { ensureTopics } from '../src/kafka/topics.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger({ service: 'kit-test', level: 'silent' });
const prefix = uniquePrefix('kit');
let kafka: Kafka;
let producer: EventProducer;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  kafka = testKafka('kit-test');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TOPICS, { prefix });
  } finally {
    await admin.disconnect();
  }
  producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled(running.map((c) => c.stop()));
  await producer?.close();
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
    expect(topics).toHaveLength(16);
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
    // Leave the topics to the next tests' own groups.
    await Promise.all(sinks.map((s) => s.consumer.stop()));
  });

  it('refuses to produce an event that breaks its contract', async () => {
    const bad = { ...examples[Topic.IncidentsReported], priority: 7 };
    await expect(producer.send(Topic.IncidentsReported, [bad])).rejects.toBeInstanceOf(ValidationFailedError);
  });

  it('sends an invalid record to the dead-letter topic with the validation error, and keeps going', async () => {
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
    // The topic also holds the round-trip test's event; of this test's records only the valid one arrives.
    expect(sink.events.filter((e) => e.key === 'res-bad').map((e) => e.event.eventId)).toEqual([
      'good-after-bad',
    ]);

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
    // The topic also holds the round-trip test's position; count only this test's (`commit-*`).
    const mine = (events: readonly ConsumedEvent<TopicEventMap[typeof topic]>[]) =>
      events.filter((e) => e.event.eventId.startsWith('commit-')).map((e) => e.event.eventId);
    const first = await collect(topic, 'commit');
    const positions = [1, 2, 3].map((i) => ({ ...examples[topic], eventId: `commit-${i}`, unitId: `u${i}` }));
    await producer.send(topic, positions);
    await waitFor(() => mine(first.events).length === 3, { message: 'first three positions' });
    await first.consumer.stop();

    const second = await collect(topic, 'commit');
    await producer.send(topic, [{ ...examples[topic], eventId: 'commit-4', unitId: 'u4' }]);
    await waitFor(() => mine(second.events).includes('commit-4'), { message: 'fourth position' });
    // Give a redelivery every chance to show up before asserting it did not.
    await new Promise((r) => setTimeout(r, 500));
    expect(second.events.map((e) => e.event.eventId)).toEqual(['commit-4']);
  });
});
