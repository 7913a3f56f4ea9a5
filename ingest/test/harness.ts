/**
 * An in-process ingest on the real broker and Redis with the production wiring (`startIngest` on
 * a Kafka client and Redis connection of its own), its own topic and key prefixes, its own key
 * file, and helpers to post and to read back what reached Kafka.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicSpec } from '@fenghuo/contracts';
import {
  closeRedis,
  createLogger,
  ensureTopics,
  pinoLogCreator,
  type RedisClient,
  withAdmin,
} from '@fenghuo/kit';
import type { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import {
  type ConsumedMessage,
  consumeMessages,
  readAll,
  testLogger,
  uniquePrefix,
} from '../../test/setup/helpers.ts';
import { loadConfig } from '../src/config.ts';
import { type EventKind, KIND_TOPIC } from '../src/kinds.ts';
import {
  closeServer,
  createIngestKafka,
  createIngestRedis,
  listen,
  type RunningIngest,
  startIngest,
} from '../src/service.ts';

export interface HarnessOptions {
  readonly name: string;
  readonly brokers: string[];
  readonly redisUrl: string;
  /** Extra INGEST_* variables (rate limits, body limit…). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface PostOptions {
  readonly key?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly method?: string;
}

export interface Harness {
  readonly url: string;
  readonly prefix: string;
  readonly service: RunningIngest;
  /** The harness's own Redis connection, which ingest runs on. */
  readonly redis: RedisClient;
  readonly admin: Kafka;
  topic(kind: EventKind): string;
  post(
    path: string,
    body: unknown,
    opts?: PostOptions,
  ): Promise<{ status: number; headers: Headers; json: unknown; text: string }>;
  /**
   * Posts as a well-behaved client does: a 503 is retried after its Retry-After (for at most
   * `timeoutMs`, 60 s by default), so a machine too slow to acknowledge within the send time-out
   * does not fail a step that is only setting the scene. Returns the first answer that is not 503.
   */
  postRetrying(
    path: string,
    body: unknown,
    opts?: PostOptions & { timeoutMs?: number },
  ): Promise<{ status: number; headers: Headers; json: unknown; text: string }>;
  /**
   * How many records a read_committed consumer reads from the topic (every one ever written and
   * committed). Not the high watermarks: transactions' markers and aborted records take offsets.
   */
  countRecords(kind: EventKind): Promise<number>;
  read(kind: EventKind, count: number): Promise<ConsumedMessage[]>;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const prefix = uniquePrefix(opts.name);
  const kafka = new Kafka({
    clientId: `${prefix}admin`,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(testLogger),
  });
  const specs = Object.values(KIND_TOPIC).map((t) => topicSpec(t)!);
  // ensureTopics retries a broker still starting and waits until every partition is served.
  await withAdmin(kafka, (admin) => ensureTopics(admin, specs, { prefix }));
  const dir = mkdtempSync(join(tmpdir(), 'ingest-it-'));
  const config = loadConfig({
    KAFKA_BROKERS: opts.brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_CLIENT_ID: `${prefix}ingest`,
    REDIS_URL: opts.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    INGEST_PORT: '0',
    INGEST_KEYS_FILE: join(dir, 'keys.json'),
    CONTACT_STORE_KEY_FILE: join(dir, 'contact.key'),
    ACCOUNT_HASH_KEY_FILE: join(dir, 'account-hash.key'),
    LOG_LEVEL: process.env.INGEST_TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  });
  const logger = createLogger({ service: 'ingest', level: config.logLevel });
  const redis = createIngestRedis(config, logger);
  let service: RunningIngest;
  let server: Server;
  let url: string;
  try {
    service = await startIngest({ config, logger, kafka: createIngestKafka(config, logger), redis });
  } catch (err) {
    await closeRedis(redis);
    throw err;
  }
  try {
    ({ server, url } = await listen(service.app, 0, '127.0.0.1'));
  } catch (err) {
    await service.stop();
    await closeRedis(redis);
    throw err;
  }
  const topic = (kind: EventKind) => `${prefix}${KIND_TOPIC[kind]}`;
  const post: Harness['post'] = async (path, body, o = {}) => {
    const headers: Record<string, string> = {
      'content-type': o.contentType ?? 'application/json',
      ...(o.key ? { authorization: `Bearer ${o.key}` } : {}),
      ...o.headers,
    };
    const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const res = await fetch(`${url}${path}`, { method: o.method ?? 'POST', headers, body: payload });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };

  return {
    url,
    prefix,
    service,
    redis,
    admin: kafka,
    topic,
    post,
    async postRetrying(path, body, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 60_000);
      for (;;) {
        const res = await post(path, body, o);
        if (res.status !== 503 || Date.now() >= deadline) return res;
        const waitSec = Number(res.headers.get('retry-after') ?? 1);
        await new Promise((r) => setTimeout(r, (Number.isFinite(waitSec) ? waitSec : 1) * 1_000));
      }
    },
    async countRecords(kind) {
      return (await readAll(kafka, topic(kind), { groupId: `${prefix}count-${kind}-${Date.now()}` })).length;
    },
    read(kind, count) {
      return consumeMessages(kafka, {
        topic: topic(kind),
        count,
        groupId: `${prefix}reader-${kind}-${Date.now()}`,
      });
    },
    async close() {
      const closing = closeServer(server);
      server.closeAllConnections();
      await closing;
      await service.stop();
      // A private Redis Cluster (REDIS_CLUSTER_NODES) is deleted whole by its test.
      if (redis.isCluster) {
        await closeRedis(redis);
        return;
      }
      // Leave the shared Redis as we found it: drop this test's dedupe keys (the client adds the prefix).
      const raw = (redis as Redis).duplicate({ keyPrefix: '' });
      try {
        for await (const keys of raw.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
          string[]
        >) {
          if (keys.length > 0) await raw.unlink(...keys);
        }
      } finally {
        raw.disconnect();
        await closeRedis(redis);
      }
    },
  };
}
