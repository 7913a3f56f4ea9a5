/** The Redis dedupe claims on the real Redis: claim, in-flight, commit with TTL, token-checked release. */
import { createLogger, createRedis, type RedisClient } from '@fenghuo/kit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../test/setup/helpers.ts';
import { RedisDedupeStore } from '../src/dedupe.ts';

describe('RedisDedupeStore', () => {
  let redis: RedisClient;
  let prefix: string;
  let store: RedisDedupeStore;

  beforeAll(() => {
    prefix = uniquePrefix('ingest-dedupe');
    redis = createRedis(
      { redisUrl: inject('redisUrl'), redisKeyPrefix: prefix },
      createLogger({ service: 'test', level: 'silent' }),
    );
    store = new RedisDedupeStore(redis, { pendingTtlMs: 5_000, windowSec: 120 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await (redis as Redis).duplicate({ keyPrefix: '' }).unlink(...keys);
    await redis.quit();
  });

  it('claims new ids, reports in-flight and done ones, and keeps done ones for the window', async () => {
    const a = await store.claim('src', ['e1', 'e2']);
    expect(a.states).toEqual(['claimed', 'claimed']);
    const b = await store.claim('src', ['e1', 'e3']);
    expect(b.states).toEqual(['in_flight', 'claimed']);
    expect(await store.claim('other', ['e1'])).toMatchObject({ states: ['claimed'] });
    await store.commit('src', ['e1', 'e2']);
    expect((await store.claim('src', ['e1', 'e2'])).states).toEqual(['duplicate', 'duplicate']);
    const ttl = await redis.ttl(store.key('src', 'e1'));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await redis.pttl(store.key('src', 'e3'))).toBeLessThanOrEqual(5_000);
  });

  it('releases only its own pending claims', async () => {
    const mine = await store.claim('src', ['r1']);
    await store.release('src', ['r1'], 'p:someone-else');
    expect((await store.claim('src', ['r1'])).states).toEqual(['in_flight']);
    await store.release('src', ['r1'], mine.token);
    expect((await store.claim('src', ['r1'])).states).toEqual(['claimed']);
    // A done mark is never released.
    await store.commit('src', ['r1']);
    await store.release('src', ['r1'], mine.token);
    expect((await store.claim('src', ['r1'])).states).toEqual(['duplicate']);
  });
});
