/**
 * Upgrading a router whose keys predate the `{rt}` hash tag: the first start renames them once
 * (matters, units, jobs keep their values and TTLs), and seeding afterwards finds the units known.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../test/setup/helpers.ts';
import { cityView } from '../src/city-view.ts';
import { NS, RouterStore } from '../src/store.ts';
import { cleanRedis, defaultCity } from './support/harness.ts';

describe('router keys from before the {rt} hash tag', () => {
  const prefix = uniquePrefix('router-migrate');
  const redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });

  afterAll(async () => {
    redis.disconnect();
    await cleanRedis(prefix);
  });

  it('are moved under {rt}: once, before seeding', async () => {
    const roster = cityView(defaultCity()).roster();
    const unit = roster[0];
    expect(unit).toBeDefined();
    // An old router's state: a unit it knew (off duty), its last report, a matter, a deadline.
    await redis.hset(`rt:us:${unit?.id}`, {
      kind: unit?.kind ?? '',
      st: unit?.stationId ?? '',
      s: 'off_duty',
      o: '[]',
    });
    await redis.zadd('rt:seen', 123, unit?.id ?? '');
    await redis.hset('rt:m:incident:old-1', { v: '3', j: '{}' });
    await redis.pexpire('rt:m:incident:old-1', 60_000);
    await redis.zadd('rt:jobs', 456, 'd|ord-old-1');

    const store = new RouterStore(redis);
    expect(await store.migrate()).toBe(4);
    expect(await redis.exists('rt:seen', 'rt:jobs', 'rt:m:incident:old-1')).toBe(0);
    expect(await redis.hget(`${NS}m:incident:old-1`, 'v')).toBe('3');
    expect(await redis.pttl(`${NS}m:incident:old-1`)).toBeGreaterThan(0);
    expect(await redis.zscore(`${NS}jobs`, 'd|ord-old-1')).toBe('456');
    await store.seed(roster);
    // The unit kept its state: seeding adds only units Redis does not know.
    expect(await redis.hget(`${NS}us:${unit?.id}`, 's')).toBe('off_duty');
    expect(await store.migrate()).toBe(0);
  });
});
