/**
 * Chaos while the sources stream (issue 16): ingest, two fraud scorers, the router, the interceptor
 * and a gateway run as processes (their own entry points, configured through the environment, as
 * `npm start` runs them) against the local three-broker cluster and a Redis of this test's own
 * (a private `redis-server` on a free port with an append-only file fsynced on every write, in a
 * temporary folder: never the shared Redis on 6379). Two sources stream with the ground truth known
 * up front: a bank posts fraud indicators (each victim three listed calls, in its own grid cell), a
 * 110 centre posts incidents. The test plays the phones: it reads `dispatch.orders` and accepts half
 * of the first orders at once (which ones is drawn from the seed), leaving the others to miss their
 * deadline of a short escalation ladder it publishes on `rules.sets` (officer → duty desk for
 * warnings, patrol → city for incidents, `DEADLINE_SEC` at the first rung).
 *
 * At seeded random moments, one at a time: SIGKILL a scorer (the other survives), the router, the
 * interceptor and the gateway, each restarted after a few seconds; SIGKILL the broker leading the
 * indicators' first partition and restart it; SIGKILL Redis and restart it from its append-only
 * file. Then everything is reconciled:
 *
 * - every event ingest answered 202 for is on its topic, none twice;
 * - every victim got exactly one alert (one alert id, one revision), nobody else one;
 * - every decision produced exactly one order: each victim's alert one order at escalation level 0
 *   (to the officer of its cell), each incident one; no order id with two different records of one
 *   revision; no order superseded by two;
 * - every first order not accepted before its deadline was escalated exactly once (one `escalated`
 *   timeline entry, at most one order superseding it, and the escalation's own order there: the
 *   duty desk's, another patrol's, or the order revised to the top rung); none accepted in time
 *   was escalated;
 * - the gateway's live state in Redis (what snapshots are made of) holds every open alert and every
 *   active order at its latest revision, nothing else; nothing was dead-lettered; no process died.
 *
 * It prints the faults (when, how long until everything flowed again), the totals and one JSON line.
 * `CHAOS_SEED` picks another schedule and other acknowledgements; `CHAOS_REDIS=empty` restarts Redis
 * without its data (expected to fail: the README says what is lost).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import {
  type Alert,
  type CallIndicator,
  type DispatchAck,
  type DispatchOrder,
  type EscalationLadderSet,
  escalationLadderExample,
  type GeoPoint,
  type IncidentReport,
  type TimelineEvent,
  TOPICS,
  Topic,
} from '@fenghuo/contracts';
import { createLogger, EventProducer, ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killClusterNode, localInfraConfig, upCluster } from '../../infra/scripts/local-infra.ts';
import { KeyStore } from '../../ingest/src/key-store.ts';
import { NS as ROUTER_NS } from '../../processors/router/src/store.ts';
import { freePort } from '../setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, startService } from '../setup/services.ts';
import {
  describeDuplicates,
  groupLag,
  leaderOfFirstPartition,
  type PlacedRecord,
  readRecords,
  reconcileAlerts,
  reconcileEvents,
  secs,
  sleep,
  startStream,
  transactionLogLines,
  underReplicated,
} from './support.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 16);
/**
 * `aof` (the default, what production must run): Redis keeps an append-only file fsynced on every
 * write, so a SIGKILL loses nothing it acknowledged. `empty` (`CHAOS_REDIS=empty`): no persistence,
 * Redis comes back empty, to show what that costs (the suite then fails: see the README).
 */
const REDIS_MODE: 'aof' | 'empty' = process.env.CHAOS_REDIS === 'empty' ? 'empty' : 'aof';
/** Indicator requests per second (two source loops share the schedule), 20 events each. */
const INDICATOR_REQUESTS_PER_SEC = 2;
const EVENTS_PER_REQUEST = 20;
/** Victim v's three calls go in requests v, v+CALL_GAP and v+2*CALL_GAP. */
const CALL_GAP = 4;
/** One incident every this many ms, at most MAX_INCIDENTS (the city has 200 patrol units). */
const INCIDENT_EVERY_MS = 4_000;
const MAX_INCIDENTS = 90;
/** Acknowledgement deadline at the first rung (officer, patrol) of the ladder the test publishes. */
const DEADLINE_SEC = 60;
/** An acceptance sent this close to the deadline (or after it) may go either way: not counted. */
const AMBIGUOUS_MS = 5_000;
/** Before the first fault and after the last one's recovery. */
const STEADY_MS = 15_000;

// ---------------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32)

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether the phones accept this order at once (half of them, drawn from the seed and its id). */
function accepts(orderId: string): boolean {
  return (createHash('sha1').update(`${SEED}:${orderId}`).digest()[0] ?? 0) % 2 === 0;
}

// ---------------------------------------------------------------------------------------------------
// The city: victims and incidents in its cells

const { pack } = loadOrGenerateDefaultPack();
const cells = pack.cells;

