import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniquePrefix } from '../../../test/setup/helpers.ts';
import { createLogger } from '../src/logger.ts';
import { closeRedis, createRedis, redisReady, renameKeyPrefix } from '../src/redis.ts';

const logger = createLogger({ service: 'redis-test', level: 'silent' });
const prefix = uniquePrefix('redis');
const clients: { quit(): Promise<unknown>; disconnect(): void }[] = [];

afterAll(async () => {
  for (const c of clients) await c.quit().catch(() => c.disconnect());
});

describe('createRedis on the real server', () => {
  it('prefixes keys and reports ready', async () => {
    const redis = createRedis({ redisUrl: testRedisUrl(), redisKeyPrefix: prefix }, logger);
    clients.push(redis);
    await redis.set('greeting', 'ni hao', 'EX', 60);
    const plain = createRedis({ redisUrl: testRedisUrl(), redisKeyPrefix: '' }, logger);
    clients.push(plain);
    expect(await plain.get(`${prefix}greeting`)).toBe('ni hao');
    expect(await redisReady(redis)).toBe(true);
  });

  it('reports not ready while the server cannot be reached', async () => {
    const redis = createRedis({ redisUrl: 'redis://127.0.0.1:1', redisKeyPrefix: prefix }, logger, {
      options: { lazyConnect: true, maxRetriesPerRequest: 0 },
    });
    clients.push(redis);
    expect(await redisReady(redis, 200)).toBe(false);
    redis.disconnect();
  });
});

describe('closeRedis', () => {
  it('quits a connected client, disconnects one that cannot connect, and is idempotent', async () => {
    const live = createRedis({ redisUrl: testRedisUrl(), redisKeyPrefix: prefix }, logger);
    await live.ping();
    await closeRedis(live);
    expect(live.status).toBe('end');
    await closeRedis(live);

    const away = createRedis({ redisUrl: 'redis://127.0.0.1:1', redisKeyPrefix: prefix }, logger, {
      options: { maxRetriesPerRequest: 0 },
    });
    await closeRedis(away);
    expect(away.status).toBe('end');
  });
});

describe('renameKeyPrefix', () => {
  it('moves a namespace once, never overwriting, and skips without its marker', async () => {
    const redis = createRedis({ redisUrl: testRedisUrl(), redisKeyPrefix: `${prefix}mv:` }, logger);
    clients.push(redis);
    expect(await renameKeyPrefix(redis, 'old:', '{new}:', 'seen')).toBe(0);
    await redis.set('old:seen', '1', 'EX', 60);
    await redis.set('old:m:1', 'a', 'EX', 60);
    await redis.set('old:m:2', 'b', 'EX', 60);
    await redis.set('{new}:m:2', 'kept', 'EX', 60);
    await redis.set('other:m:1', 'x', 'EX', 60);
    expect(await renameKeyPrefix(redis, 'old:', '{new}:', 'seen')).toBe(2);
    expect(await redis.get('{new}:m:1')).toBe('a');
    expect(await redis.get('{new}:seen')).toBe('1');
    expect(await redis.get('{new}:m:2')).toBe('kept');
    expect(await redis.get('old:m:2')).toBe('b');
    expect(await redis.get('other:m:1')).toBe('x');
    expect(await redis.pttl('{new}:m:1')).toBeGreaterThan(0);
    expect(await renameKeyPrefix(redis, 'old:', '{new}:')).toBe(0);
    await redis.del('old:m:2', '{new}:m:1', '{new}:m:2', '{new}:seen', 'other:m:1');
  });
});
