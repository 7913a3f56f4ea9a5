/**
 * Private Redis topologies for tests: a Redis Cluster or a Sentinel set-up of real redis-server
 * processes (infra/scripts/redis-topologies.ts) on free loopback ports, with data in a fresh
 * temporary folder, stopped and deleted by `stop()`. They never touch the shared Redis.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClusterConfig,
  clusterAddresses,
  downTopology,
  SENTINEL_MASTER,
  type SentinelConfig,
  sentinelAddresses,
  upRedisCluster,
  upSentinel,
} from '../../infra/scripts/redis-topologies.ts';
import { testLogger } from './helpers.ts';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `offsets` from it all free (random, so parallel test files do not meet). */
async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 300) * 100;
    const free = await Promise.all(offsets.map((o) => portFree(base + o)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free ports for a private Redis');
}

export interface PrivateRedis<C> {
  /** The variables that point a service at it (REDIS_CLUSTER_NODES, or REDIS_SENTINELS + master). */
  readonly env: Record<string, string>;
  readonly config: C;
  stop(): Promise<void>;
}

const log = (line: string) => testLogger.debug(line);

export async function startPrivateRedisCluster(
  name: string,
  opts: { replicas?: 0 | 1; nodeTimeoutMs?: number } = {},
): Promise<PrivateRedis<ClusterConfig>> {
  const replicas = opts.replicas ?? 0;
  const config: ClusterConfig = {
    dir: mkdtempSync(join(tmpdir(), `fenghuo-${name}-`)),
    host: '127.0.0.1',
    // Each node's port and its cluster bus (port + 10000).
    portBase: await freeBase(
      Array.from({ length: 3 * (1 + replicas) }, (_, i) => i).flatMap((i) => [i, i + 10_000]),
    ),
    readyTimeoutMs: 60_000,
    log,
    replicas,
    ...(opts.nodeTimeoutMs !== undefined ? { nodeTimeoutMs: opts.nodeTimeoutMs } : {}),
  };
  try {
    await upRedisCluster(config);
  } catch (err) {
    await downTopology(config, { wipe: true });
    throw err;
  }
  return {
    env: { REDIS_CLUSTER_NODES: clusterAddresses(config) },
    config,
    stop: () => downTopology(config, { wipe: true }).then(() => undefined),
  };
}

export async function startPrivateSentinel(
  name: string,
  opts: { downAfterMs?: number } = {},
): Promise<PrivateRedis<SentinelConfig>> {
  const config: SentinelConfig = {
    dir: mkdtempSync(join(tmpdir(), `fenghuo-${name}-`)),
    host: '127.0.0.1',
    portBase: await freeBase([0, 1, 100, 101, 102]),
    readyTimeoutMs: 60_000,
    log,
    ...(opts.downAfterMs !== undefined ? { downAfterMs: opts.downAfterMs } : {}),
  };
  try {
    await upSentinel(config);
  } catch (err) {
    await downTopology(config, { wipe: true });
    throw err;
  }
  return {
    env: { REDIS_SENTINELS: sentinelAddresses(config), REDIS_SENTINEL_MASTER: SENTINEL_MASTER },
    config,
    stop: () => downTopology(config, { wipe: true }).then(() => undefined),
  };
}
