/**
 * Ingest on a Redis Cluster of three masters (private redis-server processes, the shared Redis
 * untouched): a batch's dedupe claims and residents' sealed contacts hash to slots on every
 * master, and are split per slot (one script call or pipeline each): the batch is accepted once,
 * the same batch again is all duplicates, and the keys are spread over the masters.
 */
import type { CallIndicator } from '@fenghuo/contracts';
import { keySlot } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterConfig } from '../../infra/scripts/redis-topologies.ts';
import { type PrivateRedis, startPrivateRedisCluster } from '../../test/setup/redis-topology.ts';
import { type Harness, startHarness } from './harness.ts';

function events(prefix: string, n: number): CallIndicator[] {
  return Array.from({ length: n }, (_, i) => ({
    version: 1,
    eventId: `${prefix}e${i}`,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    subjectId: `${prefix}resident-${i}`,
    kind: 'call',
    callerNumber: `170${String(i).padStart(8, '0')}`,
    direction: 'inbound',
    durationSec: 60,
    callerListed: false,
    subjectContact: { phone: `1380013${String(i).padStart(4, '0')}`, name: `居民 ${i}` },
  }));
}

describe('ingest on a three-master Redis Cluster', () => {
  let cluster: PrivateRedis<ClusterConfig> | undefined;
  let h: Harness | undefined;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster('ingest-cluster');
    h = await startHarness({
      name: 'ingest-cluster',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      env: cluster.env,
    });
  });

  afterAll(async () => {
    await h?.close();
    await cluster?.stop();
  });

  it('accepts a batch once, refuses it again as duplicates, its keys spread over the masters', async () => {
    const harness = h as Harness;
    const c = cluster as PrivateRedis<ClusterConfig>;
    const key = harness.service.keys.addKey('bank-cluster', { kinds: ['fraud-indicators'] }).key;
    const batch = events(harness.prefix, 60);
    const first = await harness.postRetrying('/v1/fraud-indicators', batch, { key });
    expect(first.status, first.text).toBe(202);
    expect(first.json).toMatchObject({ accepted: 60, duplicates: 0 });
    const again = await harness.postRetrying('/v1/fraud-indicators', batch, { key });
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 60 });

    const byMaster = new Map<number, string[]>();
    for (let i = 0; i < 3; i++) {
      const node = new Redis({ host: c.config.host, port: c.config.portBase + i, lazyConnect: true });
      try {
        byMaster.set(i, await node.keys(`${harness.prefix}*`));
      } finally {
        node.disconnect();
      }
    }
    const all = [...byMaster.values()].flat();
    const dedupe = all.filter((k) => k.includes('ingest:dedupe:'));
    const contacts = all.filter((k) => k.includes('contact:'));
    expect(dedupe).toHaveLength(60);
    expect(contacts).toHaveLength(60);
    expect([...byMaster.values()].filter((keys) => keys.length > 0).length).toBe(3);
    expect(new Set(dedupe.map(keySlot)).size).toBeGreaterThan(30);
  });
});
