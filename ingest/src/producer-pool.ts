/**
 * What ingest writes through: the kit's `TransactionalProducer` (exactly once, the default), a
 * {@link ProducerPool} of them, or the kit's idempotent `EventProducer` (at least once, with
 * `INGEST_TRANSACTIONS=false`). One transactional producer has one transaction open at a time, so
 * the event gate sends one coalesced batch per producer at a time (its `maxInFlight` is the pool's
 * size).
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TopicName } from '@fenghuo/contracts';
import type { WarmUpOptions } from '@fenghuo/kit';
import type { Message, RecordMetadata } from 'kafkajs';

export interface IngestProducer {
  sendRaw(topicMessages: readonly { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]>;
  warmUp(topics: readonly TopicName[], opts?: WarmUpOptions): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Sends through an idle member (one whose last send has settled), else through the members in
 * turn (each member queues its own sends).
 */
export class ProducerPool implements IngestProducer {
  private readonly idle: IngestProducer[];
  private next = 0;

  constructor(private readonly members: readonly IngestProducer[]) {
    if (members.length === 0) throw new Error('a producer pool needs at least one producer');
    this.idle = [...members].reverse();
  }

  get size(): number {
    return this.members.length;
  }

  async sendRaw(topicMessages: readonly { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]> {
    const taken = this.idle.pop();
    const member = taken ?? this.members[this.next++ % this.members.length]!;
    try {
      return await member.sendRaw(topicMessages);
    } finally {
      if (taken) this.idle.push(taken);
    }
  }

  async warmUp(topics: readonly TopicName[], opts?: WarmUpOptions): Promise<void> {
    await Promise.all(this.members.map((m) => m.warmUp(topics, opts)));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.close()));
  }
}

/** Producers created in this process so far (numbers the transactionalIds). */
let created = 0;

/**
 * The transactionalIds for `count` producers of one running ingest: `ingest-<instance>-<n>`, where
 * the instance is `INGEST_INSTANCE_ID`, or else `<hostname>-<pid>-<6 random hex>`, and n counts the
 * producers this process created. Unique per running instance: two producers sharing an id fence
 * each other (the older one's sends fail). The random part keeps ids apart where hostname and pid
 * repeat (containers, several ingests in one test process's worker threads); a restart therefore
 * gets new ids, and a transaction the old process left open is aborted by the coordinator after
 * the transaction time-out. A configured instance id keeps them across restarts instead, so a
 * restarted instance fences its predecessor at once.
 */
export function transactionalIds(count: number, instanceId = ''): string[] {
  const instance = instanceId || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return Array.from({ length: count }, () => `ingest-${instance}-${++created}`);
}
