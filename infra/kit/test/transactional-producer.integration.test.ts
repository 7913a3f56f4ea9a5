/**
 * The transactional producer against the real broker, with the answers of chosen requests replaced
 * by a cut connection (what the peer of a SIGKILLed leader or coordinator sees; the technique of
 * `producer-ambiguous-send.integration.test.ts`): a send the broker wrote but whose answer was lost
 * is aborted, so a read_committed consumer never sees it and the caller's retry is the only copy;
 * the same holds when the abort's answer is lost too; and a commit whose answer is lost is reported
 * as unknown, because it may well have been applied, and then found out; an attempt aborted is
 * tried again in a new transaction and read once.
 */
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cuttingSocketFactory, KAFKA_API } from '../../../test/setup/cutting-socket.ts';
import { createTestTopics, readAll, testKafka, uniquePrefix } from '../../../test/setup/helpers.ts';
import { failureAction } from '../src/errors.ts';
import { withAdmin } from '../src/kafka/admin.ts';
import {
  TransactionAbortedError,
  TransactionalProducer,
  TransactionOutcomeUnknownError,
} from '../src/kafka/transactional-producer.ts';
import { createLogger } from '../src/logger.ts';

const API = KAFKA_API;
const logger = createLogger({ service: 'kit-test', level: 'silent' });
const prefix = uniquePrefix('kit-txn');

/** How many of the next requests of each API key get their answer replaced by a cut connection. */
const cut = new Map<number, number>();

let kafka: Kafka;
const producers: TransactionalProducer[] = [];

/** A producer on its own one-partition topic; one attempt per send unless told otherwise. */
async function setUp(
  name: string,
  attempts = 1,
): Promise<{ topic: string; producer: TransactionalProducer }> {
  const topic = `${prefix}${name}`;
  await createTestTopics(kafka, [topic]);
  const producer = new TransactionalProducer(kafka, logger, {
    transactionalId: `${prefix}${name}`,
    transactionTimeoutMs: 10_000,
    attempts,
  });
  producers.push(producer);
  return { topic, producer };
}

const values = (records: { value: string | null }[]) => records.map((r) => r.value);

beforeAll(() => {
  kafka = testKafka('kit-txn', { socketFactory: cuttingSocketFactory(cut) });
});

afterAll(async () => {
  cut.clear();
  await Promise.allSettled(producers.map((p) => p.close()));
  const topics = ['aborted', 'abort-lost', 'commit-lost', 'retried'].map((n) => `${prefix}${n}`);
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
});

it('aborts a send that was written but failed on the client: the retry is the only copy read', async () => {
  const { topic, producer } = await setUp('aborted');
  await producer.sendRaw([{ topic, messages: [{ value: 'first' }] }]);
  cut.set(API.produce, 1);
  const failed = await producer
    .sendRaw([{ topic, messages: [{ value: 'written, answer lost' }] }])
    .catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(TransactionAbortedError);
  expect(failureAction(failed)).toBe('retry');
  cut.clear(); // (kafkajs may give up before its retry reaches the broker)
  // The caller retries; then other records follow (same count: kafkajs's handed-back sequence
  // numbers would have had them dropped as duplicates without the new producer epoch).
  await producer.sendRaw([{ topic, messages: [{ value: 'written, answer lost' }] }]);
  await producer.sendRaw([{ topic, messages: [{ value: 'next' }] }]);

  expect(values(await readAll(kafka, topic))).toEqual(['first', 'written, answer lost', 'next']);
  // The failed send had been written: the ambiguity was real, the abort is what hides it.
  expect(values(await readAll(kafka, topic, { readUncommitted: true }))).toEqual([
    'first',
    'written, answer lost',
    'written, answer lost',
    'next',
  ]);
});

it('still hides the failed send when the abort fails too (the new producer epoch aborts it)', async () => {
  const { topic, producer } = await setUp('abort-lost');
  await producer.sendRaw([{ topic, messages: [{ value: 'first' }] }]);
  cut.set(API.produce, 1);
  cut.set(API.endTxn, 1);
  const failed = await producer
    .sendRaw([{ topic, messages: [{ value: 'written, abort lost' }] }])
    .catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(TransactionAbortedError);
  expect(cut.get(API.endTxn)).toBe(0); // the abort's answer was lost
  cut.clear(); // (kafkajs may give up before its retry reaches the broker)
  await producer.sendRaw([{ topic, messages: [{ value: 'written, abort lost' }] }]);

  expect(values(await readAll(kafka, topic))).toEqual(['first', 'written, abort lost']);
  expect(values(await readAll(kafka, topic, { readUncommitted: true }))).toEqual([
    'first',
    'written, abort lost',
    'written, abort lost',
  ]);
});

it('reports a commit whose answer was lost as unknown: it may have been applied', async () => {
  const { topic, producer } = await setUp('commit-lost');
  await producer.sendRaw([{ topic, messages: [{ value: 'first' }] }]);
  cut.set(API.endTxn, 1);
  const failed = await producer
    .sendRaw([{ topic, messages: [{ value: 'committed, answer lost' }] }])
    .catch((err: unknown) => err);
  expect(cut.get(API.endTxn)).toBe(0);
  expect(failed).toBeInstanceOf(TransactionOutcomeUnknownError);
  expect(failureAction(failed)).toBe('retry');
  // The producer finds out: here the coordinator had committed.
  await expect((failed as TransactionOutcomeUnknownError).committed).resolves.toBe(true);
  await producer.sendRaw([{ topic, messages: [{ value: 'next' }] }]);

  // The records are visible, so a caller must not take an unanswered commit for "nothing written"
  // (ingest keeps its dedupe claims pending until the producer found out).
  expect(values(await readAll(kafka, topic))).toEqual(['first', 'committed, answer lost', 'next']);
});

it('tries an aborted attempt again in a new transaction: the records are read once', async () => {
  const { topic, producer } = await setUp('retried', 3);
  await producer.sendRaw([{ topic, messages: [{ value: 'first' }] }]);
  cut.set(API.produce, 1);
  await producer.sendRaw([{ topic, messages: [{ value: 'written, answer lost, tried again' }] }]);
  expect(cut.get(API.produce)).toBe(0);

  expect(values(await readAll(kafka, topic))).toEqual(['first', 'written, answer lost, tried again']);
  expect(values(await readAll(kafka, topic, { readUncommitted: true }))).toEqual([
    'first',
    'written, answer lost, tried again',
    'written, answer lost, tried again',
  ]);
});