function centreOf(cell: (typeof cells)[number]): GeoPoint {
  const ring = (cell.polygon[0] ?? []).slice(0, -1);
  const lon = ring.reduce((s, p) => s + (p[0] ?? 0), 0) / ring.length;
  const lat = ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length;
  return { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
}

// ---------------------------------------------------------------------------------------------------
// Ground truth

interface Plan {
  readonly prefix: string;
  readonly startedAt: number;
}

const victim = (plan: Plan, v: number) => `${plan.prefix}v${v}`;
const cellOfVictim = (v: number) => cells[(v * 7) % cells.length] as (typeof cells)[number];
const incidentId = (plan: Plan, n: number) => `${plan.prefix}inc${n}`;

/** Request i: the calls of victims i, i-4, i-8 (in their cells) and bystanders' ordinary calls. */
function indicatorRequest(plan: Plan, i: number): CallIndicator[] {
  const events: CallIndicator[] = [];
  for (let k = 0; k < 3; k++) {
    const v = i - k * CALL_GAP;
    if (v < 0) continue;
    const first = plan.startedAt - 30 * 60_000 + v * 1_000;
    events.push({
      version: 1,
      eventId: `${plan.prefix}r${i}-v${v}-c${k}`,
      occurredAt: new Date(first + k * 4 * 60_000).toISOString(),
      subjectId: victim(plan, v),
      kind: 'call',
      callerNumber: `170${String(v % 100_000).padStart(8, '0')}`,
      direction: 'inbound',
      durationSec: 300,
      callerListed: true,
      gridCellId: cellOfVictim(v).id,
    });
  }
  for (let b = events.length; b < EVENTS_PER_REQUEST; b++) {
    events.push({
      version: 1,
      eventId: `${plan.prefix}r${i}-b${b}`,
      occurredAt: new Date(plan.startedAt - 60_000 + (i % 60) * 1_000).toISOString(),
      subjectId: `${plan.prefix}b${i}-${b}`,
      kind: 'call',
      callerNumber: `1390000${String(b).padStart(4, '0')}`,
      direction: 'outbound',
      durationSec: 40,
      callerListed: false,
    });
  }
  return events;
}

const ONE_UNIT_CATEGORIES = ['theft', 'disturbance', 'traffic', 'suspicious', 'alarm', 'medical'] as const;

/** Incident n: one unit needed, in a cell spread over the city. */
function incidentRequest(plan: Plan, n: number): IncidentReport[] {
  const cell = cells[(n * 37 + 11) % cells.length] as (typeof cells)[number];
  return [
    {
      version: 1,
      eventId: `${plan.prefix}e-inc${n}`,
      occurredAt: new Date().toISOString(),
      incidentId: incidentId(plan, n),
      channel: '110',
      category: ONE_UNIT_CATEGORIES[n % ONE_UNIT_CATEGORIES.length] as IncidentReport['category'],
      priority: 2 + (n % 3),
      location: centreOf(cell),
      gridCellId: cell.id,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// The test's own Redis: persistent (append-only file, fsynced on every write), killed and restarted

class PrivateRedis {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        ...(REDIS_MODE === 'aof'
          ? ['--appendonly', 'yes', '--appendfsync', 'always']
          : ['--appendonly', 'no']),
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
        const r = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        r.on('error', () => undefined); // not up yet: the next poll asks again
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } finally {
          r.disconnect();
        }
      },
      { timeoutMs: 30_000, intervalMs: 100, message: `redis-server on ${this.port}` },
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading what the services write, as it comes

interface Seen<V> {
  readonly value: V;
  readonly receivedAt: number;
}

async function follow<V>(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onRecord: (value: V, receivedAt: number) => void | Promise<void>,
): Promise<Consumer> {
  // A reader restarted by kafkajs reads again from its last commit: each place in the log once.
  const places = new Set<string>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (message.value === null || places.has(`${partition}:${message.offset}`)) return;
      places.add(`${partition}:${message.offset}`);
      await onRecord(JSON.parse(message.value.toString('utf8')) as V, Date.now());
    },
  });
  return consumer;
}

type FaultKind = 'scorer' | 'router' | 'interceptor' | 'gateway' | 'broker' | 'redis';

interface FaultRecord {
  readonly kind: FaultKind;
  readonly what: string;
  readonly killedAt: number;
  restartedAt?: number;
  /** The restarted process is ready (`/readyz`), the broker registered, Redis answering. */
  backAt?: number;
}

// ---------------------------------------------------------------------------------------------------

