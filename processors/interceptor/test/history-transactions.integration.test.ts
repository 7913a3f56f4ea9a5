/**
 * The history reader on a topic written in Kafka transactions (ingest writes sightings that way):
 * a partition's last offset is then a commit marker, which no consumer is ever handed, so the
 * reader must finish by the consumer's position, not by the last record it was given (it used to
 * wait for its time-out and fail).
 */
import { examples, Topic } from '@fenghuo/contracts';
import { createLogger, TransactionalProducer, withAdmin } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestTopics, testKafka, uniquePrefix } from '../../../test/setup/helpers.ts';
import { KafkaHistoryReader } from '../src/history.ts';

const logger = createLogger({ service: 'interceptor-test', level: 'silent' });
const prefix = uniquePrefix('history-txn');
const topics = [Topic.VehiclesSighted, Topic.UnitsPositions].map((t) => `${prefix}${t}`);
let kafka: Kafka;

beforeAll(async () => {
  kafka = testKafka('history-txn');
  await createTestTopics(kafka, topics);
});

afterAll(async () => {
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
});

it('reads a range that ends in a transaction marker, within its time-out', async () => {
  const at = Date.now() - 60_000;
  const sighting = { ...examples[Topic.VehiclesSighted], occurredAt: new Date(at).toISOString() };
  const producer = new TransactionalProducer(kafka, logger, { transactionalId: `${prefix}writer` });
  try {
    await producer.sendRaw([
      {
        topic: `${prefix}${Topic.VehiclesSighted}`,
        messages: [{ key: sighting.plate, value: JSON.stringify(sighting) }],
      },
    ]);
  } finally {
    await producer.close();
  }
  const reader = new KafkaHistoryReader({ kafka, logger, topicPrefix: prefix, timeoutMs: 8_000 });
  const started = Date.now();
  const history = await reader.read({
    plate: sighting.plate,
    from: new Date(at - 120_000).toISOString(),
    to: new Date(at + 120_000).toISOString(),
  });
  expect(history.sightings).toHaveLength(1);
  expect(Date.now() - started).toBeLessThan(8_000);
});
