/** ioredis client factory: key prefix, bounded reconnect back-off, and errors logged (not thrown unhandled). */
import { Redis, type RedisOptions } from 'ioredis';
import type { ConfigOf, redisConfig } from './config.ts';
import type { Logger } from './logger.ts';

export type RedisSettings = ConfigOf<typeof redisConfig>;

export interface CreateRedisOptions {
  /** Extra ioredis options (e.g. `lazyConnect`, `maxRetriesPerRequest`). */
  readonly options?: RedisOptions;
  /** Name shown in `CLIENT LIST` and logs. */
  readonly connectionName?: string;
}

export function createRedis(settings: RedisSettings, logger: Logger, opts: CreateRedisOptions = {}): Redis {
  const log = logger.child({ component: 'redis' });
  const client = new Redis(settings.redisUrl, {
    keyPrefix: settings.redisKeyPrefix,
    connectionName: opts.connectionName,
    // Reconnect forever with back-off capped at 2 s: a Redis restart delays work, never ends the service.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    maxRetriesPerRequest: 20,
    enableReadyCheck: true,
    ...opts.options,
  });
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

/** Whether Redis answers PING within `timeoutMs`. */
export async function redisReady(client: Redis, timeoutMs = 1_000): Promise<boolean> {
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
export async function closeRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
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
