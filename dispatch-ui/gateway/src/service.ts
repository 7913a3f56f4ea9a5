/**
 * A running gateway from its components: users, tokens, the producer of people's events and audit
 * entries, the live state in Redis, the HTTP app and the Socket.IO server on one HTTP server, the
 * position coalescer, the figures timer and the Kafka consumers of the shared group. `index.ts`,
 * the integration tests and the benchmark all start it this way. It never closes what it was given.
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { type CityPack, loadCityPack, loadOrGenerateDefaultPack, packDir } from '@fenghuo/city';
import { Topic } from '@fenghuo/contracts';
import {
  AuthTokens,
  type Clock,
  ContactStore,
  createMetricsRegistry,
  createOpsRouter,
  EventProducer,
  type Logger,
  loadContactStoreKey,
  type RunningConsumer,
  redisReady,
  resolveAuthSecret,
  runMultiTopicConsumer,
  Shutdown,
  systemClock,
} from '@fenghuo/kit';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { Jurisdiction } from './jurisdiction.ts';
import { fanoutHandlers } from './live/fanout.ts';
import { FigureCounters } from './live/figures.ts';
import { PositionCoalescer } from './live/position-coalescer.ts';
import { unitPlaceRooms } from './live/routing.ts';
import { StateStore } from './live/state-store.ts';
import { createGatewayMetrics } from './metrics.ts';
import { LoginLimiter } from './people/login-limiter.ts';
import { attachSockets, type GatewayServer } from './people/socket-server.ts';
import { kafkaPeopleWriter } from './people/writer.ts';
import { ANALYSTS_ROOM, CITY_ROOM, isRegionRoom } from './rooms.ts';
import { identityOf, UserStore } from './users/user-store.ts';

export const SERVICE = 'gateway';

/** Topics the gateway writes. */
export const WRITTEN_TOPICS = [
  Topic.DispatchAcks,
  Topic.UnitsStatus,
  Topic.OperatorCommands,
  Topic.OutcomesLabelled,
  Topic.AuditEvents,
] as const;

export interface GatewayComponents {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly kafka: Kafka;
  /** Redis for state, figures and login limits (with the configured key prefix). */
  readonly redis: Redis;
  /** Redis without key prefix for the Socket.IO adapter, which names its stream and keys itself. */
  readonly adapterRedis: Redis;
  /** @defaultValue the pack named by `GATEWAY_CITY_PACK` */
  readonly city?: CityPack;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** @defaultValue a new registry with Node's process metrics */
  readonly registry?: Registry;
  /** Called when the consumer crashed for good: the instance no longer fans out. */
  readonly onFatal?: (err: unknown) => void;
}

export interface RunningGateway {
  readonly server: Server;
  readonly url: string;
  readonly io: GatewayServer;
  readonly users: UserStore;
  readonly tokens: AuthTokens;
  readonly registry: Registry;
  /** Idempotent: stops consuming (offsets committed), closes sockets (clients resume elsewhere), the producer. */
  stop(): Promise<void>;
}

export function loadCity(config: GatewayConfig): CityPack {
  return config.cityPack === 'default' ? loadOrGenerateDefaultPack().pack : loadCityPack(config.cityPack);
}

