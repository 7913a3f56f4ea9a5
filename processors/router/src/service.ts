/**
 * Wiring of one router instance: the city (roads, cells, roster), Redis state, the producer, one
 * consumer group over the router's seven input topics, a per-instance consumer of `rules.sets`
 * (the escalation ladder and the complaint-risk rules, hot-reloaded), a consumer group on its own
 * `timeline.events` (resolved incidents judged for complaint risk), the job poller (deadlines, waiting matters) and the ops
 * server. Used by index.ts, the integration tests, the benchmark and the response-time evaluation.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  City,
  FREE_FLOW_PROFILE,
  loadOrGenerateDefaultPack,
  readCityPack,
  urbanWeekdayProfile,
} from '@fenghuo/city';
import { bindingFor, Topic, type TopicName, type UnitStatus } from '@fenghuo/contracts';
import type { RedisClient } from '@fenghuo/kit';
import {
  type Clock,
  correlationHeaders,
  createKafka,
  createMetricsRegistry,
  createRedis,
  EventProducer,
  type Logger,
  prefixedTopic,
  redisReady,
  runEventConsumer,
  runMultiTopicConsumer,
  Shutdown,
  systemClock,
  type TakenBatch,
  ValidationFailedError,
} from '@fenghuo/kit';
import type { Message } from 'kafkajs';
import { AckFence, kafkaAckOffsets } from './ack-fence.ts';
import { BatchGroup, type RunOutcome } from './batch-group.ts';
import { type CityView, cityView } from './city-view.ts';
import { isResolvedIncident, judgeResolved } from './complaint/assess-resolved.ts';
import { builtinComplaintRisk } from './complaint/builtin-risk.ts';
import { addressKey, CallHistory, type CallRecord } from './complaint/call-history.ts';
import { RiskSource } from './complaint/risk-source.ts';
import type { RouterConfig } from './config.ts';
import { type BatchStats, Decider, type PublishItem, type Task } from './decider.ts';
import { hourOfDay, Ranker } from './eta.ts';
import { boundedId } from './ids.ts';
import { JobPoller } from './job-poller.ts';
import { builtinLadder, LadderSource } from './ladder.ts';
import { createRouterMetrics, type RouterMetrics, summarize } from './metrics.ts';
import type { Outputs } from './model.ts';
import { createOpsApp, listen } from './ops-app.ts';
import { recordJson } from './record-json.ts';
import { NS, RouterStore } from './store.ts';
import { ackTask, alertTask, commandTask, followUpTask, outcomeTask, planTask, reportTask } from './tasks.ts';

export const SERVICE = 'router';

/** The type of the timeline entries the complaint-risk consumer judges, as it appears in the record's JSON. */
const RESOLVED_TYPE = Buffer.from('"incident.resolved"');

/**
 * The complaint-risk consumer's fetches wait for this much of `timeline.events` (or a second): at
 * 440 decisions/s (~1 MB/s of timeline entries) about four fetches a second instead of one per run.
 */
const RISK_FETCH_MIN_BYTES = 256 * 1024;

/** The topics the router decides on (one consumer group). */
export const INPUT_TOPICS = [
  Topic.AlertsRaised,
  Topic.IncidentsReported,
  Topic.InterceptionsPlans,
  Topic.DispatchAcks,
  Topic.UnitsStatus,
  Topic.UnitsPositions,
  Topic.OutcomesLabelled,
  Topic.OperatorCommands,
] as const;

/** The topics it writes. */
export const OUTPUT_TOPICS = [
  Topic.DispatchOrders,
  Topic.TimelineEvents,
  Topic.UnitsStatus,
  Topic.AuditEvents,
] as const;

export interface RunningRouter {
  readonly city: City;
  readonly ladder: LadderSource;
  readonly risk: RiskSource;
  readonly store: RouterStore;
  readonly decider: Decider;
  readonly poller: JobPoller;
  readonly metrics: RouterMetrics;
  readonly opsServer: Server | undefined;
  /** Idempotent: stops polling, drains in-flight batches (their offsets are committed), closes everything. */
  stop(): Promise<void>;
}

export interface StartRouterOptions {
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** A loaded city (tests and benchmarks share one); otherwise `ROUTER_CITY_PACK` or the default pack. */
  readonly city?: City;
  /** Called when a consumer crashed for good: the instance no longer routes, so the entry point exits. */
  readonly onFatal?: (err: unknown) => void;
}

