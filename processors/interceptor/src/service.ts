/**
 * One interceptor instance, built from the components the caller owns:
 * - its consumer group on `vehicles.sighted`, `incidents.reported` and `operator.commands`
 *   (pursuits and the watch list);
 * - a group of its own, from the start of each topic, on `units.status`, `vehicles.watchlist` and
 *   `rules.sets`, and from now on `units.positions` (every instance keeps the whole live view);
 * - a timer for time-outs and re-plans on unit movement;
 * - the producer of plans, watch-list entries and audit events; pursuits in Redis;
 * - the ops endpoints and the settings dry run on one HTTP server.
 *
 * `stop()` drains in-flight batches (their offsets are committed), then closes what the service
 * made. It never closes the Redis client or anything else it was given.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { City, loadCityPack, loadOrGenerateDefaultPack } from '@fenghuo/city';
import { type AuditEvent, Topic } from '@fenghuo/contracts';
import type { RedisClient } from '@fenghuo/kit';
import {
  type Clock,
  correlationHeaders,
  createMetricsRegistry,
  EventProducer,
  type Logger,
  type RunningConsumer,
  redisReady,
  runEventConsumer,
  runMultiTopicConsumer,
  Shutdown,
  systemClock,
} from '@fenghuo/kit';
import { AuthTokens, resolveAuthSecret } from '@fenghuo/kit/auth';
import type { Kafka } from 'kafkajs';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createInterceptorApp } from './app.ts';
import type { InterceptorConfig } from './config.ts';
import {
  type HandlerDeps,
  handleCommand,
  handleIncident,
  handleSighting,
  type Publisher,
  tick,
} from './handler.ts';
import { KafkaHistoryReader } from './history.ts';
import { builtinInterceptionSettings } from './planner/builtin-settings.ts';
import { escapeMapFor } from './planner/escape-map.ts';
import { classCosts } from './planner/plan.ts';
import { PursuitPlanner } from './pursuit-planner.ts';
import { migratePursuitKeys, RedisPursuitStore } from './pursuit-store.ts';
import { SettingsSource } from './settings-source.ts';
import { UnitBoard } from './unit-board.ts';
import { WatchList } from './watch-list.ts';

export interface InterceptorComponents {
  readonly config: InterceptorConfig;
  readonly logger: Logger;
  /** The caller's Kafka client; the service makes its producer and consumers from it. */
  readonly kafka: Kafka;
  /** The caller's Redis client (pursuits); the caller closes it. */
  readonly redis: RedisClient;
  /**
   * The city to plan on.
   * @defaultValue the pack named by `INTERCEPTOR_CITY_PACK` (the default pack is generated when missing)
   */
  readonly city?: City;
  /** @defaultValue the machine's clock */
  readonly clock?: Clock;
  /** @defaultValue a new registry labelled `service="interceptor"` */
  readonly registry?: Registry;
  /** Called when a consumer crashed for good: the entry point closes and exits 1. */
  readonly onFatal?: (err: unknown) => void;
}

export interface RunningInterceptor {
  readonly server: Server | undefined;
  readonly settings: SettingsSource;
  readonly watchList: WatchList;
  readonly units: UnitBoard;
  /** Runs the clock's part once (tests call it instead of waiting for the timer). */
  tick(): Promise<void>;
  /** Idempotent: drains in-flight batches, then closes what it made. */
  stop(): Promise<void>;
}

function loadCity(config: InterceptorConfig, logger: Logger): City {
  const pack =
    config.cityPack === 'default' ? loadOrGenerateDefaultPack().pack : loadCityPack(config.cityPack);
  logger.info(
    { pack: pack.meta.name, nodes: pack.graph.nodeCount, units: pack.units.length },
    'city pack loaded',
  );
  return new City(pack);
}