export async function startGateway(c: GatewayComponents): Promise<RunningGateway> {
  const { config, logger, kafka, redis } = c;
  const clock = c.clock ?? systemClock;
  const now = () => clock.now();
  const shutdown = new Shutdown(logger);
  try {
    const secret = resolveAuthSecret(config);
    // A production gateway without the contact store's key does not start (ConfigError).
    const contactKey = loadContactStoreKey(config);
    const tokens = new AuthTokens({ secret, ttlSec: config.tokenTtlSec, clock });
    const users = new UserStore(resolve(config.usersFile));
    users.watch(1_000, (err) => logger.error({ err }, 'users file unreadable; keeping the last good copy'));
    shutdown.add('users watcher', () => users.stopWatching());
    const city = c.city ?? loadCity(config);
    const jurisdiction = new Jurisdiction(city);

    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    shutdown.add('producer', () => producer.close());
    await producer.warmUp(WRITTEN_TOPICS);

    const registry = c.registry ?? createMetricsRegistry(SERVICE);
    let io: GatewayServer | undefined;
    const metrics = createGatewayMetrics(registry, () => io?.engine.clientsCount ?? 0);
    const state = new StateStore(redis);
    const figures = new FigureCounters(redis, now);
    const writer = kafkaPeopleWriter(producer, now);
    let consumer: RunningConsumer | undefined;

    const app = createApp(
      {
        logger,
        writer,
        users,
        tokens,
        limiter: new LoginLimiter(redis, {
          perUser: config.loginUserFailures,
          perAddress: config.loginAddressFailures,
          windowSec: config.loginWindowSec,
        }),
        metrics,
        city: { pack: city, packDir: packDir(config.cityPack) },
        residents: { state, contacts: new ContactStore(redis, contactKey) },
        ops: createOpsRouter({
          service: SERVICE,
          registry,
          checks: { redis: () => redisReady(redis), kafka: () => consumer !== undefined },
        }),
      },
      { rulesUrl: config.rulesUrl, consoleDir: config.consoleDir, trustProxy: config.trustProxy },
    );
    const server = createServer(app);
    server.keepAliveTimeout = 65_000;

    const stillValid = (user: Parameters<typeof identityOf>[1] & { username: string }) => {
      const record = users.get(user.username);
      return (
        record !== undefined && JSON.stringify(identityOf(user.username, record)) === JSON.stringify(user)
      );
    };
    const snapshotDeps = { state, jurisdiction, redactKey: secret, now };
    const sockets = attachSockets(
      server,
      {
        tokens,
        actions: { state, jurisdiction, writer, now },
        snapshot: snapshotDeps,
        adapterRedis: c.adapterRedis,
        stillValid,
        metrics,
        logger,
      },
      {
        recoveryWindowMs: config.recoveryWindowMs,
        streamMaxLen: config.streamMaxLen,
        redisPrefix: config.redisKeyPrefix,
        eventRatePerSec: config.socketEventRate,
        eventBurst: config.socketEventBurst,
        tokenGraceSec: config.tokenGraceSec,
        trustProxy: config.trustProxy,
      },
    );
    io = sockets.io;
    const live = sockets.io;
    shutdown.add('sockets and http server', async () => {
      server.closeIdleConnections();
      await sockets.stop();
    });

    const positions = new PositionCoalescer({
      intervalMs: config.positionsIntervalMs,
      roomsOf: (p) => unitPlaceRooms(p.unitId, jurisdiction, p.location),
      emit: (room, list) => live.to(room).emit('units:positions', list),
    });
    positions.start();
    shutdown.add('positions', () => positions.stop());

    // Figures: each instance pushes to its own sockets, so every client gets one copy.
    const figuresTimer = setInterval(() => {
      const rooms = [...live.of('/').adapter.rooms.keys()].filter(
        (r) => isRegionRoom(r) || r === ANALYSTS_ROOM,
      );
      for (const room of rooms) {
        const scope = room === ANALYSTS_ROOM ? CITY_ROOM : room;
        figures
          .figures(scope, state, { rules: room === ANALYSTS_ROOM })
          .then((f) => live.local.to(room).emit('figures:updated', f))
          .catch((err: unknown) => logger.warn({ err, room }, 'figures failed'));
      }
    }, config.figuresIntervalMs);
    figuresTimer.unref();
    shutdown.add('figures', () => clearInterval(figuresTimer));

    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(config.port, config.host, () => ok());
    });
    const address = server.address();
    const url = `http://${config.host}:${typeof address === 'object' && address ? address.port : config.port}`;

    consumer = await runMultiTopicConsumer({
      kafka,
      logger,
      producer,
      groupId: config.groupId,
      topicPrefix: config.kafkaTopicPrefix,
      fromBeginning: true,
      partitionsConsumedConcurrently: 4,
      onCrash: (err) => c.onFatal?.(err),
      handlers: fanoutHandlers({
        jurisdiction,
        state,
        figures,
        positions,
        redactKey: secret,
        logger,
        emit: (b) => {
          (live.to([...b.rooms]) as { emit(event: string, payload: unknown): boolean }).emit(
            b.event,
            b.payload,
          );
        },
        onEmitted: (topic, count) => metrics.fanout.inc({ topic }, count),
      }),
    });
    const running = consumer;
    shutdown.add('consumer', () => running.stop());
    logger.info({ url, groupId: config.groupId, topicPrefix: config.kafkaTopicPrefix }, 'gateway listening');
    return { server, url, io: live, users, tokens, registry, stop: () => shutdown.close('stop') };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}
