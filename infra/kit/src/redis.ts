/**
 * ioredis client factory, one for every service: key prefix, bounded reconnect back-off, and errors
 * logged (not thrown unhandled). Which Redis comes from the environment ({@link redisConfig}):
 *
 * - `REDIS_URL` alone (the default): one server.
 * - `REDIS_SENTINELS` + `REDIS_SENTINEL_MASTER`: the sentinels name the primary; after a failover
 *   the client reconnects to the promoted replica (it asks the sentinels again on every reconnect,
 *   and `READONLY` from a demoted primary forces a reconnect).
 * - `REDIS_CLUSTER_NODES`: a Redis Cluster (`Cluster` client). Scripts and multi-key commands must
 *   then keep their keys in one hash slot: see {@link keySlot} and {@link groupBySlot}.
 *
 * In the last two modes REDIS_URL still gives the password (and, for Sentinel, the database).
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { ConfigOf, HostPort, redisConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import type { Logger } from './logger.ts';

export { groupBySlot, keySlot } from './redis-slots.ts';

type RedisFragment = ConfigOf<typeof redisConfig>;

/** The {@link redisConfig} fragment; the Sentinel and Cluster fields may be left out (one server). */
export type RedisSettings = Pick<RedisFragment, 'redisUrl' | 'redisKeyPrefix'> &
  Partial<Pick<RedisFragment, 'redisSentinels' | 'redisSentinelMaster' | 'redisClusterNodes'>>;

/** A client from {@link createRedis}: one server (also behind Sentinel) or a cluster. */
export type RedisClient = Redis | Cluster;

export type RedisMode =
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly HostPort[]; readonly master: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[] };