/** The city the configuration names, with the configured speed profile. */
export function loadCity(config: RouterConfig): City {
  const pack = config.cityPack === '' ? loadOrGenerateDefaultPack().pack : readCityPack(config.cityPack);
  return new City(pack, { profile: config.traffic === 'free' ? FREE_FLOW_PROFILE : urbanWeekdayProfile() });
}

/**
 * The broker refuses a record batch over `message.max.bytes` (1 MiB by default) and a request holds
 * one batch per partition; every audit record of a batch goes to one partition (key `service`).
 * Records are sent in requests of at most this many encoded bytes per topic (so per partition),
 * one after the other, in order.
 */
const MAX_TOPIC_BYTES = 768 * 1024;
/** Per-record overhead of the record format (lengths, offsets, attributes), counted generously. */
const RECORD_OVERHEAD = 32;

const PUBLISHED: readonly [TopicName, keyof Outputs][] = [
  [Topic.DispatchOrders, 'orders'],
  [Topic.TimelineEvents, 'timeline'],
  [Topic.UnitsStatus, 'statuses'],
  [Topic.AuditEvents, 'audits'],
];

/**
 * Publishes decisions' records, each encoded once. The decider checked every record against its
 * contract before committing it; the unit statuses (written by the commit script) and records
 * taken back from an outbox (`checked` false: another process, maybe another version, committed
 * them) are checked here.
 */
function publisher(producer: EventProducer, prefix: string) {
  return async (list: readonly PublishItem[]) => {
    const requests: Map<TopicName, Message[]>[] = [];
    let current = new Map<TopicName, Message[]>();
    let bytes = new Map<TopicName, number>();
    for (const item of list) {
      const headers = correlationHeaders(item.correlationId);
      const encoded = new Map<TopicName, { messages: Message[]; size: number }>();
      for (const [topic, field] of PUBLISHED) {
        const events = item.outputs[field] as readonly unknown[];
        if (events.length === 0) continue;
        const binding = bindingFor(topic);
        const check = field === 'statuses' || item.checked !== true;
        let size = 0;
        const messages = events.map((event): Message => {
          if (check) {
            const r = binding.codec.validate(event);
            if (!r.ok) throw new ValidationFailedError(binding.codec.name, r.errors);
          }
          const key = (binding.key as (e: unknown) => string | null)(event);
          // The codec's encoding (JSON), with the text the commit made for the outbox.
          const value = Buffer.from(recordJson(event as object));
          size += value.length + (key === null ? 0 : Buffer.byteLength(key)) + RECORD_OVERHEAD;
          if (item.correlationId !== undefined) size += 64 + item.correlationId.length;
          return { key, value, ...(headers ? { headers } : {}) };
        });
        encoded.set(topic, { messages, size });
      }
      const overflows = [...encoded].some(
        ([topic, e]) => (bytes.get(topic) ?? 0) > 0 && (bytes.get(topic) ?? 0) + e.size > MAX_TOPIC_BYTES,
      );
      if (overflows) {
        requests.push(current);
        current = new Map();
        bytes = new Map();
      }
      for (const [topic, e] of encoded) {
        const list = current.get(topic);
        if (list) list.push(...e.messages);
        else current.set(topic, e.messages);
        bytes.set(topic, (bytes.get(topic) ?? 0) + e.size);
      }
    }
    if (current.size > 0) requests.push(current);
    for (const request of requests) {
      await producer.sendRaw(
        [...request].map(([topic, messages]) => ({ topic: prefixedTopic(prefix, topic), messages })),
      );
    }
  };
}

function countStats(metrics: RouterMetrics, stats: BatchStats): void {
  metrics.decisions.inc(stats.decisions);
  metrics.duplicates.inc(stats.duplicates);
  metrics.conflicts.inc(stats.conflicts);
  metrics.republished.inc(stats.republished);
  metrics.escalations.inc(stats.escalations);
}

