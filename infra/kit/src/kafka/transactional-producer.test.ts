import { type Kafka, KafkaJSConnectionError, KafkaJSProtocolError, type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { failureAction } from '../errors.ts';
import { createLogger } from '../logger.ts';
import {
  isTransactionOutcomeUnknown,
  TransactionAbortedError,
  TransactionalProducer,
  TransactionOutcomeUnknownError,
} from './transactional-producer.ts';

type Step = 'send' | 'commit' | 'abort';

/**
 * A Kafka client whose producers are scripted: `fail(n, step)` says whether producer n's step of
 * its current transaction fails (and with what). Records what each producer was asked to do.
 */
function scriptedKafka(fail: (producer: number, step: Step) => Error | undefined = () => undefined) {
  const made: { config: Record<string, unknown>; log: string[] }[] = [];
  let open = 0;
  let maxOpen = 0;
  const kafka = {
    producer: (config: Record<string, unknown>) => {
      const index = made.length;
      const log: string[] = [];
      made.push({ config, log });
      const step = async (name: Step) => {
        log.push(name);
        await new Promise((r) => setImmediate(r));
        const err = fail(index, name);
        if (err) throw err;
      };
      return {
        connect: async () => void log.push('connect'),
        disconnect: async () => void log.push('disconnect'),
        transaction: async () => {
          log.push('begin');
          let active = true;
          open++;
          maxOpen = Math.max(maxOpen, open);
          const end = () => {
            if (active) open--;
            active = false;
          };
          return {
            isActive: () => active,
            sendBatch: async () => {
              await step('send');
              return [{ topicName: 't', partition: 0, errorCode: 0 }];
            },
            commit: async () => {
              try {
                await step('commit');
              } finally {
                end();
              }
            },
            abort: async () => {
              try {
                await step('abort');
              } finally {
                end();
              }
            },
          };
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made, maxOpen: () => maxOpen };
}

const batch = [{ topic: 't', messages: [{ value: 'x' }] }];
const logger = createLogger({ service: 'txn-producer-test', level: 'silent' });
const cut = () => new KafkaJSConnectionError('Connection error: read ECONNRESET');
const refused = () =>
  Object.assign(
    new KafkaJSProtocolError('The producer attempted to use a producer id which is not currently assigned'),
    {
      type: 'INVALID_PRODUCER_ID_MAPPING',
      code: 49,
    },
  );
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('TransactionalProducer', () => {
  it('runs one transaction at a time, each begin → send → commit', async () => {
    const { kafka, made, maxOpen } = scriptedKafka();
    const producer = new TransactionalProducer(kafka, logger, { transactionalId: 'ingest-x-1' });
    await Promise.all([producer.sendRaw(batch), producer.sendRaw(batch), producer.sendRaw(batch)]);
    expect(maxOpen()).toBe(1);
    expect(made).toHaveLength(1);
    expect(made[0]?.config).toMatchObject({
      transactionalId: 'ingest-x-1',
      retry: { retries: 0 },
      maxInFlightRequests: 1,
    });
    // connect, then the initialising empty transaction (begin, abort: no request in kafkajs)
    expect(made[0]?.log.slice(0, 3)).toEqual(['connect', 'begin', 'abort']);
    expect(made[0]?.log.slice(3)).toEqual([
      'begin',
      'send',
      'commit',
      'begin',
      'send',
      'commit',
      'begin',
      'send',
      'commit',
    ]);
    await producer.close();
  });

  it('aborts after a failed send and continues with a new producer of the same transactionalId', async () => {
    const { kafka, made } = scriptedKafka((n, step) => (n === 0 && step === 'send' ? cut() : undefined));
    const producer = new TransactionalProducer(kafka, logger, { transactionalId: 'ingest-x-2', attempts: 1 });
    const failed = await producer.sendRaw(batch).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransactionAbortedError);
    expect(failureAction(failed)).toBe('retry');
    expect(made[0]?.log.slice(-3)).toEqual(['send', 'abort', 'disconnect']);
    await settle();
    // The replacement initialised at once (connect, begin): its InitProducerId fences the old epoch.
    expect(made[1]?.config).toMatchObject({ transactionalId: 'ingest-x-2' });
    expect(made[1]?.log.slice(0, 2)).toEqual(['connect', 'begin']);
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(2);
    await producer.close();
  });

  it('tries an aborted attempt again in a new transaction, within its attempts', async () => {
    const { kafka, made } = scriptedKafka((n, step) => (n < 2 && step === 'send' ? cut() : undefined));
    const producer = new TransactionalProducer(kafka, logger, {
      transactionalId: 'ingest-x-6',
      attempts: 3,
      retryBackoffMs: 1,
    });
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(3);
    expect(made[2]?.log.slice(-3)).toEqual(['begin', 'send', 'commit']);
    await producer.close();

    const two = scriptedKafka((_n, step) => (step === 'send' ? cut() : undefined));
    const giving = new TransactionalProducer(two.kafka, logger, {
      transactionalId: 'ingest-x-7',
      attempts: 2,
      retryBackoffMs: 1,
    });
    await expect(giving.sendRaw(batch)).rejects.toBeInstanceOf(TransactionAbortedError);
    expect(two.made.flatMap((m) => m.log).filter((step) => step === 'send')).toHaveLength(2);
    await giving.close();
  });

  it('waits out a coordinator still completing the transaction before, without using up attempts', async () => {
    // CONCURRENT_TRANSACTIONS: what a coordinator answers while it completes an abort or a fencing.
    const busy = () =>
      Object.assign(new KafkaJSProtocolError('another concurrent operation on the same transaction'), {
        type: 'CONCURRENT_TRANSACTIONS',
        code: 51,
      });
    const { kafka, made } = scriptedKafka((n, step) => (n < 3 && step === 'send' ? busy() : undefined));
    const producer = new TransactionalProducer(kafka, logger, {
      transactionalId: 'ingest-x-8',
      attempts: 1,
      retryBackoffMs: 1,
      retryBudgetMs: 5_000,
    });
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(4);
    await producer.close();

    // Within its budget only.
    const slow = scriptedKafka((_n, step) => (step === 'send' ? busy() : undefined));
    const giving = new TransactionalProducer(slow.kafka, logger, {
      transactionalId: 'ingest-x-9',
      attempts: 1,
      retryBackoffMs: 5,
      retryBudgetMs: 50,
    });
    await expect(giving.sendRaw(batch)).rejects.toBeInstanceOf(TransactionAbortedError);
    await giving.close();
  });

  it('replaces the producer when the abort fails too', async () => {
    const { kafka, made } = scriptedKafka((n, step) => (n === 0 && step !== 'commit' ? cut() : undefined));
    const producer = new TransactionalProducer(kafka, logger, { transactionalId: 'ingest-x-3', attempts: 1 });
    await producer.connect().catch(() => undefined); // its initialising abort fails: retried by the send
    const failed = await producer.sendRaw(batch).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransactionAbortedError);
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(2);
    await producer.close();
  });

  it('reports a commit cut on the client as unknown, a commit refused by the broker as aborted', async () => {
    let answer: () => Error = cut;
    const { kafka, made } = scriptedKafka((n, step) => (n < 2 && step === 'commit' ? answer() : undefined));
    const producer = new TransactionalProducer(kafka, logger, { transactionalId: 'ingest-x-4', attempts: 1 });
    await producer.connect();
    const unknown = await producer.sendRaw(batch).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(isTransactionOutcomeUnknown(unknown)).toBe(true);
    expect(failureAction(unknown)).toBe('retry');
    expect(made[0]?.log.slice(3)).not.toContain('abort'); // (after the initialising one)
    answer = refused;
    const aborted = await producer.sendRaw(batch).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(TransactionAbortedError);
    expect(isTransactionOutcomeUnknown(aborted)).toBe(false);
    await expect(producer.sendRaw(batch)).resolves.toHaveLength(1);
    expect(made).toHaveLength(3);
    await producer.close();
  });

  it('reports a commit answered NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or CONCURRENT_TRANSACTIONS as unknown, and does not try it again', async () => {
    // The coordinator gives the first two also when writing its commit decision to the transaction
    // log failed or timed out after the write reached the log's leader: the commit may still be
    // applied, so the records must not be taken as aborted (released claims, a retry: twice).
    for (const [type, code] of [
      ['NOT_COORDINATOR', 16],
      ['COORDINATOR_NOT_AVAILABLE', 15],
      ['CONCURRENT_TRANSACTIONS', 51],
    ] as const) {
      const undecided = () =>
        Object.assign(new KafkaJSProtocolError(`commit answered ${type}`), { type, code });
      const { kafka, made } = scriptedKafka((n, step) =>
        n === 0 && step === 'commit' ? undecided() : undefined,
      );
      const producer = new TransactionalProducer(kafka, logger, {
        transactionalId: `ingest-x-10-${code}`,
        attempts: 3,
        retryBackoffMs: 1,
      });
      const failed = await producer.sendRaw(batch).catch((e: unknown) => e);
      expect(failed, type).toBeInstanceOf(TransactionOutcomeUnknownError);
      expect(isTransactionOutcomeUnknown(failed), type).toBe(true);
      // One transaction only: not tried again in a new one (that would write the records twice).
      expect(
        made.flatMap((m) => m.log).filter((step) => step === 'send'),
        type,
      ).toHaveLength(1);
      await producer.close();
    }
  });

  it('close waits for the transaction in progress and is idempotent', async () => {
    const { kafka, made } = scriptedKafka();
    const producer = new TransactionalProducer(kafka, logger, { transactionalId: 'ingest-x-5' });
    const sending = producer.sendRaw(batch);
    await Promise.all([producer.close(), producer.close()]);
    await expect(sending).resolves.toHaveLength(1);
    expect(made[0]?.log.at(-1)).toBe('disconnect');
    expect(made[0]?.log.filter((s) => s === 'disconnect')).toHaveLength(1);
    await expect(producer.sendRaw(batch)).rejects.toThrow(/closed/);
  });
});
