/**
 * Shared set-up of the router's integration tests: topics under a unique prefix, a producer of
 * inputs, a reader of everything the router writes, a router configuration on the test's broker,
 * Redis and key prefix, the generated default city (built once per file, in memory), and places
 * in it chosen so that the nearest unit by air is not the first by road.
 */
import { City, FREE_FLOW_PROFILE, generateCity, haversineM } from '@fenghuo/city';
import {
  type AuditEvent,
  type DispatchOrder,
  type GeoPoint,
  type IncidentReport,
  type TimelineEvent,
  TOPICS,
  Topic,
  type UnitPosition,
  type UnitStatus,
} from '@fenghuo/contracts';
import {
  createLogger,
  createRedis,
  EventProducer,
  ensureTopics,
  type Logger,
  parseConfig,
  type RedisClient,
  redisConfig,
} from '@fenghuo/kit';
import { type Cluster, Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { testKafka, uniquePrefix, waitFor } from '../../../../test/setup/helpers.ts';
import { loadConfig, type RouterConfig } from '../../src/config.ts';
import { NS } from '../../src/store.ts';

export const testLog: Logger = createLogger({
  service: 'router-test',
  level: process.env.TEST_LOG_LEVEL ?? 'warn',
});

let city: City | undefined;
/** The generated default city with free-flow speeds (drive times do not depend on the hour). */
export function defaultCity(): City {
  city ??= new City(generateCity(), { profile: FREE_FLOW_PROFILE });
  return city;
}

export interface Written {
  readonly orders: DispatchOrder[];
  readonly timeline: TimelineEvent[];
  readonly statuses: UnitStatus[];
  readonly audits: AuditEvent[];
}

export interface RouterTestBed {
  readonly prefix: string;
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  readonly written: Written;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  config(extra?: Record<string, string>): RouterConfig;
  close(): Promise<void>;
}

/**
 * A client on the test's Redis: the shared one, or the one `redisEnv` names (e.g. a private
 * cluster's REDIS_CLUSTER_NODES), with `keyPrefix`.
 */
export function testRedis(keyPrefix: string, redisEnv: Record<string, string> = {}): RedisClient {
  const settings = parseConfig(redisConfig, { REDIS_URL: inject('redisUrl'), ...redisEnv });
  return createRedis({ ...settings, redisKeyPrefix: keyPrefix }, testLog);
}

/**
 * Topics, producer and a reader of the router's four output topics, under a fresh prefix.
 * `redisEnv` points the router (and the bed's own reads) at another Redis than the shared one.
 */
export async function routerTestBed(
  name: string,
  opts: { redisEnv?: Record<string, string> } = {},
): Promise<RouterTestBed> {
  const prefix = uniquePrefix(name);
  const kafka = testKafka(`${name}-test`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TOPICS, { prefix });
  } finally {
    await admin.disconnect();
  }
  const producer = new EventProducer(kafka, testLog, { topicPrefix: prefix });
  await producer.connect();
  const written: Written = { orders: [], timeline: [], statuses: [], audits: [] };
  const reader: Consumer = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 100 });
  await reader.connect();
  const lists: Record<string, unknown[]> = {
    [`${prefix}${Topic.DispatchOrders}`]: written.orders,
    [`${prefix}${Topic.TimelineEvents}`]: written.timeline,
    [`${prefix}${Topic.UnitsStatus}`]: written.statuses,
    [`${prefix}${Topic.AuditEvents}`]: written.audits,
  };
  await reader.subscribe({ topics: Object.keys(lists), fromBeginning: true });
  await reader.run({
    eachMessage: async ({ topic, message }) => {
      if (message.value) lists[topic]?.push(JSON.parse(message.value.toString()));
    },
  });
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    ROUTER_GROUP_ID: `${prefix}router`,
    ROUTER_OPS_PORT: '0',
    ROUTER_TRAFFIC: 'free',
    ROUTER_UNSEEN_UNITS: 'skip',
    ROUTER_DEADLINE_POLL_MS: '100',
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
    ...opts.redisEnv,
    ...extra,
  });
  return {
    prefix,
    kafka,
    producer,
    written,
    env,
    config: (extra) => loadConfig(env(extra)),
    async close() {
      await reader.disconnect().catch(() => undefined);
      await producer.close();
      await cleanRedis(prefix, opts.redisEnv);
      // Each test's ~30 topics (~130 partitions) would otherwise stay on the shared broker.
      await deleteTopics(kafka, prefix);
    },
  };
}