export async function startRouter(
  config: RouterConfig,
  logger: Logger,
  opts: StartRouterOptions = {},
): Promise<RunningRouter> {
  const shutdown = new Shutdown(logger);
  const clock = opts.clock ?? systemClock;
  try {
    const city = opts.city ?? loadCity(config);
    const view: CityView = cityView(city);
    const kafka = createKafka(config, logger);
    const redis: RedisClient = createRedis(config, logger, { connectionName: SERVICE });
    shutdown.add('redis', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    const store = new RouterStore(redis);
    const migrated = await store.migrate();
    if (migrated > 0) logger.info({ keys: migrated }, `router keys moved under ${NS}`);
    const seeded = await store.seed(view.roster());
    const producer = new EventProducer(kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
    shutdown.add('producer', () => producer.close());
    await producer.warmUp([...OUTPUT_TOPICS]);
    const announced = await announceRoster(store, producer, view, clock.now());

    const registry = createMetricsRegistry(SERVICE);
    const metrics = createRouterMetrics(registry);
    const ladder = new LadderSource(builtinLadder(config.ladderId, config.ackDeadlines));
    const risk = new RiskSource(builtinComplaintRisk(config.complaintRiskId));
    const calls = new CallHistory(redis);
    const windowMs = config.summaryWindowSec * 1000;
    const decider = new Decider({
      store,
      city: view,
      ranker: new Ranker(city.router, { hourAt: (ms) => hourOfDay(ms, config.utcOffsetHours) }),
      ladder: ladder.current,
      now: () => clock.now(),
      publish: publisher(producer, config.kafkaTopicPrefix),
      onSamples: (samples) => metrics.observe(samples),
      onTrailingError: (err) =>
        logger.warn({ err }, 'outbox clean-up failed; the entries will be published again'),
      options: {
        recommend: config.recommend,
        queueRetryMs: config.queueRetrySec * 1000,
        staleAfterMs: config.staleAfterSec * 1000,
        unseenUnits: config.unseenUnits,
        poolSize: config.candidatePool,
        poolRadiusM: config.searchRadiusKm * 1000,
        orphanAfterMs: 10_000,
        maxRounds: 8,
        summaryWindowMs: windowMs,
      },
    });
    shutdown.add('decider', () => decider.drain());
    // Partition batches that arrive together are decided together (see batch-group.ts). With
    // ROUTER_OVERLAP_RUNS > 0 a batch is handed back to the consumer once its run is committed to
    // Redis, and its offsets are committed once the run is published (the kit's two-phase mode):
    // kafkajs fetches the next batches while the run publishes.
    const twoPhase = config.overlapRuns > 0;
    const group = new BatchGroup<Task>(async (tasks) => {
      const { stats, published } = await decider.decide(tasks);
      countStats(metrics, stats);
      return { durable: published };
    }, config.overlapRuns);
    const taken = (o: RunOutcome): TakenBatch | undefined => (twoPhase ? o : undefined);
    const run = async (topic: string, tasks: readonly Task[]): Promise<TakenBatch | undefined> => {
      if (tasks.length === 0) return undefined;
      const end = metrics.batchSeconds.startTimer({ topic });
      const o = await group.submit(tasks);
      o.durable.then(
        () => end(),
        () => end(),
      );
      return taken(o);
    };

    // Every instance reads every ladder version: a group of its own, from the start of the compacted topic.
    const instance = randomBytes(4).toString('hex');
    const rulesConsumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-rules-${instance}`,
      topic: Topic.RulesSets,
      onCrash: (err) => opts.onFatal?.(err),
      topicPrefix: config.kafkaTopicPrefix,
      fromBeginning: true,
      handleBatch: async (events) => {
        for (const { event, log } of events) {
          if (event.kind === 'complaint_risk') {
            const c = risk.offer(event);
            if (c.applied)
              log.info({ ruleSetId: event.ruleSetId }, `complaint-risk rules applied: ${c.reason}`);
            else log.warn({ ruleSetId: event.ruleSetId }, `complaint-risk rules ignored: ${c.reason}`);
            continue;
          }
          const r = ladder.offer(event);
          if (event.kind !== 'escalation_ladder') continue;
          if (r.applied) log.info({ ruleSetId: event.ruleSetId }, `escalation ladder applied: ${r.reason}`);
          else log.warn({ ruleSetId: event.ruleSetId }, `escalation ladder ignored: ${r.reason}`);
        }
      },
    });
    shutdown.add('rules consumer', () => rulesConsumer.stop());

    const consumer = await runMultiTopicConsumer({
      kafka,
      logger,
      producer,
      groupId: config.groupId,
      topicPrefix: config.kafkaTopicPrefix,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      onCrash: (err) => opts.onFatal?.(err),
      handlers: {
        [Topic.AlertsRaised]: (events) =>
          run(
            Topic.AlertsRaised,
            events.map((e) => alertTask(view, e.event, e.correlationId)),
          ),
        [Topic.IncidentsReported]: async (events) => {
          // Every call is filed under its address (complaint risk counts repeat calls) alongside the
          // decisions, not one round trip before them: its pipeline is written at once on the
          // connection the decisions use later, so Redis applies it before any of their commits,
          // and both are done before the offsets are committed.
          const [, run1] = await Promise.all([
            calls.record(
              events.flatMap(({ event }): CallRecord[] => {
                const key = addressKey(event.address, event.location);
                const at = Date.parse(event.occurredAt);
                return key === undefined
                  ? []
                  : [{ incidentId: event.incidentId, key, at: Number.isFinite(at) ? at : clock.now() }];
              }),
            ),
            run(
              Topic.IncidentsReported,
              // The most urgent first: within a batch, a P1 gets the nearest unit before a P4.
              [...events]
                .sort((a, b) => a.event.priority - b.event.priority)
                .map((e) => reportTask(e.event, e.correlationId)),
            ),
          ]);
          return run1;
        },
        [Topic.InterceptionsPlans]: (events) =>
          run(
            Topic.InterceptionsPlans,
            events.map((e) => planTask(e.event, e.correlationId)),
          ),
        [Topic.DispatchAcks]: (events) =>
          run(
            Topic.DispatchAcks,
            events.map((e) => ackTask(e.event, e.correlationId)),
          ),
        [Topic.OutcomesLabelled]: (events) =>
          run(
            Topic.OutcomesLabelled,
            events.map((e) => outcomeTask(e.event, e.correlationId)),
          ),
        [Topic.OperatorCommands]: (events) =>
          run(
            Topic.OperatorCommands,
            events.flatMap((e) => commandTask(e.event, e.correlationId) ?? []),
          ),
        [Topic.UnitsStatus]: async (events) => {
          for (const e of events) {
            const event = e.event;
            // The router's own records were applied when it decided them. (The event's child logger
            // is made only when used: the router reads back each of its own status records, and a
            // pino child per record cost ~3% of its CPU.)
            if (event.source === SERVICE) continue;
            if (event.status !== 'available' && event.status !== 'busy' && event.status !== 'off_duty') {
              e.log.warn(
                { unitId: event.unitId, status: event.status },
                'a person cannot set this status; ignored',
              );
              continue;
            }
            const r = await store.personStatus(event.unitId, event.status, clock.now());
            if (!r) metrics.unknownUnits.inc();
          }
          // Most of these records are the router's own, read back and passed over at once; the
          // batch then waits for the run of the fetch's other batches (an empty part of it) so its
          // offsets go in their commit request rather than in one of their own.
          return taken(await group.submit([]));
        },
        [Topic.UnitsPositions]: async (events) => {
          const latest = new Map<string, { unitId: string; lon: number; lat: number; at: number }>();
          for (const { event } of events) {
            const at = Date.parse(event.receivedAt ?? event.occurredAt);
            const cur = latest.get(event.unitId);
            if (!cur || at >= cur.at) {
              latest.set(event.unitId, {
                unitId: event.unitId,
                lon: event.location.lon,
                lat: event.location.lat,
                at,
              });
            }
          }
          metrics.unknownUnits.inc(await store.positions([...latest.values()]));
        },
      },
    });
    shutdown.add('consumer', () => consumer.stop());

    // Complaint risk: resolved incidents, read back from the timeline the router wrote, in a group of
    // their own; one at risk gets one follow-up matter (its id is the incident's, so a redelivery or
    // a restart opens nothing twice).
    const riskConsumer = await runEventConsumer({
      kafka,
      logger,
      producer,
      groupId: `${config.groupId}-complaint-risk`,
      topic: Topic.TimelineEvents,
      onCrash: (err) => opts.onFatal?.(err),
      topicPrefix: config.kafkaTopicPrefix,
      // A new group judges every resolved incident still on the topic (a follow-up opens once anyway).
      fromBeginning: true,
      // The topic carries every entry of every matter (two or three per decision); only resolved
      // incidents matter here. Looking for the type's name in the raw record passes the others over
      // undecoded (decoding and checking each cost more than the rest of this consumer), and taking
      // the partitions of a fetch at once sends their offsets in one commit instead of one each.
      accept: (m) => m.value?.includes(RESOLVED_TYPE) === true,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      // A follow-up's deadline is hours away: fetch in larger bites (up to a second late) rather than
      // after every run of the router. Each fetch and its offset commit cost the process socket
      // writes and kafkajs work; fetching on every run made this consumer send as many requests as
      // the main one.
      consumer: { minBytes: RISK_FETCH_MIN_BYTES, maxWaitTimeInMs: 1_000 },
      handleBatch: async (events) => {
        const resolved = events.filter((e) => isResolvedIncident(e.event));
        if (resolved.length === 0) return;
        const judged = await judgeResolved(
          resolved.map((e) => e.event as Parameters<typeof judgeResolved>[0][number]),
          risk.current(),
          calls,
        );
        const tasks: Task[] = [];
        judged.forEach((j, i) => {
          const e = resolved[i];
          if (!j.followUp || !e) return;
          metrics.followUps.inc();
          tasks.push(followUpTask(view, j.followUp, e.correlationId));
        });
        return run('complaint-risk', tasks);
      },
    });
    shutdown.add('complaint-risk consumer', () => riskConsumer.stop());

    const ackOffsets = kafkaAckOffsets(
      kafka,
      config.groupId,
      prefixedTopic(config.kafkaTopicPrefix, Topic.DispatchAcks),
    );
    shutdown.add('dispatch.acks offsets', () => ackOffsets.close());
    const poller = new JobPoller(store, decider, clock, logger, {
      intervalMs: config.deadlinePollMs,
      leaseMs: config.deadlineLeaseSec * 1000,
      ackFence: new AckFence(ackOffsets, clock, logger, {
        maxWaitMs: config.ackReadWaitSec * 1000,
        onGiveUp: () => metrics.ackWaitsGivenUp.inc(),
      }),
      onBatch: (claimed, stats, held) => {
        metrics.jobs.inc(claimed);
        metrics.deadlinesHeld.inc(held);
        countStats(metrics, stats);
      },
    });
    poller.start();
    shutdown.add('job poller', () => poller.stop());

    // Units missing from Redis (emptied, or restored from an old copy) would leave every new matter
    // waiting for a unit: put them back from the city pack, available at their post, and say so.
    if (config.rosterCheckSec > 0) {
      let checking = false;
      const rosterCheck = setInterval(() => {
        if (checking) return;
        checking = true;
        void (async () => {
          const added = await store.seed(view.roster());
          if (added === 0) return;
          const said = await announceRoster(store, producer, view, clock.now());
          logger.warn(
            { added, announced: said },
            `${added} units of the city pack were missing from Redis (emptied or restored?): put back available at their posts`,
          );
        })()
          .catch((err: unknown) => logger.warn({ err }, 'roster check failed; trying again at the next one'))
          .finally(() => {
            checking = false;
          });
      }, config.rosterCheckSec * 1000);
      rosterCheck.unref();
      shutdown.add('roster check', () => clearInterval(rosterCheck));
    }

    let opsServer: Server | undefined;
    if (config.opsPort >= 0) {
      const app = createOpsApp({
        service: SERVICE,
        registry,
        checks: { redis: () => redisReady(redis) },
        summary: async () =>
          summarize(await store.windowSamples(clock.now(), windowMs), clock.now(), config.summaryWindowSec),
      });
      opsServer = await listen(app, config.opsPort, config.opsHost);
      const server = opsServer;
      shutdown.add('ops server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    logger.info(
      {
        groupId: config.groupId,
        city: city.pack.meta.name,
        units: view.roster().length,
        seeded,
        announced,
        ladder: `${ladder.current().ruleSetId} v${ladder.current().ruleSetVersion}`,
      },
      'router running',
    );
    return {
      city,
      ladder,
      risk,
      store,
      decider,
      poller,
      metrics,
      opsServer,
      stop: () => shutdown.close('stop'),
    };
  } catch (err) {
    await shutdown.close('failed start');
    throw err;
  }
}

/**
 * Says on `units.status` that every roster unit that has never changed status is `available`, so
 * consoles and other readers know the state of a unit before its first dispatch (the router owns
 * availability; a unit seeded at start is available at its post). Said again at every start for
 * the units still unmoved, with the same event id, so a start cut short before this step loses
 * nothing. Returns how many were announced.
 */
async function announceRoster(
  store: RouterStore,
  producer: EventProducer,
  view: CityView,
  now: number,
): Promise<number> {
  const roster = view.roster();
  const kinds = new Map(roster.map((u) => [u.id, u.kind]));
  const unmoved = await store.neverMoved(roster.map((u) => u.id));
  const occurredAt = new Date(now).toISOString();
  const events: UnitStatus[] = unmoved.map((unitId) => ({
    version: 1,
    eventId: boundedId(['st', unitId, 'roster', 'available']),
    occurredAt,
    source: SERVICE,
    unitId,
    status: 'available',
    ...(kinds.has(unitId) ? { unitKind: kinds.get(unitId) } : {}),
    note: 'on the roster, at its post',
  }));
  for (let i = 0; i < events.length; i += 500)
    await producer.send(Topic.UnitsStatus, events.slice(i, i + 500));
  return events.length;
}
