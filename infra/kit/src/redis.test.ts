import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parseConfig, redisConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { createLogger } from './logger.ts';
import {
  createRedis,
  createStandaloneRedis,
  describeRedis,
  groupBySlot,
  keySlot,
  redisMode,
} from './redis.ts';

const logger = createLogger({ service: 'redis-unit', level: 'silent' });
const lazy = { options: { lazyConnect: true } };

describe('redis settings', () => {
  it('parses sentinel and cluster node lists', () => {
    const c = parseConfig(redisConfig, {
      REDIS_SENTINELS: '127.0.0.1:26379, sentinel-b:26380',
      REDIS_SENTINEL_MASTER: 'fenghuo',
    });
    expect(c.redisSentinels).toEqual([
      { host: '127.0.0.1', port: 26379 },
      { host: 'sentinel-b', port: 26380 },
    ]);
    expect(redisMode(c)).toEqual({ kind: 'sentinel', sentinels: c.redisSentinels, master: 'fenghuo' });
    expect(describeRedis(c)).toBe('sentinel fenghuo via 127.0.0.1:26379,sentinel-b:26380');
    const k = parseConfig(redisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1:7001,[::1]:7002' });
    expect(redisMode(k)).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(redisMode(parseConfig(redisConfig, {})).kind).toBe('single');
    expect(describeRedis(parseConfig(redisConfig, { REDIS_URL: 'redis://:secret@h:6380/2' }))).toBe(
      'redis://h:6380/2',
    );
  });

  it('names a malformed node list', () => {
    expect(() => parseConfig(redisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(
      /REDIS_CLUSTER_NODES: must be host:port, got "127.0.0.1"/,
    );
    expect(() => parseConfig(redisConfig, { REDIS_SENTINELS: 'h:70000' })).toThrow(/REDIS_SENTINELS/);
  });

  it('refuses conflicting or incomplete modes, naming the variables', () => {
    const both = parseConfig(redisConfig, {
      REDIS_SENTINELS: 'a:1',
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_CLUSTER_NODES: 'b:2',
    });
    expect(() => createRedis(both, logger, lazy)).toThrow(ConfigError);
    expect(() => redisMode(both)).toThrow(/REDIS_CLUSTER_NODES: set together with REDIS_SENTINELS/);
    expect(() => redisMode(parseConfig(redisConfig, { REDIS_SENTINELS: 'a:1' }))).toThrow(
      /REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/,
    );
    expect(() => redisMode(parseConfig(redisConfig, { REDIS_SENTINEL_MASTER: 'm' }))).toThrow(
      /REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER/,
    );
  });

  it('builds the client the settings name', () => {
    const single = createRedis(parseConfig(redisConfig, {}), logger, lazy);
    const sentinel = createRedis(
      parseConfig(redisConfig, { REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_MASTER: 'm' }),
      logger,
      lazy,
    );
    const cluster = createRedis(
      parseConfig(redisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1:1' }),
      logger,
      lazy,
    );
    try {
      expect(single).toBeInstanceOf(Redis);
      expect(sentinel).toBeInstanceOf(Redis);
      expect((sentinel as Redis).options.sentinels).toEqual([{ host: '127.0.0.1', port: 1 }]);
      expect(cluster).toBeInstanceOf(Cluster);
      expect(cluster.options.keyPrefix).toBe('fh:');
      expect(() =>
        createStandaloneRedis(parseConfig(redisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1:1' }), logger, {
          ...lazy,
          connectionName: 'gateway',
        }),
      ).toThrow(/gateway does not run on Redis Cluster/);
    } finally {
      for (const c of [single, sentinel, cluster]) c.disconnect();
    }
  });
});

describe('hash slots', () => {
  it('matches Redis Cluster (CRC16 mod 16384, hash tags)', () => {
    // Values from CLUSTER KEYSLOT.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('fh:{rt}:m:incident:1')).toBe(keySlot('rt'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    // An empty tag is no tag: the whole name counts.
    expect(keySlot('a{}b')).not.toBe(keySlot(''));
  });

  it('groups keys by slot on a cluster and keeps them together on one server', () => {
    const single = createRedis(parseConfig(redisConfig, {}), logger, lazy);
    const cluster = createRedis(
      parseConfig(redisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1:1' }),
      logger,
      lazy,
    );
    try {
      const keys = ['{a}:1', 's:x', '{a}:2', 's:y'];
      expect(groupBySlot(single, keys)).toEqual([[0, 1, 2, 3]]);
      const groups = groupBySlot(cluster, keys);
      expect(groups.flat().sort()).toEqual([0, 1, 2, 3]);
      expect(groups.find((g) => g.includes(0))).toEqual([0, 2]);
      for (const g of groups) expect(new Set(g.map((i) => keySlot(`fh:${keys[i]}`))).size).toBe(1);
    } finally {
      single.disconnect();
      cluster.disconnect();
    }
  });
});