/**
 * Waits until the router has applied what the test told it about units (their positions and
 * statuses arrive on other topics than the incidents, so in no fixed order).
 */
export async function unitsApplied(
  prefix: string,
  expected: Record<string, { seen?: boolean; status?: string }>,
  redisEnv?: Record<string, string>,
): Promise<void> {
  const redis = testRedis(`${prefix}${NS}`, redisEnv);
  try {
    await waitFor(
      async () => {
        for (const [id, want] of Object.entries(expected)) {
          const [seenAt] = await redis.hmget(`up:${id}`, 't');
          const [status] = await redis.hmget(`us:${id}`, 's');
          if (want.seen && Number(seenAt ?? '0') <= 0) return false;
          if (want.status !== undefined && status !== want.status) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, message: `units applied: ${JSON.stringify(expected)}` },
    );
  } finally {
    redis.disconnect();
  }
}

/** Deletes the topics under `prefix` (a failure is only reported: the broker may be going away). */
export async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } catch (err) {
    testLog.warn({ err, prefix }, 'could not delete the test topics');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function cleanRedis(prefix: string, redisEnv?: Record<string, string>): Promise<void> {
  if (redisEnv?.REDIS_CLUSTER_NODES !== undefined) {
    const cluster = testRedis('', redisEnv) as Cluster;
    try {
      if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
      for (const node of cluster.nodes('master')) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          for (const key of keys) await node.unlink(key);
        } while (cursor !== '0');
      }
    } finally {
      cluster.disconnect();
    }
    return;
  }
  const redis = new Redis(inject('redisUrl'));
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

let seq = 0;

/** A phone position of a unit, reported `ageSec` ago. */
export function position(unitId: string, at: GeoPoint, ageSec = 0): UnitPosition {
  const when = new Date(Date.now() - ageSec * 1000).toISOString();
  return {
    version: 1,
    eventId: `pos-${unitId}-${Date.now()}-${++seq}`,
    occurredAt: when,
    receivedAt: when,
    unitId,
    location: at,
  };
}

/** An officer takes their unit off duty (what the gateway writes). */
export function offDuty(unitId: string): UnitStatus {
  return {
    version: 1,
    eventId: `st-${unitId}-${Date.now()}-${++seq}`,
    occurredAt: new Date().toISOString(),
    source: 'gateway',
    unitId,
    status: 'off_duty',
    actor: { username: `officer-of-${unitId}`, role: 'officer', unitId },
  };
}

export function incidentReport(
  incidentId: string,
  at: GeoPoint,
  fields: Partial<Pick<IncidentReport, 'category' | 'priority'>> = {},
): IncidentReport {
  return {
    version: 1,
    eventId: `110-${incidentId}`,
    occurredAt: new Date().toISOString(),
    incidentId,
    channel: '110',
    category: fields.category ?? 'theft',
    priority: fields.priority ?? 2,
    location: at,
  };
}

export const pointOf = (c: Pick<City, 'pack'>, node: number): GeoPoint => ({
  lon: c.pack.graph.lon[node] as number,
  lat: c.pack.graph.lat[node] as number,
});

export interface RiverCase {
  /** Where the incident is. */
  readonly target: GeoPoint;
  /** Nearer by air, slower by road (across the river, or against one-way streets). */
  readonly nearByAir: GeoPoint;
  /** Farther by air, faster by road. */
  readonly fastByRoad: GeoPoint;
  readonly airM: { near: number; fast: number };
  readonly driveS: { near: number; fast: number };
}

