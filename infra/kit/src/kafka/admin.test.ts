import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { withAdmin } from './admin.ts';

function fakeKafka(opts: { failConnect?: boolean } = {}) {
  const log: string[] = [];
  const kafka = {
    admin: () => ({
      connect: async () => {
        log.push('connect');
        if (opts.failConnect) throw new Error('ECONNREFUSED');
      },
      disconnect: async () => {
        log.push('disconnect');
      },
      listTopics: async () => ['a'],
    }),
  } as unknown as Kafka;
  return { kafka, log };
}

describe('withAdmin', () => {
  it('connects, runs and disconnects', async () => {
    const { kafka, log } = fakeKafka();
    expect(await withAdmin(kafka, (admin) => admin.listTopics())).toEqual(['a']);
    expect(log).toEqual(['connect', 'disconnect']);
  });

  it('disconnects when the work fails, and when connecting failed', async () => {
    const a = fakeKafka();
    await expect(withAdmin(a.kafka, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(a.log).toEqual(['connect', 'disconnect']);
    const b = fakeKafka({ failConnect: true });
    await expect(withAdmin(b.kafka, async () => 1)).rejects.toThrow('ECONNREFUSED');
    expect(b.log).toEqual(['connect', 'disconnect']);
  });
});