export async function startInterceptor(components: InterceptorComponents): Promise<RunningInterceptor> {
  const { config, logger, kafka, redis, onFatal } = components;
  const clock = components.clock ?? systemClock;
  const shutdown = new Shutdown(logger);
  try {
    const city = components.city ?? loadCity(config, logger);
    const settings = new SettingsSource(builtinInterceptionSettings, config.settingsId);
    // Exits and escape potentials are built once per graph; build them before the first sighting.
    const started = performance.now();
    escapeMapFor(city.pack.graph, city.router.weights(), classCosts(settings.current().routeModel));
    logger.info({ ms: Math.round(performance.now() - started) }, 'escape map ready');

    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    await producer.connect();
    shutdown.add('producer', () => producer.close());

    const registry = components.registry ?? createMetricsRegistry('interceptor');
    const registers = [registry];
    const plansCounter = new Counter({ name: 'interceptor_plans_total', help: 'Plans published', registers });
    const planSeconds = new Histogram({
      name: 'interceptor_plan_seconds',
      help: 'Time to plan one pursuit (routes, units, optimisation)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    const coveredShare = new Histogram({
      name: 'interceptor_covered_share',
      help: 'Share of sampled escape routes a plan covers',
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    const activePursuits = new Counter({
      name: 'interceptor_pursuits_closed_total',
      help: 'Pursuits closed',
      registers,
    });

    const watchList = new WatchList();
    const units = new UnitBoard(city.pack.units);
    const migrated = await migratePursuitKeys(redis);
    if (migrated > 0) logger.info({ keys: migrated }, 'pursuit keys moved under {ic}:');
    const store = new RedisPursuitStore(redis);
    const planner = new PursuitPlanner({
      city,
      units,
      settings: settings.current,
      maxPlanBytes: config.maxPlanBytes,
    });
    const publish: Publisher = {
      async plan(plan, correlationId) {
        await producer.send(Topic.InterceptionsPlans, [plan], correlationHeaders(correlationId));
        plansCounter.inc();
        if (plan.planMs !== undefined) planSeconds.observe(plan.planMs / 1000);
        if (plan.coveredShare !== undefined) coveredShare.observe(plan.coveredShare);
        if (plan.status !== 'active') activePursuits.inc();
        logger.info(
          {
            pursuitId: plan.pursuitId,
            revision: plan.revision,
            status: plan.status,
            checkpoints: plan.checkpoints.length,
            coveredShare: plan.coveredShare,
            planMs: plan.planMs,
            correlationId,
          },
          'plan published',
        );
      },
      async watchList(entry, correlationId) {
        await producer.send(Topic.VehiclesWatchlist, [entry], correlationHeaders(correlationId));
      },
      async audit(event) {
        await producer.send(Topic.AuditEvents, [event]);
      },
    };
    const instanceId = randomBytes(4).toString('hex');
    const deps: HandlerDeps = {
      store,
      planner,
      watchList,
      units,
      publish,
      clock,
      settings: settings.current,
      logger,
      instanceId,
    };
    const onCrash = (err: Error) => onFatal?.(err);
    const consumers: RunningConsumer[] = [];
    shutdown.add('consumers', async () => {
      await Promise.all(consumers.map((c) => c.stop()));
    });

    // Every instance reads the whole live view: groups of its own.
    const common = { kafka, logger, producer, onCrash, topicPrefix: config.kafkaTopicPrefix };
    consumers.push(
      await runMultiTopicConsumer({
        ...common,
        groupId: `${config.groupId}-view-${instanceId}`,
        fromBeginning: true,
        handlers: {
          [Topic.RulesSets]: async (events) => {
            for (const { event, log } of events) {
              const r = settings.offer(event);
              log.info(
                { ruleSetId: event.ruleSetId },
                `settings ${r.applied ? 'applied' : 'ignored'}: ${r.reason}`,
              );
            }
          },
          [Topic.VehiclesWatchlist]: async (events) => {
            for (const { event } of events) watchList.apply(event);
          },
          [Topic.UnitsStatus]: async (events) => {
            const now = clock.now();
            for (const { event } of events) units.applyStatus(event, now);
          },
        },
      }),
    );
    consumers.push(
      await runEventConsumer({
        ...common,
        groupId: `${config.groupId}-positions-${instanceId}`,
        topic: Topic.UnitsPositions,
        fromBeginning: false,
        handleBatch: async (events) => {
          const now = clock.now();
          for (const { event } of events) units.applyPosition(event, now);
        },
      }),
    );
    consumers.push(
      await runMultiTopicConsumer({
        ...common,
        groupId: config.groupId,
        handlers: {
          [Topic.VehiclesSighted]: async (events) => {
            for (const e of events) await handleSighting(e.event, deps, e.correlationId);
          },
          [Topic.IncidentsReported]: async (events) => {
            for (const e of events) await handleIncident(e.event, deps, e.correlationId);
          },
          [Topic.OperatorCommands]: async (events) => {
            for (const e of events) await handleCommand(e.event, deps, e.correlationId);
          },
        },
      }),
    );

    let ticking: Promise<void> | undefined;
    const runTick = (): Promise<void> => {
      ticking ??= tick(deps)
        .then((stats) => {
          if (stats.timedOut + stats.replanned > 0) logger.info(stats, 'pursuits checked');
        })
        .catch((err: unknown) => logger.warn({ err }, 'pursuit check failed; trying again next tick'))
        .finally(() => {
          ticking = undefined;
        });
      return ticking;
    };
    const timer = setInterval(() => void runTick(), config.tickMs);
    timer.unref();
    shutdown.add('timer', async () => {
      clearInterval(timer);
      await ticking;
    });

    // People's tokens, verified with the key the gateway signs them with.
    const tokens = new AuthTokens({ secret: resolveAuthSecret(config), clock });
    let server: Server | undefined;
    if (config.opsPort >= 0) {
      const app = createInterceptorApp({
        ops: { service: 'interceptor', registry, checks: { redis: () => redisReady(redis) } },
        dryRun: {
          city,
          live: settings.current,
          history: new KafkaHistoryReader({ kafka, logger, topicPrefix: config.kafkaTopicPrefix }),
        },
        tokens,
        onRefused: (err, req) => {
          const event: AuditEvent = {
            version: 1,
            eventId: `audit-interceptor-denied-${randomBytes(8).toString('hex')}`,
            at: new Date(clock.now()).toISOString(),
            service: 'interceptor',
            action: 'access_denied',
            target: { kind: 'api', id: 'interception-dry-run' },
            result: 'denied',
            details: { code: err.code, path: req.path.slice(0, 200) },
          };
          publish
            .audit(event)
            .catch((auditErr: unknown) => logger.warn({ err: auditErr }, 'audit of a refusal failed'));
        },
        logger,
      });
      const s = createServer(app);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(config.opsPort, config.opsHost, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      shutdown.add('http server', () => new Promise<void>((resolve) => s.close(() => resolve())));
    }
    logger.info(
      {
        groupId: config.groupId,
        settings: `${settings.current().ruleSetId} v${settings.current().ruleSetVersion}`,
      },
      'interceptor running',
    );
    return {
      server,
      settings,
      watchList,
      units,
      tick: runTick,
      stop: () => shutdown.close('interceptor stop'),
    };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}
