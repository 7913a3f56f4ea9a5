import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../test/setup/helpers.ts';
import { emptyState, RedisStateStore, stateKey } from '../src/index.ts';

describe('RedisStateStore on real Redis', () => {
  const prefix = uniquePrefix('fraud-state');
  const redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
  const store = new RedisStateStore(redis);

  afterAll(async () => {
    const raw = new Redis(inject('redisUrl'));
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
    redis.disconnect();
  });

  it('loads absent subjects as version 0 and saves with compare-and-set, reporting only the losers', async () => {
    const loaded = await store.load(['a', 'b'], Date.now());
    expect(loaded.get('a')).toEqual({ version: '0', state: undefined });
    const s = { ...emptyState(), lastT: 42 };
    const lost = await store.save(
      [
        { subjectId: 'a', expectedVersion: '0', state: s },
        { subjectId: 'b', expectedVersion: '0', state: s },
      ],
      { ttlMs: 60_000, nowMs: Date.now() },
    );
    expect([...lost]).toEqual([]);
    // A stale writer (expects 0, the key is at 1) loses; a current one (expects 1) wins.
    const second = await store.save(
      [
        { subjectId: 'a', expectedVersion: '0', state: { ...s, lastT: 1 } },
        { subjectId: 'b', expectedVersion: '1', state: { ...s, lastT: 2 } },
      ],
      { ttlMs: 60_000, nowMs: Date.now() },
    );
    expect([...second]).toEqual(['a']);
    const after = await store.load(['a', 'b'], Date.now());
    expect(after.get('a')).toEqual({ version: '1', state: s });
    expect(after.get('b')?.version).toBe('2');
    expect(after.get('b')?.state?.lastT).toBe(2);
    const ttl = await redis.pttl(stateKey('b'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps a namespace of its own: a shadow store never sees or touches the live states', async () => {
    const shadow = new RedisStateStore(redis, { namespace: 'fs:shadow:v9:' });
    const live = await store.load(['a'], Date.now());
    expect(live.get('a')?.version).toBe('1');
    expect((await shadow.load(['a'], Date.now())).get('a')).toEqual({ version: '0', state: undefined });
    const lost = await shadow.save([{ subjectId: 'a', expectedVersion: '0', state: emptyState() }], {
      ttlMs: 60_000,
      nowMs: Date.now(),
    });
    expect([...lost]).toEqual([]);
    expect(await redis.exists(stateKey('a', 'fs:shadow:v9:'))).toBe(1);
    expect(await store.load(['a'], Date.now())).toEqual(live);
  });
});
