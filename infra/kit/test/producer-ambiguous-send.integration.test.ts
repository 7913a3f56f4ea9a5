/**
 * A send that fails on the client after the broker wrote it (a leader SIGKILLed between its append
 * and its answer: here, the connection is cut as the answer arrives) must not cost the NEXT send its
 * records. kafkajs hands the failed request's sequence numbers back; other records sent under them,
 * as many per partition, are taken by the broker for a retry of the written batch: it answers
 * success and drops them. Found as alerts lost by the reliability suite (`npm run test:reliability`).
 */
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cuttingSocketFactory, KAFKA_API } from '../../../test/setup/cutting-socket.ts';
import { consumeMessages, createTestTopics, testKafka, uniquePrefix } from '../../../test/setup/helpers.ts';
import { withAdmin } from '../src/kafka/admin.ts';
import { EventProducer } from '../src/kafka/producer.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger({ service: 'kit-test', level: 'silent' });
const topic = `${uniquePrefix('kit-ambiguous-send')}records`;

/** How many of the next Produce requests reach the broker and get their answer replaced by a cut connection. */
const cut = new Map<number, number>();

let kafka: Kafka;
let producer: EventProducer;

beforeAll(async () => {
  kafka = testKafka('kit-ambiguous-send', { socketFactory: cuttingSocketFactory(cut) });
  await createTestTopics(kafka, [topic]);
  // One kafkajs retry (an idempotent producer must have one), whose answer is cut as well: the send fails.
  producer = new EventProducer(kafka, logger, {
    producer: { retry: { retries: 1, initialRetryTime: 50 } },
  });
});

afterAll(async () => {
  await producer?.close();
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);
});

it('writes the next send after a send that was written but failed on the client', async () => {
  await producer.sendRaw([{ topic, messages: [{ value: 'first' }] }]);
  cut.set(KAFKA_API.produce, 2);
  await expect(
    producer.sendRaw([{ topic, messages: [{ value: 'written, answer lost' }] }]),
  ).rejects.toThrow();
  expect(cut.get(KAFKA_API.produce)).toBe(0);
  await producer.sendRaw([{ topic, messages: [{ value: 'next' }] }]);

  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const count = Number(offsets[0]?.high ?? 0);
  const records = await consumeMessages(kafka, { topic, count });
  expect(records.map((r) => r.value)).toEqual(['first', 'written, answer lost', 'next']);
});