/** Which Redis the settings point at; a {@link ConfigError} naming the variables when they conflict. */
export function redisMode(settings: RedisSettings): RedisMode {
  const sentinels = settings.redisSentinels ?? [];
  const master = settings.redisSentinelMaster ?? '';
  const nodes = settings.redisClusterNodes ?? [];
  const problems: { variable: string; reason: string }[] = [];
  if (sentinels.length > 0 && nodes.length > 0) {
    problems.push({
      variable: 'REDIS_CLUSTER_NODES',
      reason: 'set together with REDIS_SENTINELS: choose one',
    });
  }
  if (sentinels.length > 0 && master === '') {
    problems.push({
      variable: 'REDIS_SENTINEL_MASTER',
      reason: 'required with REDIS_SENTINELS (the name of the primary)',
    });
  }
  if (sentinels.length === 0 && master !== '') {
    problems.push({ variable: 'REDIS_SENTINELS', reason: 'required with REDIS_SENTINEL_MASTER' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (sentinels.length > 0) return { kind: 'sentinel', sentinels, master };
  if (nodes.length > 0) return { kind: 'cluster', nodes };
  return { kind: 'single', url: settings.redisUrl };
}

/** One line for logs and status: which Redis, without secrets. */
export function describeRedis(settings: RedisSettings): string {
  const mode = redisMode(settings);
  const list = (hs: readonly HostPort[]) => hs.map((h) => `${h.host}:${h.port}`).join(',');
  if (mode.kind === 'sentinel') return `sentinel ${mode.master} via ${list(mode.sentinels)}`;
  if (mode.kind === 'cluster') return `cluster ${list(mode.nodes)}`;
  const u = new URL(mode.url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export interface CreateRedisOptions {
  /** Extra ioredis options (e.g. `lazyConnect`, `maxRetriesPerRequest`); on a cluster, per node. */
  readonly options?: RedisOptions;
  /** Name shown in `CLIENT LIST` and logs. */
  readonly connectionName?: string;
}

// Reconnect forever with back-off capped at 2 s: a Redis restart delays work, never ends the service.
const backOff = (attempt: number) => Math.min(50 * 2 ** attempt, 2_000);

/** Credentials (and database) of REDIS_URL, for the Sentinel and Cluster modes. */
function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  return {
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function createRedis(
  settings: RedisSettings,
  logger: Logger,
  opts: CreateRedisOptions = {},
): RedisClient {
  const mode = redisMode(settings);
  const log = logger.child({ component: 'redis', redis: describeRedis(settings) });
  const common: RedisOptions = {
    connectionName: opts.connectionName,
    retryStrategy: backOff,
    maxRetriesPerRequest: 20,
    enableReadyCheck: true,
    // A primary demoted to replica (Sentinel failover, cluster failover) answers writes with
    // READONLY: reconnect (to the new primary) and resend the command.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
  let client: RedisClient;
  if (mode.kind === 'cluster') {
    const { db: _db, ...credentials } = credentialsOf(settings.redisUrl);
    const clusterOptions: ClusterOptions = {
      keyPrefix: settings.redisKeyPrefix,
      clusterRetryStrategy: backOff,
      enableReadyCheck: true,
      // While a master's replica takes over (cluster-node-timeout plus the election), commands get
      // CLUSTERDOWN or go to the dead node: retry them for a few seconds before failing them.
      retryDelayOnClusterDown: 300,
      retryDelayOnFailover: 300,
      maxRedirections: 16,
      slotsRefreshTimeout: 2_000,
      ...(opts.options?.lazyConnect !== undefined ? { lazyConnect: opts.options.lazyConnect } : {}),
      redisOptions: { ...common, ...credentials, ...opts.options },
    };
    client = new Cluster(
      mode.nodes.map((n) => ({ host: n.host, port: n.port })),
      clusterOptions,
    );
  } else if (mode.kind === 'sentinel') {
    client = new Redis({
      ...common,
      ...credentialsOf(settings.redisUrl),
      sentinels: mode.sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: mode.master,
      keyPrefix: settings.redisKeyPrefix,
      sentinelRetryStrategy: backOff,
      // No `failoverDetector`: on a sentinel's +switch-master it ends the connector, and when that
      // lands while the client is already reconnecting (the old primary died, the client is asking
      // a sentinel where the primary is) ioredis 5 rejects that attempt with "Connection is
      // closed." and ends the client for good: every command after it fails at once. A pinned
      // test run saw ingest answer 503 for a minute after a failover. Without it the client finds
      // the new primary on its next reconnect (within the 2 s back-off) or on a READONLY answer.
      ...opts.options,
    });
  } else {
    client = new Redis(settings.redisUrl, { ...common, keyPrefix: settings.redisKeyPrefix, ...opts.options });
  }
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
    if (err.message !== lastError) log.warn({ err }, 'redis error');
    lastError = err.message;
  });
  client.on('ready', () => {
    if (lastError !== '') log.info('redis connection restored');
    lastError = '';
  });
  return client;
}

/**
 * {@link createRedis} for code that needs one server (Sentinel allowed): a {@link ConfigError}
 * when the settings name a cluster.
 */
export function createStandaloneRedis(
  settings: RedisSettings,
  logger: Logger,
  opts: CreateRedisOptions = {},
): Redis {
  if (redisMode(settings).kind === 'cluster') {
    throw new ConfigError([
      {
        variable: 'REDIS_CLUSTER_NODES',
        reason: `${opts.connectionName ?? 'this service'} does not run on Redis Cluster (its scripts span keys of many slots); give it REDIS_URL or REDIS_SENTINELS`,
      },
    ]);
  }
  return createRedis(settings, logger, opts) as Redis;
}

/** Whether Redis answers PING within `timeoutMs`. */
export async function redisReady(client: RedisClient, timeoutMs = 1_000): Promise<boolean> {
  if (client.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const pong = await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return pong === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a client for good and resolves once its connection has ended: `QUIT` when connected
 * (pending replies arrive first), a plain disconnect when it is not or when QUIT takes longer than
 * `timeoutMs` (a Redis that went away would otherwise keep the shutdown waiting). Idempotent.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  const within = (work: Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  if (client.status === 'ready') {
    await within(client.quit()).catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
  await within(ended).catch(() => undefined);
}

/**
 * Renames every key under `from` to the same name under `to` (both after the client's own prefix),
 * never overwriting (RENAMENX): the one-time move of a namespace whose keys gained a hash tag.
 * One server only (a cluster starts empty: nothing to move); run it before the service writes, with
 * no older instance still writing the old names. SCAN walks the whole keyspace, so with `marker`
 * (a key every old namespace worth moving has) nothing is scanned when `<from><marker>` is absent.
 * Returns how many keys moved.
 */
export async function renameKeyPrefix(
  client: RedisClient,
  from: string,
  to: string,
  marker?: string,
): Promise<number> {
  if (client.isCluster || from === to) return 0;
  const redis = client as Redis;
  if (marker !== undefined && (await redis.exists(`${from}${marker}`)) === 0) return 0;
  const own = redis.options.keyPrefix ?? '';
  const pattern = `${own}${from}`.replace(/[*?[\]\\]/g, '\\$&');
  let moved = 0;
  let cursor = '0';
  do {
    // SCAN's MATCH and replies carry the full names; RENAMENX's arguments get the prefix added.
    const [next, names] = await redis.scan(cursor, 'MATCH', `${pattern}*`, 'COUNT', 500);
    cursor = next;
    for (const name of names) {
      const rest = name.slice(own.length + from.length);
      if (name.startsWith(`${own}${to}`)) continue;
      moved += await redis.renamenx(`${from}${rest}`, `${to}${rest}`);
    }
  } while (cursor !== '0');
  return moved;
}
