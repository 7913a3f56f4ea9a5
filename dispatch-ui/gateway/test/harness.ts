/**
 * Gateway instances on the real broker and Redis with the production wiring (`startGateway`), in
 * the test process: one topic prefix, consumer group and Redis key prefix per test file, shared by
 * its instances (as a deployment's instances share them), a users file of its own, socket.io-client
 * connections that record what they receive, and a producer for the topics the gateway consumes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  TOPICS,
  type TopicEventMap,
  type TopicName,
  type UserIdentity,
} from '@fenghuo/contracts';
import {
  closeRedis,
  createLogger,
  createStandaloneRedis,
  EventProducer,
  ensureTopics,
  pinoLogCreator,
  withAdmin,
} from '@fenghuo/kit';
import type { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { io as connectClient, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import { testLogger, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { type GatewayConfig, loadConfig } from '../src/config.ts';
import { type RunningGateway, startGateway } from '../src/service.ts';
import { UserStore } from '../src/users/user-store.ts';

export const TEST_SECRET = 'gateway-integration-test-secret-0123456789';
export const PASSWORD = 'correct horse battery';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

export interface TestClient {
  readonly socket: ClientSocket;
  readonly received: Received[];
  /** Payloads of one event received so far. */
  of<T = unknown>(event: keyof ServerToClientEvents): T[];
  close(): void;
}

export interface Cluster {
  readonly prefix: string;
  readonly kafka: Kafka;
  readonly instances: RunningGateway[];
  readonly users: UserStore;
  readonly redis: Redis;
  produce<T extends TopicName>(topic: T, events: readonly TopicEventMap[T][]): Promise<void>;
  login(instance: number, username: string, password?: string): Promise<{ status: number; body: unknown }>;
  token(instance: number, username: string): Promise<string>;
  /**
   * A socket.io-client connection. `resume` carries a dropped socket's private session id and last
   * offset, as socket.io-client itself does when it reconnects, so it can come back on another instance.
   */
  connect(
    instance: number,
    auth: unknown,
    opts?: { resume?: { pid: string; offset: string } },
  ): Promise<TestClient>;
  close(): Promise<void>;
}

export const city = () => loadOrGenerateDefaultPack().pack;

export interface ClusterOptions {
  readonly name: string;
  readonly instances?: number;
  readonly users: readonly UserIdentity[];
  readonly env?: Readonly<Record<string, string>>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const prefix = uniquePrefix(opts.name);
  const brokers = inject('kafkaBrokers');
  const kafka = new Kafka({
    clientId: `${prefix}test`,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(testLogger),
  });
  await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
  const dir = mkdtempSync(join(tmpdir(), 'gateway-it-'));
  const usersFile = join(dir, 'users.json');
  const users = new UserStore(usersFile);
  for (const { username, ...binding } of opts.users)
    await users.put(username, { ...binding, password: PASSWORD });

  const env = {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    GATEWAY_PORT: '0',
    GATEWAY_GROUP_ID: `${prefix}gateway`,
    GATEWAY_USERS_FILE: usersFile,
    CONTACT_STORE_KEY_FILE: join(dir, 'contact.key'),
    GATEWAY_POSITIONS_INTERVAL_MS: '100',
    AUTH_JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  };
  const pack = city();
  const closers: (() => Promise<void>)[] = [];
  const instances: RunningGateway[] = [];
  const redis = createStandaloneRedis({ redisUrl: env.REDIS_URL, redisKeyPrefix: prefix }, testLogger);
  closers.push(() => closeRedis(redis));
  const producer = new EventProducer(kafka, testLogger, { topicPrefix: prefix });
  closers.push(() => producer.close());
  const clients: TestClient[] = [];
  try {
    for (let i = 0; i < (opts.instances ?? 2); i++) {
      const config: GatewayConfig = loadConfig({ ...env, KAFKA_CLIENT_ID: `${prefix}gw${i}` });
      const logger = createLogger({ service: `gateway-${i}`, level: config.logLevel });
      const r = createStandaloneRedis(config, logger);
      const adapter = createStandaloneRedis({ ...config, redisKeyPrefix: '' }, logger);
      closers.push(
        () => closeRedis(r),
        () => closeRedis(adapter),
      );
      const gateway = await startGateway({
        config,
        logger,
        kafka: new Kafka({
          clientId: config.kafkaClientId,
          brokers,
          logLevel: logLevel.WARN,
          logCreator: pinoLogCreator(logger),
        }),
        redis: r,
        adapterRedis: adapter,
        city: pack,
      });
      instances.push(gateway);
      closers.push(() => gateway.stop());
    }
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }

  const cluster: Cluster = {
    prefix,
    kafka,
    instances,
    users,
    redis,
    async produce(topic, events) {
      await producer.send(topic, events);
    },
    async login(instance, username, password = PASSWORD) {
      const res = await fetch(`${instances[instance]!.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return { status: res.status, body: await res.json() };
    },
    async token(instance, username) {
      const { status, body } = await cluster.login(instance, username);
      if (status !== 200) throw new Error(`login of ${username} answered ${status}: ${JSON.stringify(body)}`);
      return (body as { token: string }).token;
    },
    connect(instance, auth, o = {}) {
      const socket: ClientSocket = connectClient(instances[instance]!.url, {
        auth: auth as Record<string, unknown>,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        autoConnect: false,
      });
      if (o.resume) Object.assign(socket, { _pid: o.resume.pid, _lastOffset: o.resume.offset });
      const received: Received[] = [];
      socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
      const client: TestClient = {
        socket,
        received,
        of: <T>(event: keyof ServerToClientEvents) =>
          received.filter((r) => r.event === event).map((r) => r.payload as T),
        close: () => void socket.disconnect(),
      };
      clients.push(client);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(client));
        socket.once('connect_error', (err) => reject(err));
        socket.connect();
      });
    },
    async close() {
      for (const c of clients) c.close();
      for (const close of closers.reverse()) await close().catch(() => undefined);
      // Leave the shared Redis as we found it.
      const raw = createStandaloneRedis({ redisUrl: env.REDIS_URL, redisKeyPrefix: '' }, testLogger);
      try {
        for await (const keys of raw.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
          string[]
        >) {
          if (keys.length > 0) await raw.unlink(...keys);
        }
      } finally {
        await closeRedis(raw);
      }
    },
  };
  return cluster;
}

/** Waits until `client` has received `count` of `event`. */
export function receivedCount(
  client: TestClient,
  event: keyof ServerToClientEvents,
  count: number,
  timeoutMs = 15_000,
) {
  return waitFor(() => client.of(event).length >= count, { timeoutMs, message: `${count} × ${event}` });
}
