import { type Kafka, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { failureAction } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { EventProducer, isSequenceDesync, ProducerResetError } from './producer.ts';

// What kafkajs throws for broker error 45 (its constructor's typing takes only a message).
const outOfOrder = () =>
  Object.assign(new KafkaJSProtocolError('The broker received an out of order sequence number'), {
    type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    code: 45,
  });

/** A Kafka client whose producers are scripted: producer n answers every send with `answers[n]`. */
function scriptedKafka(answers: ((n: number) => Promise<unknown>)[]) {
  const made: { connects: number; disconnects: number; sends: number }[] = [];
  const kafka = {
    producer: () => {
      const index = made.length;
      const stats = { connects: 0, disconnects: 0, sends: 0 };
      made.push(stats);
      return {
        connect: async () => void stats.connects++,
        disconnect: async () => void stats.disconnects++,
        sendBatch: () => {
          stats.sends++;
          const answer = answers[index] ?? (async () => [{ topicName: 't', partition: 0, errorCode: 0 }]);
          return answer(stats.sends);
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const batch = [{ topic: 't', messages: [{ value: 'x' }] }];
const logger = createLogger({ service: 'producer-test', level: 'silent' });

describe('EventProducer after a sequence desync', () => {
  it('fails that send, then sends through a new producer (new producer id) and drops the old one', async () => {
    const { kafka, made } = scriptedKafka([() => Promise.reject(outOfOrder())]);
    const producer = new EventProducer(kafka, logger);
    const failed = await producer.sendRaw(batch).catch((err: unknown) => err);
    // Retriable, so a consumer retries the batch instead of dead-lettering it.
    expect(failed).toBeInstanceOf(ProducerResetError);
    expect(failureAction(failed)).toBe('retry');
    expect((failed as Error).message).toMatch(/out of order sequence/);
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(2);
    expect(made[0]).toMatchObject({ disconnects: 1, sends: 1 });
    expect(made[1]).toMatchObject({ connects: 1, sends: 1 });
    await producer.close();
    expect(made[1]?.disconnects).toBe(1);
  });

  it('replaces the producer once when several in-flight sends fail together', async () => {
    const { kafka, made } = scriptedKafka([() => Promise.reject(outOfOrder())]);
    const producer = new EventProducer(kafka, logger);
    const results = await Promise.allSettled([producer.sendRaw(batch), producer.sendRaw(batch)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(made).toHaveLength(2);
  });

  it('never reuses the sequence numbers of any failed send: the next send goes through a new producer', async () => {
    // A request that failed on the client may have been written; kafkajs hands its sequence numbers
    // back, and other records sent under them are taken by the broker for a retry and dropped.
    const { kafka, made } = scriptedKafka([
      (n) => (n === 1 ? Promise.reject(new Error('Connection error: socket closed')) : Promise.resolve([])),
    ]);
    const producer = new EventProducer(kafka, logger);
    await expect(producer.sendRaw(batch)).rejects.toThrow(/socket closed/);
    await producer.sendRaw(batch);
    expect(made).toHaveLength(2);
    expect(made[0]).toMatchObject({ disconnects: 1, sends: 1 });
    expect(made[1]).toMatchObject({ connects: 1, sends: 1 });
    await producer.close();
  });

  it('makes a send retriable when another send replaced its producer while it was in flight', async () => {
    // The first send fails on the client; the second, queued on the same producer, is then cut off
    // by its disconnect with kafkajs's non-retriable error. A consumer must retry it, not dead-letter.
    let cutOff: (err: Error) => void = () => undefined;
    const { kafka, made } = scriptedKafka([
      (n) =>
        n === 1
          ? Promise.reject(new Error('Connection error: socket closed'))
          : new Promise((_, reject) => {
              cutOff = reject;
            }),
    ]);
    const producer = new EventProducer(kafka, logger);
    const failing = producer.sendRaw(batch).catch((err: unknown) => err);
    const queued = producer.sendRaw(batch).catch((err: unknown) => err);
    await failing;
    cutOff(Object.assign(new Error('The producer is disconnected'), { retriable: false }));
    const cut = await queued;
    expect(cut).toBeInstanceOf(ProducerResetError);
    expect(failureAction(cut)).toBe('retry');
    expect(made).toHaveLength(2);
    await producer.close();
  });

  it('keeps its producer while sends succeed', async () => {
    const { kafka, made } = scriptedKafka([]);
    const producer = new EventProducer(kafka, logger);
    await producer.sendRaw(batch);
    await producer.sendRaw(batch);
    expect(made).toHaveLength(1);
    expect(made[0]?.sends).toBe(2);
    await producer.close();
  });

  it('recognises the desync inside kafkajs retry errors', () => {
    expect(isSequenceDesync(outOfOrder())).toBe(true);
    expect(
      isSequenceDesync(new KafkaJSNumberOfRetriesExceeded(outOfOrder(), { retryCount: 5, retryTime: 1 })),
    ).toBe(true);
    expect(isSequenceDesync(new Error('other'))).toBe(false);
  });
});
