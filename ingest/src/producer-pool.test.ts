import type { Message, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { type IngestProducer, ProducerPool, transactionalIds } from './producer-pool.ts';

/** A producer whose sends the test settles. */
function manual(name: string) {
  const pending: { resolve: () => void }[] = [];
  const member: IngestProducer & { sends: number; closed: number } = {
    sends: 0,
    closed: 0,
    sendRaw: (_batch: readonly { topic: string; messages: Message[] }[]) => {
      member.sends++;
      return new Promise<RecordMetadata[]>((resolve) =>
        pending.push({ resolve: () => resolve([{ topicName: name, partition: 0, errorCode: 0 }]) }),
      );
    },
    warmUp: async () => {},
    close: async () => {
      member.closed++;
    },
  };
  return { member, pending };
}

const batch = [{ topic: 't', messages: [{ value: 'x' }] }];

describe('ProducerPool', () => {
  it('sends through an idle member, so concurrent sends use different producers', async () => {
    const a = manual('a');
    const b = manual('b');
    const pool = new ProducerPool([a.member, b.member]);
    const first = pool.sendRaw(batch);
    const second = pool.sendRaw(batch);
    expect([a.member.sends, b.member.sends]).toEqual([1, 1]);
    a.pending[0]!.resolve();
    await expect(first).resolves.toEqual([{ topicName: 'a', partition: 0, errorCode: 0 }]);
    // a is idle again, b is busy: the next send goes to a.
    const third = pool.sendRaw(batch);
    expect([a.member.sends, b.member.sends]).toEqual([2, 1]);
    b.pending[0]!.resolve();
    a.pending[1]!.resolve();
    await Promise.all([second, third]);
    await pool.close();
    expect([a.member.closed, b.member.closed]).toEqual([1, 1]);
  });

  it('queues on the members in turn when none is idle', async () => {
    const a = manual('a');
    const pool = new ProducerPool([a.member]);
    const sends = [pool.sendRaw(batch), pool.sendRaw(batch)];
    expect(a.member.sends).toBe(2);
    for (const p of a.pending) p.resolve();
    await Promise.all(sends);
  });
});

describe('transactionalIds', () => {
  it('are unique per running instance, and named after a configured instance id', () => {
    const one = transactionalIds(2);
    const other = transactionalIds(2);
    expect(new Set([...one, ...other]).size).toBe(4);
    expect(one[0]).toMatch(/^ingest-.+-[0-9a-f]{6}-\d+$/);
    expect(transactionalIds(1, 'ingest-a')[0]).toMatch(/^ingest-ingest-a-\d+$/);
  });
});