describe('chaos: processes, a broker and Redis killed and restarted while sources stream', () => {
  const prefix = uniquePrefix('chaos');
  const dir = mkdtempSync(join(tmpdir(), 'fh-chaos-'));
  const infra = localInfraConfig(process.env, { log: (line) => console.log(`[infra] ${line}`) });
  const logger = createLogger({ service: 'chaos', level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const random = rng(SEED);
  let kafka: Kafka;
  let redis: PrivateRedis;
  let producer: EventProducer | undefined;
  const readers: Consumer[] = [];
  const keys = { bank: '', center: '' };
  let ingestUrl = '';

  /** How to (re)start each process, and the running one. */
  const specs = new Map<string, Parameters<typeof startService>[0]>();
  const running = new Map<string, ServiceProcess>();
  const start = async (name: string) => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`no service ${name}`);
    running.set(name, await startService({ ...spec, readyTimeoutMs: 240_000 }));
  };
  const kill = async (name: string) => {
    const s = running.get(name);
    if (!s) throw new Error(`${name} not running`);
    const exited = new Promise<void>((resolve) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) resolve();
      else s.child.once('exit', () => resolve());
    });
    s.child.kill('SIGKILL');
    await exited;
    running.delete(name);
  };

  const alerts: Seen<Alert>[] = [];
  const orders: Seen<DispatchOrder>[] = [];
  /** orderId → when the phone's acceptance was acknowledged by the broker. */
  const accepted = new Map<string, number>();
  const topics = TOPICS.map((t) => `${prefix}${t.name}`);
  const topic = (t: string) => `${prefix}${t}`;

  beforeAll(async () => {
    kafka = testKafka('chaos-test');
    redis = new PrivateRedis(await freePort(), mkdtempSync(join(dir, 'redis-')));
    await redis.start();
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));

    // A short ladder: the first rung waits DEADLINE_SEC, the second is the top (nobody further).
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    const ladder: EscalationLadderSet = {
      ...escalationLadderExample,
      ruleSetId: 'escalation-ladder',
      ruleSetVersion: 1,
      description: 'chaos: one rung of escalation after a short deadline',
      deadlinesSec: Object.fromEntries(
        Object.keys(escalationLadderExample.deadlinesSec).map((k) => [k, DEADLINE_SEC]),
      ),
      ladders: {
        alert: [{ rung: 'officer' }, { rung: 'duty_desk' }],
        incident: [{ rung: 'patrol' }, { rung: 'city' }],
        interception: [{ rung: 'patrol' }, { rung: 'city' }],
      },
    };
    await producer.send(Topic.RulesSets, [ladder]);

    const keysFile = join(dir, 'keys.json');
    const store = new KeyStore(keysFile);
    keys.bank = store.addKey('chaos-bank', { kinds: ['fraud-indicators'] }).key;
    keys.center = store.addKey('chaos-110', { kinds: ['incidents'] }).key;

    const shared = {
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
      // The gateway signs people's tokens with it; the interceptor checks them on its API.
      AUTH_JWT_SECRET: 'chaos-reliability-gateway-key-0123456789',
    };
    const ingestPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    specs.set('ingest', {
      name: 'ingest',
      entry: 'ingest/src/index.ts',
      env: {
        ...shared,
        KAFKA_CLIENT_ID: `${prefix}ingest`,
        INGEST_PORT: String(ingestPort),
        INGEST_KEYS_FILE: keysFile,
        INGEST_SOURCE_RATE: '100000',
        INGEST_SOURCE_BURST: '100000',
      },
      readyUrl: `${ingestUrl}/readyz`,
    });
    for (const n of ['a', 'b']) {
      const port = await freePort();
      specs.set(`scorer-${n}`, {
        name: `scorer-${n}`,
        entry: 'processors/fraud-scorer/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}fraud-scorer-${n}`,
          SCORER_GROUP_ID: `${prefix}fraud-scorer`,
          SCORER_OPS_PORT: String(port),
        },
        readyUrl: `http://127.0.0.1:${port}/readyz`,
      });
    }
    const routerPort = await freePort();
    specs.set('router', {
      name: 'router',
      entry: 'processors/router/src/index.ts',
      env: {
        ...shared,
        KAFKA_CLIENT_ID: `${prefix}router`,
        ROUTER_GROUP_ID: `${prefix}router`,
        ROUTER_OPS_PORT: String(routerPort),
        // A deadline claimed by the killed instance comes back this soon.
        ROUTER_DEADLINE_LEASE_SEC: '10',
      },
      readyUrl: `http://127.0.0.1:${routerPort}/readyz`,
    });
    const interceptorPort = await freePort();
    specs.set('interceptor', {
      name: 'interceptor',
      entry: 'processors/interceptor/src/index.ts',
      env: {
        ...shared,
        KAFKA_CLIENT_ID: `${prefix}interceptor`,
        INTERCEPTOR_GROUP_ID: `${prefix}interceptor`,
        INTERCEPTOR_OPS_PORT: String(interceptorPort),
      },
      readyUrl: `http://127.0.0.1:${interceptorPort}/readyz`,
    });
    const gatewayPort = await freePort();
    specs.set('gateway', {
      name: 'gateway',
      entry: 'dispatch-ui/gateway/src/index.ts',
      env: {
        ...shared,
        KAFKA_CLIENT_ID: `${prefix}gateway`,
        REDIS_KEY_PREFIX: `${prefix}gw:`,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_GROUP_ID: `${prefix}gateway`,
        GATEWAY_USERS_FILE: join(dir, 'users.json'),
      },
      readyUrl: `http://127.0.0.1:${gatewayPort}/readyz`,
    });
    // One at a time: each start compiles and loads the city, which takes a core for a while.
    for (const name of specs.keys()) await start(name);

    readers.push(
      await follow<Alert>(kafka, topic(Topic.AlertsRaised), `${prefix}alerts-reader`, (value, receivedAt) => {
        alerts.push({ value, receivedAt });
      }),
    );
    // The phones: accept half of the orders at once, leave the others to their deadline.
    const phones = producer;
    readers.push(
      await follow<DispatchOrder>(
        kafka,
        topic(Topic.DispatchOrders),
        `${prefix}phones`,
        async (value, receivedAt) => {
          orders.push({ value, receivedAt });
          if (value.status !== 'active' || value.revision !== 1) return;
          if (accepted.has(value.orderId) || !accepts(value.orderId)) return;
          const ack: DispatchAck = {
            version: 1,
            eventId: `ack-${value.orderId}-accepted`,
            orderId: value.orderId,
            unitId: value.unitId,
            status: 'accepted',
            at: new Date().toISOString(),
          };
          await waitFor(
            async () => {
              await phones.send(Topic.DispatchAcks, [ack]);
              return true;
            },
            { timeoutMs: 120_000, intervalMs: 500, message: `acceptance of ${value.orderId} sent` },
          );
          accepted.set(value.orderId, Date.now());
        },
      ),
    );
  }, 900_000);

  afterAll(async () => {
    await upCluster(infra).catch((err: unknown) => logger.error({ err }, 'could not restore the cluster'));
    for (const r of readers) await r.disconnect().catch(() => undefined);
    await Promise.allSettled([...running.values()].map((s) => s.stop()));
    await producer?.close().catch(() => undefined);
    await redis?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('loses no event, alert, order or escalation and doubles none', async () => {
    const plan: Plan = { prefix, startedAt: Date.now() };
    const indicators = startStream(
      ingestUrl,
      {
        path: '/v1/fraud-indicators',
        key: keys.bank,
        requestIdPrefix: 'chaos-ind-',
        perSecond: INDICATOR_REQUESTS_PER_SEC,
        loops: 2,
      },
      (i) => indicatorRequest(plan, i),
    );
    const incidents = startStream(
      ingestUrl,
      {
        path: '/v1/incidents',
        key: keys.center,
        requestIdPrefix: 'chaos-inc-',
        perSecond: 1_000 / INCIDENT_EVERY_MS,
        loops: 1,
        max: MAX_INCIDENTS,
      },
      (n) => incidentRequest(plan, n),
    );
    const streamBegan = Date.now();
    const since = (t: number) => `+${secs(t - streamBegan)}`;

    // The schedule: every fault once, in a seeded order, 10-30 s of steady streaming before each.
    const kinds: FaultKind[] = ['scorer', 'router', 'interceptor', 'gateway', 'broker', 'redis'];
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j] as FaultKind, kinds[i] as FaultKind];
    }
    const faults: FaultRecord[] = [];
    await sleep(STEADY_MS);
    for (const kind of kinds) {
      await sleep(10_000 + random() * 20_000);
      const downMs = kind === 'broker' ? 10_000 : 2_000 + random() * 6_000;
      let fault: FaultRecord;
      if (kind === 'broker') {
        const node = await leaderOfFirstPartition(kafka, topic(Topic.FraudIndicators));
        fault = { kind, what: `kafka node ${node}`, killedAt: Date.now() };
        await killClusterNode(infra, node);
        faults.push(fault);
        console.log(`[chaos] SIGKILL kafka node ${node} at ${since(fault.killedAt)}`);
        await sleep(downMs);
        fault.restartedAt = Date.now();
        const up = await upCluster(infra);
        expect(up.startedNodes).toEqual([node]);
        fault.backAt = Date.now();
        await waitFor(async () => (await underReplicated(kafka, topics)) === 0, {
          timeoutMs: 180_000,
          intervalMs: 500,
          message: `every partition back to three in-sync replicas after node ${node} restarted`,
        });
      } else if (kind === 'redis') {
        fault = { kind, what: `redis :${redis.port}`, killedAt: Date.now() };
        await redis.kill();
        faults.push(fault);
        console.log(`[chaos] SIGKILL redis at ${since(fault.killedAt)}`);
        await sleep(downMs);
        fault.restartedAt = Date.now();
        await redis.start();
        fault.backAt = Date.now();
      } else {
        const name = kind === 'scorer' ? 'scorer-a' : kind;
        fault = { kind, what: name, killedAt: Date.now() };
        await kill(name);
        faults.push(fault);
        console.log(`[chaos] SIGKILL ${name} at ${since(fault.killedAt)}`);
        await sleep(downMs);
        fault.restartedAt = Date.now();
        await start(name);
        fault.backAt = Date.now();
      }
      console.log(
        `[chaos] ${fault.what} restarted at ${since(fault.restartedAt ?? 0)}, back at ${since(fault.backAt ?? 0)}`,
      );
    }
    await sleep(STEADY_MS);
    const [requests, incidentRequests] = await Promise.all([indicators.stop(), incidents.stop()]);
    const streamEnded = Date.now();

    // Ground truth: a victim is complete when all three of its calls' requests were acknowledged.
    const ackedRequests = new Set(indicators.stats.acks.map((a) => a.request));
    const victims: number[] = [];
    for (let v = 0; v + 2 * CALL_GAP < requests; v++) {
      if (ackedRequests.has(v) && ackedRequests.has(v + CALL_GAP) && ackedRequests.has(v + 2 * CALL_GAP))
        victims.push(v);
    }
    const victimIds = new Set(victims.map((v) => victim(plan, v)));
    const incidentIds = new Set(incidents.stats.acks.map((a) => incidentId(plan, a.request)));

    const patiently = (what: Promise<unknown>) =>
      what.catch((err: unknown) => console.log(`[chaos] ${(err as Error).message}`));
    const alertIdOf = () => {
      const m = new Map<string, string>();
      for (const a of alerts) m.set(a.value.subjectId, a.value.alertId);
      return m;
    };
    const firstOrdered = () =>
      new Set(orders.filter((o) => o.value.escalationLevel === 0).map((o) => o.value.refId));
    await patiently(
      waitFor(() => victims.every((v) => alertIdOf().has(victim(plan, v))), {
        timeoutMs: 180_000,
        intervalMs: 1_000,
        message: `alerts for all ${victims.length} victims`,
      }),
    );
    await patiently(
      waitFor(
        () => {
          const ordered = firstOrdered();
          const ids = alertIdOf();
          return (
            [...victimIds].every((v) => ordered.has(ids.get(v) ?? '')) &&
            [...incidentIds].every((id) => ordered.has(id))
          );
        },
        { timeoutMs: 180_000, intervalMs: 1_000, message: 'an order for every alert and incident' },
      ),
    );
    // Every first order's deadline has been dealt with, whenever that is (not a fixed time past the
    // last one, which a slow machine can outlast): its job in the router's Redis (`d|<order>` in
    // `{rt}:jobs`, docs/redis.md) is gone (escalated, or accepted) or waits for a later deadline of
    // the order itself (revised to the top rung: the revision is read and shows it), and one not
    // accepted shows its escalation (a superseding order or a revision a level up) on
    // dispatch.orders. A deadline claimed or held for unread answers stays pending: its job's
    // score moved to the lease's end or the next poll, which no order shows; and a job removed by a
    // decision committed but not yet published stays pending until its orders are read.
    const jobsKey = `${prefix}${ROUTER_NS}jobs`;
    /** First order → its first deadline (from its earliest revision read). */
    const firstDeadline = new Map<string, { revision: number; at: number }>();
    for (const { value: o } of orders) {
      const seen = firstDeadline.get(o.orderId);
      if (o.escalationLevel === 0 && (seen === undefined || o.revision < seen.revision))
        firstDeadline.set(o.orderId, { revision: o.revision, at: Date.parse(o.ackDeadline) });
    }
    const lastDeadline = Math.max(...[...firstDeadline.values()].map((d) => d.at));
    const firstIds = [...firstDeadline.keys()];
    let undecided: string[] = [];
    const jobsClient = new Redis(redis.url);
    try {
      await patiently(
        waitFor(
          async () => {
            const scores =
              firstIds.length === 0
                ? []
                : await jobsClient.zmscore(jobsKey, ...firstIds.map((id) => `d|${id}`));
            const latest = new Map<string, DispatchOrder>();
            const escalated = new Set<string>();
            for (const { value: o } of orders) {
              if (o.supersedes !== undefined) escalated.add(o.supersedes);
              if (o.escalationLevel > 0) escalated.add(o.orderId);
              if (o.revision >= (latest.get(o.orderId)?.revision ?? 0)) latest.set(o.orderId, o);
            }
            undecided = firstIds.filter((id, i) => {
              const score = scores[i];
              if (score !== null && score !== undefined) {
                const due = Number(score);
                const shown = latest.get(id)?.ackDeadline;
                return !(due > lastDeadline && shown !== undefined && due === Date.parse(shown));
              }
              return !accepted.has(id) && !escalated.has(id);
            });
            return undecided.length === 0;
          },
          {
            timeoutMs: Math.max(0, lastDeadline - Date.now()) + 180_000,
            intervalMs: 1_000,
            message: () =>
              `every first order's deadline dealt with by the router (${undecided.length} of ${firstIds.length} not: ${undecided.slice(0, 10).join(', ')}${undecided.length > 10 ? ', …' : ''})`,
          },
        ),
      );
    } finally {
      jobsClient.disconnect();
    }
    // Settled: the scorers and the router committed everything they read.
    const routerInputs = [
      Topic.AlertsRaised,
      Topic.IncidentsReported,
      Topic.DispatchAcks,
      Topic.UnitsStatus,
      Topic.UnitsPositions,
    ].map(topic);
    await patiently(
      waitFor(
        async () =>
          (await groupLag(kafka, `${prefix}fraud-scorer`, [topic(Topic.FraudIndicators)])) === 0 &&
          (await groupLag(kafka, `${prefix}router`, routerInputs)) === 0,
        {
          timeoutMs: 120_000,
          intervalMs: 1_000,
          message: 'the scorers and the router committed every input',
        },
      ),
    );
    // The gateway's live state (what operators' snapshots are made of), once it has read everything.
    await patiently(
      waitFor(
        async () =>
          (await groupLag(kafka, `${prefix}gateway`, [
            topic(Topic.AlertsRaised),
            topic(Topic.DispatchOrders),
          ])) === 0,
        { timeoutMs: 120_000, intervalMs: 1_000, message: 'the gateway committed every alert and order' },
      ),
    );
    const liveState = async (kind: 'alerts' | 'orders') => {
      const c = new Redis(redis.url);
      try {
        const [key] = await c.keys(`*state:${kind}:city`);
        const all = key === undefined ? {} : await c.hgetall(key);
        return new Map(
          Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as { revision: number }]),
        );
      } finally {
        c.disconnect();
      }
    };
    const gatewayAlerts = await liveState('alerts');
    const gatewayOrders = await liveState('orders');

    // The jobs the router still holds in Redis: deadlines (`d|`) and matters waiting for a unit (`q|`).
    const r = new Redis(redis.url);
    const jobs = await r.zrange(jobsKey, 0, -1, 'WITHSCORES').finally(() => r.disconnect());
    const jobsLeft: string[] = [];
    for (let i = 0; i < jobs.length; i += 2)
      jobsLeft.push(`${jobs[i]}@${new Date(Number(jobs[i + 1])).toISOString()}`);

    // Processes that died on their own (not killed by the test): a service must ride out every fault.
    const died = [...running.values()]
      .filter((s) => s.child.exitCode !== null || s.child.signalCode !== null)
      .map((s) => `${s.name} (${s.child.signalCode ?? `code ${s.child.exitCode}`})`);
    for (const s of running.values())
      if (s.child.exitCode !== null || s.child.signalCode !== null)
        console.log(`[chaos] ${s.name} died on its own; its last output:\n${s.output()}`);

    // Dead letters of the inputs: an input set aside is work that was never done.
    let deadLettered = 0;
    for (const t of [
      Topic.FraudIndicators,
      Topic.IncidentsReported,
      Topic.AlertsRaised,
      Topic.DispatchAcks,
    ]) {
      const offsets = await withAdmin(kafka, (a) => a.fetchTopicOffsets(`${topic(t)}.dlq`));
      deadLettered += offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }

    // --- events ---------------------------------------------------------------------------------
    const eventRecords = [
      [
        topic(Topic.FraudIndicators),
        await readRecords<CallIndicator>(kafka, topic(Topic.FraudIndicators), `${prefix}reconcile-ind`),
      ],
      [
        topic(Topic.IncidentsReported),
        await readRecords<IncidentReport>(kafka, topic(Topic.IncidentsReported), `${prefix}reconcile-inc`),
      ],
    ] as const;
    const onTopic = eventRecords.flatMap(([, records]) => records.map((rec) => rec.value.eventId));
    const ackedIds = [...indicators.stats.acks, ...incidents.stats.acks].flatMap((a) => a.eventIds);
    const { lost: lostEvents, duplicated: duplicatedEvents } = reconcileEvents(onTopic, ackedIds);
    if (duplicatedEvents > 0) {
      // For a diagnosis: each copy's place, time, request (and attempt), producer and the fate of
      // its transaction, and what the running ingest logged about its transactions.
      for (const [name, records] of eventRecords)
        for (const line of await describeDuplicates(kafka, name, records)) console.log(`[chaos] ${line}`);
      for (const line of transactionLogLines('ingest', running.get('ingest')?.output() ?? ''))
        console.log(`[chaos] ${line}`);
    }

    // --- alerts ---------------------------------------------------------------------------------
    const alertRecords = await readRecords<Alert>(
      kafka,
      topic(Topic.AlertsRaised),
      `${prefix}reconcile-alerts`,
    );
    const {
      lost: lostAlerts,
      doubled: doubledAlerts,
      falseAlerts,
      victimOf: victimAlertIds,
    } = reconcileAlerts(
      alertRecords.map((r) => r.value),
      victimIds,
    );

    // --- orders ---------------------------------------------------------------------------------
    const orderRecords: PlacedRecord<DispatchOrder>[] = await readRecords<DispatchOrder>(
      kafka,
      topic(Topic.DispatchOrders),
      `${prefix}reconcile-orders`,
    );
    const timeline = await readRecords<TimelineEvent>(
      kafka,
      topic(Topic.TimelineEvents),
      `${prefix}reconcile-tl`,
    );
    /** Each (orderId, revision) once, with every different body it was written with. */
    const revisions = new Map<string, Set<string>>();
    const latest = new Map<string, DispatchOrder>();
    for (const { value: o } of orderRecords) {
      const key = `${o.orderId}#${o.revision}`;
      const { updatedAt: _u, ...body } = o;
      const set = revisions.get(key) ?? new Set<string>();
      set.add(JSON.stringify(body));
      revisions.set(key, set);
      const cur = latest.get(o.orderId);
      if (!cur || o.revision > cur.revision) latest.set(o.orderId, o);
    }
    const conflicting = [...revisions].filter(([, bodies]) => bodies.size > 1).map(([key]) => key);
    const rewrittenOrders = orderRecords.length - revisions.size;
    /** The first order of each matter: escalation level 0 at revision 1. */
    const firstOrdersOf = new Map<string, Set<string>>();
    for (const { value: o } of orderRecords) {
      if (o.revision !== 1 || o.escalationLevel !== 0) continue;
      const set = firstOrdersOf.get(o.refId) ?? new Set<string>();
      set.add(o.orderId);
      firstOrdersOf.set(o.refId, set);
    }
    const expectedMatters = [...victimAlertIds.keys(), ...incidentIds];
    const lostOrders = expectedMatters.filter((ref) => !firstOrdersOf.has(ref));
    const doubledOrders = expectedMatters.reduce(
      (sum, ref) => sum + Math.max(0, (firstOrdersOf.get(ref)?.size ?? 0) - 1),
      0,
    );
    const strayOrders = [...firstOrdersOf.keys()].filter(
      (ref) => !victimAlertIds.has(ref) && !incidentIds.has(ref),
    );
    const misrouted = [...victimAlertIds].filter(([alertId, subjectId]) => {
      const v = Number(subjectId.slice(prefix.length + 1));
      const ids = [...(firstOrdersOf.get(alertId) ?? [])];
      return ids.length > 0 && ids.some((id) => latest.get(id)?.unitId !== cellOfVictim(v).officerId);
    });

    // --- the gateway's live state: every open alert and every active order at its latest revision, nothing else
    const latestAlert = new Map<string, Alert>();
    for (const { value: a } of alertRecords) {
      const cur = latestAlert.get(a.alertId);
      if (!cur || a.revision > cur.revision) latestAlert.set(a.alertId, a);
    }
    const compareLive = (
      expected: Map<string, { revision: number }>,
      live: Map<string, { revision: number }>,
    ) => ({
      missing: [...expected.keys()].filter((id) => !live.has(id)),
      stale: [...expected]
        .filter(([id, v]) => live.has(id) && live.get(id)?.revision !== v.revision)
        .map(([id]) => id),
      extra: [...live.keys()].filter((id) => !expected.has(id)),
    });
    const liveAlerts = compareLive(
      new Map([...latestAlert].filter(([, a]) => a.status === 'open')),
      gatewayAlerts,
    );
    const liveOrders = compareLive(
      new Map([...latest].filter(([, o]) => o.status === 'active')),
      gatewayOrders,
    );
    const liveWrong = (c: typeof liveAlerts) => c.missing.length + c.stale.length + c.extra.length;

    // --- escalations ----------------------------------------------------------------------------
    const firstOrders = expectedMatters.flatMap((ref) => [...(firstOrdersOf.get(ref) ?? [])]);
    const firstRevision = new Map<string, DispatchOrder>();
    for (const { value: o } of orderRecords) if (o.revision === 1) firstRevision.set(o.orderId, o);
    const escalatedOf = new Map<string, Set<string>>();
    for (const { value: e } of timeline) {
      if (e.type !== 'escalated') continue;
      const set = escalatedOf.get(e.orderId) ?? new Set<string>();
      set.add(e.eventId);
      escalatedOf.set(e.orderId, set);
    }
    const supersededBy = new Map<string, Set<string>>();
    for (const { value: o } of orderRecords) {
      if (o.supersedes === undefined) continue;
      const set = supersededBy.get(o.supersedes) ?? new Set<string>();
      set.add(o.orderId);
      supersededBy.set(o.supersedes, set);
    }
    let escalationsExpected = 0;
    let ambiguous = 0;
    const missedEscalations: string[] = [];
    const doubledEscalations: string[] = [];
    const wronglyEscalated: string[] = [];
    /** Escalated, but the order it implies (a new one, or the old one revised to the top rung) is missing. */
    const lostReplacements: string[] = [];
    for (const id of firstOrders) {
      const o = firstRevision.get(id);
      if (!o) continue;
      const deadline = Date.parse(o.ackDeadline);
      const acceptedAt = accepted.get(id);
      const escalations = escalatedOf.get(id)?.size ?? 0;
      const replacements = supersededBy.get(id)?.size ?? 0;
      if (escalations > 1 || replacements > 1) doubledEscalations.push(id);
      if (
        acceptedAt !== undefined &&
        acceptedAt > deadline - AMBIGUOUS_MS &&
        acceptedAt <= deadline + AMBIGUOUS_MS
      ) {
        ambiguous++;
        continue;
      }
      if (acceptedAt === undefined || acceptedAt > deadline) {
        escalationsExpected++;
        if (escalations === 0) missedEscalations.push(id);
        // The escalation's own order: a warning's goes to the duty desk (always there); an
        // incident's to another patrol, or, when none is free, the order itself climbs to the top.
        else if (replacements === 0 && (o.kind === 'alert' || (latest.get(id)?.escalationLevel ?? 0) < 1))
          lostReplacements.push(id);
      } else if (escalations > 0 || replacements > 0) wronglyEscalated.push(id);
    }
    // An order acknowledged by nobody and never escalated is still waiting in the router's jobs.

    // --- recovery per fault ---------------------------------------------------------------------
    // From the kill to the moment everything flowed again: the first 202 of an indicator request
    // first sent after the kill, the first alert of a victim whose last call was first sent after
    // it, the first order of an incident first sent after it, and the process (broker, Redis) back.
    const lastCallSent = new Map(indicators.stats.acks.map((a) => [a.request, a.firstSentAt]));
    const incidentSent = new Map(
      incidents.stats.acks.map((a) => [incidentId(plan, a.request), a.firstSentAt]),
    );
    const rows = faults.map((f) => {
      const first = (times: number[]) => times.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
      const ingestBack = first(
        indicators.stats.acks.filter((a) => a.firstSentAt >= f.killedAt).map((a) => a.ackedAt),
      );
      const alertBack = first(
        alerts
          .filter((s) => {
            const v = Number(s.value.subjectId.slice(prefix.length + 1));
            return (lastCallSent.get(v + 2 * CALL_GAP) ?? 0) >= f.killedAt;
          })
          .map((s) => s.receivedAt),
      );
      const orderBack = first(
        orders
          .filter(
            (o) => (incidentSent.get(o.value.refId) ?? 0) >= f.killedAt && o.value.escalationLevel === 0,
          )
          .map((o) => o.receivedAt),
      );
      const processBack = f.backAt ?? Number.POSITIVE_INFINITY;
      return {
        fault: `SIGKILL ${f.what}`,
        kind: f.kind,
        atMs: f.killedAt - streamBegan,
        downMs: (f.restartedAt ?? 0) - f.killedAt,
        processBackMs: processBack - f.killedAt,
        ingestBackMs: ingestBack - f.killedAt,
        alertsBackMs: alertBack - f.killedAt,
        ordersBackMs: orderBack - f.killedAt,
        recoveryMs: Math.max(processBack, ingestBack, alertBack, orderBack) - f.killedAt,
      };
    });
    const longestRecoveryMs = Math.max(...rows.map((r) => r.recoveryMs));
    const pad = (v: string | number, n: number) => String(v).padStart(n);
    const table = [
      '',
      `Chaos (seed ${SEED}, Redis ${REDIS_MODE === 'aof' ? 'with its append-only file' : 'restarted empty'}): every process kind, a broker and Redis SIGKILLed and restarted while 2 sources stream`,
      `  streamed ${requests} indicator requests and ${incidentRequests} incidents in ${secs(streamEnded - streamBegan)}; refusals retried: indicators ${JSON.stringify(indicators.stats.refusals)}, incidents ${JSON.stringify(incidents.stats.refusals)}; abandoned ${indicators.stats.abandoned.length + incidents.stats.abandoned.length}`,
      `  processes that died on their own: ${died.length === 0 ? 'none' : died.join(', ')}; dead letters on the inputs: ${deadLettered}; router jobs left: ${jobsLeft.length}; order records rewritten (same id, revision, body): ${rewrittenOrders}; acceptances sent: ${accepted.size}`,
      '  fault                      |   at (s) | down (s) | back (s)* | ingest (s) | alerts (s) | orders (s) | recovery (s)',
      ...rows.map(
        (r) =>
          `  ${r.fault.padEnd(26)} | ${pad(secs(r.atMs), 8)} | ${pad(secs(r.downMs), 8)} | ${pad(secs(r.processBackMs), 9)} | ${pad(secs(r.ingestBackMs), 10)} | ${pad(secs(r.alertsBackMs), 10)} | ${pad(secs(r.ordersBackMs), 10)} | ${pad(secs(r.recoveryMs), 12)}`,
      ),
      "  * the process ready again (a service's /readyz, the broker registered, Redis answering), from the kill",
      '  ingest / alerts / orders: from the kill to the first 202 of a request sent after it, the first alert of a victim whose last call was sent after it, the first order of an incident sent after it; recovery: the latest of the four',
      '',
      `  gateway live state: alerts ${gatewayAlerts.size} (missing ${liveAlerts.missing.length}, stale ${liveAlerts.stale.length}, extra ${liveAlerts.extra.length}); active orders ${gatewayOrders.size} (missing ${liveOrders.missing.length}, stale ${liveOrders.stale.length}, extra ${liveOrders.extra.length})`,
      '',
      '  events acked | lost | duplicated | victims | alerts lost | doubled | false | orders expected | lost | doubled | conflicting | escalations expected | missed | doubled | wrongly | longest recovery',
      `  ${pad(ackedIds.length, 12)} | ${pad(lostEvents.length, 4)} | ${pad(duplicatedEvents, 10)} | ${pad(victims.length, 7)} | ${pad(lostAlerts.length, 11)} | ${pad(doubledAlerts, 7)} | ${pad(falseAlerts.length, 5)} | ${pad(expectedMatters.length + escalationsExpected, 15)} | ${pad(lostOrders.length + lostReplacements.length, 4)} | ${pad(doubledOrders, 7)} | ${pad(conflicting.length, 11)} | ${pad(escalationsExpected, 20)} | ${pad(missedEscalations.length, 6)} | ${pad(doubledEscalations.length, 7)} | ${pad(wronglyEscalated.length, 7)} | ${pad(secs(longestRecoveryMs), 16)}`,
      `  (orders expected: one per warning and incident, plus the ${escalationsExpected} escalations' own; lost counts both)`,
      `  (${ambiguous} acceptances within ${AMBIGUOUS_MS / 1000} s of their deadline not counted either way; wrongly: escalated though accepted before the deadline)`,
      '',
    ];
    console.log(table.join('\n'));
    const show = (label: string, list: readonly string[]) => {
      if (list.length > 0) console.log(`[chaos] ${label} (${list.length}): ${list.slice(0, 20).join(' ')}`);
    };
    show('lost events', lostEvents);
    show('lost alerts', lostAlerts);
    show('lost orders (matters without a first order)', lostOrders);
    // What tells a lost first order's cause: the matter's order records on the topic, what the live
    // reader got for it, and its timeline entries.
    const orderLine = (o: DispatchOrder) => `${o.orderId}#${o.revision} L${o.escalationLevel} ${o.status}`;
    for (const ref of lostOrders.slice(0, 5)) {
      const onTopic = orderRecords
        .filter((r) => r.value.refId === ref)
        .map((r) => `p${r.partition}@${r.offset} ${orderLine(r.value)}`);
      const live = orders.filter((o) => o.value.refId === ref).map((o) => orderLine(o.value));
      const entries = timeline.filter((r) => r.value.refId === ref).map((r) => r.value.type);
      console.log(
        `[chaos] lost order of ${ref}: on the topic ${onTopic.join(', ') || 'none'}; read live ${live.join(', ') || 'none'}; timeline ${entries.join(', ') || 'none'}`,
      );
    }
    show('conflicting order revisions', conflicting);
    show('stray first orders (matters not in the ground truth)', strayOrders);
    show(
      'misrouted warnings (not to the cell officer)',
      misrouted.map(([a]) => a),
    );
    show('missed escalations', missedEscalations);
    show('doubled escalations', doubledEscalations);
    show('escalations without their order', lostReplacements);
    show('escalated though accepted in time', wronglyEscalated);
    show('router jobs left', jobsLeft);
    show('gateway: open alerts missing', liveAlerts.missing);
    show('gateway: alerts at an old revision', liveAlerts.stale);
    show('gateway: alerts not open', liveAlerts.extra);
    show('gateway: active orders missing', liveOrders.missing);
    show('gateway: orders at an old revision', liveOrders.stale);
    show('gateway: orders no longer active', liveOrders.extra);
    for (const ref of expectedMatters) {
      const ids = firstOrdersOf.get(ref);
      if (ids && ids.size > 1) console.log(`[chaos] matter ${ref} has first orders ${[...ids].join(' ')}`);
    }
    console.log(
      JSON.stringify({
        suite: 'reliability',
        test: 'chaos',
        seed: SEED,
        redis: REDIS_MODE,
        faults: faults.length,
        indicatorRequests: requests,
        incidents: incidentRequests,
        eventsAcked: ackedIds.length,
        eventsLost: lostEvents.length,
        eventsDuplicated: duplicatedEvents,
        victims: victims.length,
        alertsLost: lostAlerts.length,
        alertsDoubled: doubledAlerts,
        falseAlerts: falseAlerts.length,
        ordersExpected: expectedMatters.length + escalationsExpected,
        firstOrdersExpected: expectedMatters.length,
        ordersLost: lostOrders.length + lostReplacements.length,
        ordersDoubled: doubledOrders,
        orderRevisionsConflicting: conflicting.length,
        orderRecordsRewritten: rewrittenOrders,
        escalationsExpected,
        escalationsMissed: missedEscalations.length,
        escalationsDoubled: doubledEscalations.length,
        escalationOrdersLost: lostReplacements.length,
        escalatedThoughAccepted: wronglyEscalated.length,
        acceptancesAmbiguous: ambiguous,
        deadLettered,
        died,
        gatewayLive: Object.fromEntries(
          Object.entries({ alerts: liveAlerts, orders: liveOrders }).map(([k, c]) => [
            k,
            { missing: c.missing.length, stale: c.stale.length, extra: c.extra.length },
          ]),
        ),
        longestRecoveryMs,
        faultRows: rows,
      }),
    );

    expect(faults.map((f) => f.kind).sort()).toEqual([...kinds].sort());
    expect(indicators.stats.abandoned).toEqual([]);
    expect(incidents.stats.abandoned).toEqual([]);
    expect(victims.length).toBeGreaterThan(0);
    expect(incidentIds.size).toBeGreaterThan(0);
    expect(lostEvents).toEqual([]);
    expect(duplicatedEvents).toBe(0);
    expect(lostAlerts).toEqual([]);
    expect(doubledAlerts).toBe(0);
    expect(falseAlerts).toEqual([]);
    expect(lostOrders).toEqual([]);
    expect(doubledOrders).toBe(0);
    expect(conflicting).toEqual([]);
    expect(strayOrders).toEqual([]);
    expect(misrouted).toEqual([]);
    expect(escalationsExpected).toBeGreaterThan(0);
    expect(missedEscalations).toEqual([]);
    expect(doubledEscalations).toEqual([]);
    expect(lostReplacements).toEqual([]);
    expect(wronglyEscalated).toEqual([]);
    expect(deadLettered).toBe(0);
    expect(died).toEqual([]);
    expect(liveWrong(liveAlerts), JSON.stringify(liveAlerts)).toBe(0);
    expect(liveWrong(liveOrders), JSON.stringify(liveOrders)).toBe(0);
    // Every fault was recovered from: work sent after it flowed again.
    for (const r of rows) expect(Number.isFinite(r.recoveryMs), r.fault).toBe(true);
  });
});