/** Node indices bucketed on a ~250 m grid, for "nodes within r metres" without a full scan. */
function nodeGrid(c: City) {
  const g = c.pack.graph;
  const cellDeg = 0.0025;
  const buckets = new Map<string, number[]>();
  const keyOf = (lon: number, lat: number) => `${Math.floor(lon / cellDeg)},${Math.floor(lat / cellDeg)}`;
  for (let v = 0; v < g.nodeCount; v++) {
    const k = keyOf(g.lon[v] as number, g.lat[v] as number);
    const list = buckets.get(k) ?? [];
    list.push(v);
    buckets.set(k, list);
  }
  return (p: GeoPoint, radiusM: number): number[] => {
    const span = Math.ceil(radiusM / 200) + 1;
    const bx = Math.floor(p.lon / cellDeg);
    const by = Math.floor(p.lat / cellDeg);
    const out: number[] = [];
    for (let dx = -span; dx <= span; dx++) {
      for (let dy = -span; dy <= span; dy++) {
        for (const v of buckets.get(`${bx + dx},${by + dy}`) ?? []) {
          if (haversineM(p.lon, p.lat, g.lon[v] as number, g.lat[v] as number) <= radiusM) out.push(v);
        }
      }
    }
    return out;
  };
}

/** The river cases found so far in a city, and where the scan for the next one resumes. */
interface RiverScan {
  readonly cases: RiverCase[];
  readonly used: Set<string>;
  readonly within: ReturnType<typeof nodeGrid>;
  /** One buffer for the cheap searches (12 000 of them up to the 8th case). */
  readonly quick: Float64Array;
  step: number;
}

const riverScans = new WeakMap<City, RiverScan>();

/**
 * Places in the default city where an incident has two spots for units: one within 400 m by air
 * but at least 4 minutes by road, one farther by air but at most half that drive time. The river
 * (crossed only by bridges every 1.6 km) and the one-way core make such places common. The `n`-th
 * such place (found once per city, in a fixed order). The scan goes on from where the last call
 * left it, so the 8th case costs one pass over its candidates, not eight: a search over ~12 000
 * candidates, each a short Dijkstra, in one synchronous piece (seconds on a loaded machine,
 * during which a test's router in the same process neither heartbeats nor polls). Test files
 * that use many cases find them in a `beforeAll`, before any router runs.
 */
export function findRiverCase(c: City, n = 0): RiverCase {
  const g = c.pack.graph;
  let scan = riverScans.get(c);
  if (!scan) {
    scan = { cases: [], used: new Set(), within: nodeGrid(c), quick: new Float64Array(g.nodeCount), step: 0 };
    riverScans.set(c, scan);
  }
  const { cases, used, within, quick: buffer } = scan;
  if (cases[n]) return cases[n];
  const air = (a: GeoPoint, v: number) => haversineM(a.lon, a.lat, g.lon[v] as number, g.lat[v] as number);
  for (; scan.step < 20_000 && cases.length <= n; scan.step++) {
    const t = (scan.step * 7919) % g.nodeCount;
    const tp = pointOf(c, t);
    if (used.has(`${tp.lon},${tp.lat}`)) continue;
    // Cheap test first: a node 150–400 m away that is not reached within 4 minutes.
    const close = within(tp, 400).filter((v) => air(tp, v) > 150);
    const quick = c.router.timeToReach({ node: t }, { maxSeconds: 240 }, buffer);
    if (!close.some((v) => !Number.isFinite(quick[v] as number))) continue;
    const times = c.router.timeToReach({ node: t }, { maxSeconds: 1800 });
    let near = -1;
    for (const v of close) {
      const s = times[v] as number;
      if (s >= 240 && Number.isFinite(s) && (near < 0 || air(tp, v) < air(tp, near))) near = v;
    }
    if (near < 0) continue;
    const nearAir = air(tp, near);
    const nearS = times[near] as number;
    let fast = -1;
    for (const v of within(tp, nearAir + 1500)) {
      const a = air(tp, v);
      if (a > nearAir + 200 && (times[v] as number) <= nearS / 2 && (fast < 0 || a > air(tp, fast))) fast = v;
    }
    if (fast < 0) continue;
    used.add(`${tp.lon},${tp.lat}`);
    cases.push({
      target: tp,
      nearByAir: pointOf(c, near),
      fastByRoad: pointOf(c, fast),
      airM: { near: nearAir, fast: air(tp, fast) },
      driveS: { near: nearS, fast: times[fast] as number },
    });
  }
  const found = cases[n];
  if (!found) throw new Error(`fewer than ${n + 1} river cases in the default city`);
  return found;
}
