/**
 * Scale-out (issue 16): two instances of ingest, the fraud scorer, the router and the gateway, as
 * processes (their own entry points, configured through the environment) against the local
 * three-broker cluster and a private `redis-server` on a free port (never the shared Redis on 6379),
 * with HAProxy (test/reliability/proxy.ts) in front of the ingests (round robin, health-checked on
 * `/readyz`) and of the gateways (round robin, cookie stickiness, websockets passed through).
 *
 * Two phases on the same topics and consumer groups, each `PHASE_SECONDS` of closed-loop load: the
 * bank's source posts fraud indicators through the proxy with `LOOPS` loops, each posting its next
 * request as soon as the previous one was answered 202 (the same offered load in both phases):
 *
 * 1. one instance of each (the `b` instances not started: HAProxy's health check keeps them out);
 * 2. the `b` instances started, the groups rebalanced (each instance holds partitions), supervisors
 *    connected over websockets through the proxy (round robin puts them on both gateways).
 *
 * Then it reconciles both phases: every event ingest answered 202 for is on its topic, none twice;
 * every ground-truth victim got exactly one alert, nobody else one; each victim's alert exactly one
 * first order (to the officer of its cell), none doubled, no order revision written with two bodies;
 * every supervisor connected in phase 2 received every phase-2 victim's alert, whichever gateway
 * consumed it. And that both instances of each kind did work: both ingests counted events
 * (`ingest_events_total`) and were sent requests by HAProxy, both members of each consumer group
 * hold partitions, both gateways were given sockets.
 *
 * It prints the two phases side by side (events/s accepted by ingest, alerts/s out of the scorers,
 * the CPU the machine and our processes used, load averages) and one JSON line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import { type Alert, type CallIndicator, type DispatchOrder, TOPICS, Topic } from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { AssignerProtocol, type Consumer, type Kafka } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UserStore } from '../../dispatch-ui/gateway/src/users/user-store.ts';
import { KeyStore } from '../../ingest/src/key-store.ts';
import { freePort } from '../setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, startService } from '../setup/services.ts';
import { type HaProxy, startProxy } from './proxy.ts';
import {
  describeDuplicates,
  groupLag,
  readRecords,
  reconcileAlerts,
  reconcileEvents,
  type StreamStats,
  sleep,
  startStream,
  summariseAbortedTransactions,
  transactionLogLines,
} from './support.ts';

/** Seconds of closed-loop load per phase. */
const PHASE_SECONDS = Number(process.env.SCALE_PHASE_SECONDS ?? 30);
/** Concurrent source loops, each posting as soon as its last request was answered. */
const LOOPS = Number(process.env.SCALE_LOOPS ?? 8);
const EVENTS_PER_REQUEST = 20;
/** Victim v's three calls go in requests v, v+CALL_GAP and v+2*CALL_GAP. */
const CALL_GAP = 4;
/** Supervisors connected through the proxy in phase 2. */
const CLIENTS = 4;

const { pack } = loadOrGenerateDefaultPack();
const cells = pack.cells;
const cellOfVictim = (v: number) => cells[(v * 7) % cells.length] as (typeof cells)[number];

/** Request i of a phase: the calls of victims i, i-4, i-8 (in their cells) and bystanders' calls. */
function indicatorRequest(phase: number, phasePrefix: string, startedAt: number, i: number): CallIndicator[] {
  const events: CallIndicator[] = [];
  for (let k = 0; k < 3; k++) {
    const v = i - k * CALL_GAP;
    if (v < 0) continue;
    const first = startedAt - 30 * 60_000 + (v % 1_000) * 1_000;
    events.push({
      version: 1,
      eventId: `${phasePrefix}r${i}-v${v}-c${k}`,
      occurredAt: new Date(first + k * 4 * 60_000).toISOString(),
      subjectId: `${phasePrefix}v${v}`,
      kind: 'call',
      callerNumber: `170${phase}${String(v % 1_000_000).padStart(7, '0')}`,
      direction: 'inbound',
      durationSec: 300,
      callerListed: true,
      gridCellId: cellOfVictim(v).id,
    });
  }
  for (let b = events.length; b < EVENTS_PER_REQUEST; b++) {
    events.push({
      version: 1,
      eventId: `${phasePrefix}r${i}-b${b}`,
      occurredAt: new Date(startedAt - 60_000 + (i % 60) * 1_000).toISOString(),
      subjectId: `${phasePrefix}b${i}-${b}`,
      kind: 'call',
      callerNumber: `1390000${String(b).padStart(4, '0')}`,
      direction: 'outbound',
      durationSec: 40,
      callerListed: false,
    });
  }
  return events;
}

/** A redis-server of this test's own on a free port, without persistence (nothing is killed here). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
      const r = new Redis(`redis://127.0.0.1:${port}`, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, message: `redis-server on ${port}` },
  );
  return child;
}

/** CPU seconds (user + system) a process used so far, from /proc; 0 when it is gone. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15), in USER_HZ
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU time (all cores) from /proc/stat, in USER_HZ. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** Partitions each member of a consumer group holds, by its client id. */
async function groupAssignments(kafka: Kafka, groupId: string): Promise<Map<string, number>> {
  const { groups } = await withAdmin(kafka, (a) => a.describeGroups([groupId]));
  const out = new Map<string, number>();
  for (const m of groups[0]?.members ?? []) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    const n = Object.values(decoded?.assignment ?? {}).reduce((sum, ps) => sum + ps.length, 0);
    out.set(m.clientId, (out.get(m.clientId) ?? 0) + n);
  }
  return out;
}

/** The sum of a counter (all its labels) on an ingest's `/metrics`. */
async function ingestCounter(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

interface PhaseResult {
  readonly instances: number;
  readonly prefix: string;
  readonly startedAt: number;
  readonly seconds: number;
  readonly stats: StreamStats;
  readonly requests: number;
  readonly eventsAccepted: number;
  readonly eventsPerSec: number;
  readonly victims: number[];
  readonly alerts: number;
  /** From the phase's start to the last of its alerts read back. */
  readonly alertsSeconds: number;
  readonly alertsPerSec: number;
  readonly p50AckMs: number;
  readonly p99AckMs: number;
  readonly machineBusyPct: number;
  readonly ourCpuCores: Record<string, number>;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
}

/**
 * Why the second instance did or did not add throughput, from what was measured: the CPU our
 * services used against the machine's, ingest's shedding, and whether the scorers kept up.
 */
function why(one: PhaseResult, two: PhaseResult, cores: (r: Record<string, number>) => number): string[] {
  const speedup = two.eventsPerSec / Math.max(1e-9, one.eventsPerSec);
  const shed = (ph: PhaseResult) => ph.stats.refusals['503'] ?? 0;
  const keptUp = [one, two].every((ph) => ph.alertsSeconds - ph.seconds < 5);
  const lines = [
    `  Why (speedup ${speedup.toFixed(2)}x): our services used ${cores(one.ourCpuCores).toFixed(2)} and ${cores(two.ourCpuCores).toFixed(2)} of the ${cpus().length} cores while the machine was ${one.machineBusyPct.toFixed(0)}% and ${two.machineBusyPct.toFixed(0)}% busy`,
    `  (load ${one.loadBefore[0]?.toFixed(1)} and ${two.loadBefore[0]?.toFixed(1)}): the CPU went to the three brokers, other work on the machine and the test itself.`,
  ];
  if (speedup >= 1.3) {
    lines.push(
      '  The limit was per instance, not CPU: each ingest keeps one Kafka transaction in flight (INGEST_TXN_PRODUCERS=1), each',
      '  commit a round trip to three starved brokers, and refuses (503 + Retry-After) a request whose events would wait past',
      `  its 500 ms latency budget (${shed(one)} and ${shed(two)} 503s retried; the shed counts per ingest are above); two`,
      '  instances have two transactions in flight and two budgets.',
      '  Where the services themselves fill the cores, a second instance on the same 2 cores only splits them.',
    );
  } else {
    lines.push(
      '  A second process of each kind on the same cores splits the CPU instead of adding any (and adds a group member, a',
      '  producer and Redis connections); instances add throughput when each has cores of its own.',
    );
  }
  lines.push(
    keptUp
      ? "  The scorers kept up (their last alert within seconds of the load's end), so alerts/s follows what ingest accepted."
      : "  The scorers fell behind (their last alert well after the load's end): alerts/s is their own rate.",
    '  Phase 1 runs first, with producers and consumers just started, which favours phase 2 a little.',
  );
  return lines;
}

describe('scale-out: two instances of each behind HAProxy share the work and reconcile', () => {
  const prefix = uniquePrefix('scale');
  const dir = mkdtempSync(join(tmpdir(), 'fh-scale-'));
  let kafka: Kafka;
  let redis: ChildProcess | undefined;
  let redisUrl = '';
  let proxy: HaProxy | undefined;
  let bankKey = '';
  const specs = new Map<string, Parameters<typeof startService>[0]>();
  const running = new Map<string, ServiceProcess>();
  const ports = new Map<string, number>();
  const readers: Consumer[] = [];
  const sockets: Socket[] = [];
  /** Alerts as the test reads them from the topic, with when. */
  const alertsSeen: { value: Alert; receivedAt: number }[] = [];
  const topic = (t: string) => `${prefix}${t}`;
  const log = (line: string) => console.log(`[scale] ${line}`);

  const start = async (name: string) => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`no service ${name}`);
    const began = Date.now();
    running.set(name, await startService({ ...spec, readyTimeoutMs: 240_000 }));
    log(`${name} ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  };

  beforeAll(async () => {
    kafka = testKafka('scale-test');
    const redisPort = await freePort();
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    redis = await startRedis(redisPort, dir);
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));

    const keysFile = join(dir, 'keys.json');
    bankKey = new KeyStore(keysFile).addKey('scale-bank', { kinds: ['fraud-indicators'] }).key;
    const usersFile = join(dir, 'users.json');
    await new UserStore(usersFile).put('supervisor', {
      role: 'supervisor',
      password: 'scale-out-supervisor-pw',
    });

    const shared = {
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
      AUTH_JWT_SECRET: 'scale-out-reliability-gateway-key-0123456789',
    };
    for (const n of ['a', 'b']) {
      const ingestPort = await freePort();
      ports.set(`ingest-${n}`, ingestPort);
      specs.set(`ingest-${n}`, {
        name: `ingest-${n}`,
        entry: 'ingest/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}ingest-${n}`,
          INGEST_INSTANCE_ID: `scale-${n}`,
          INGEST_PORT: String(ingestPort),
          INGEST_KEYS_FILE: keysFile,
          INGEST_SOURCE_RATE: '100000',
          INGEST_SOURCE_BURST: '100000',
        },
        readyUrl: `http://127.0.0.1:${ingestPort}/readyz`,
      });
      const scorerPort = await freePort();
      specs.set(`scorer-${n}`, {
        name: `scorer-${n}`,
        entry: 'processors/fraud-scorer/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}scorer-${n}`,
          SCORER_GROUP_ID: `${prefix}fraud-scorer`,
          SCORER_OPS_PORT: String(scorerPort),
        },
        readyUrl: `http://127.0.0.1:${scorerPort}/readyz`,
      });
      const routerPort = await freePort();
      specs.set(`router-${n}`, {
        name: `router-${n}`,
        entry: 'processors/router/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}router-${n}`,
          ROUTER_GROUP_ID: `${prefix}router`,
          ROUTER_OPS_PORT: String(routerPort),
        },
        readyUrl: `http://127.0.0.1:${routerPort}/readyz`,
      });
      const gatewayPort = await freePort();
      ports.set(`gateway-${n}`, gatewayPort);
      specs.set(`gateway-${n}`, {
        name: `gateway-${n}`,
        entry: 'dispatch-ui/gateway/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}gateway-${n}`,
          REDIS_KEY_PREFIX: `${prefix}gw:`,
          GATEWAY_PORT: String(gatewayPort),
          GATEWAY_GROUP_ID: `${prefix}gateway`,
          GATEWAY_USERS_FILE: usersFile,
          GATEWAY_TRUST_PROXY: '1',
        },
        readyUrl: `http://127.0.0.1:${gatewayPort}/readyz`,
      });
    }
    proxy = await startProxy({
      dir,
      ingest: ['a', 'b'].map((n) => ({ name: `ingest-${n}`, port: ports.get(`ingest-${n}`) ?? 0 })),
      gateway: ['a', 'b'].map((n) => ({ name: `gateway-${n}`, port: ports.get(`gateway-${n}`) ?? 0 })),
      log,
    });
    log(`haproxy: ingest ${proxy.ingestUrl}, gateway ${proxy.gatewayUrl}, stats ${proxy.statsUrl}`);
    // One at a time: each start compiles and loads the city, which takes a core for a while.
    for (const kind of ['ingest', 'scorer', 'router', 'gateway']) await start(`${kind}-a`);

    const places = new Set<string>();
    const consumer = kafka.consumer({ groupId: `${prefix}alerts-reader`, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic: topic(Topic.AlertsRaised), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value === null || places.has(`${partition}:${message.offset}`)) return;
        places.add(`${partition}:${message.offset}`);
        alertsSeen.push({
          value: JSON.parse(message.value.toString('utf8')) as Alert,
          receivedAt: Date.now(),
        });
      },
    });
    readers.push(consumer);
  }, 900_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const r of readers) await r.disconnect().catch(() => undefined);
    await Promise.allSettled([...running.values()].map((s) => s.stop()));
    await proxy?.stop();
    if (redis && redis.exitCode === null) {
      const gone = new Promise<void>((resolve) => redis?.once('exit', () => resolve()));
      redis.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  /** Closed-loop load through the proxy for PHASE_SECONDS, then until the scorers drained it. */
  async function runPhase(instances: number): Promise<PhaseResult> {
    if (!proxy) throw new Error('no proxy');
    const phasePrefix = `${prefix}p${instances}-`;
    const startedAt = Date.now();
    const loadBefore = loadavg();
    const cpuBefore = machineCpu();
    const ourBefore = new Map([...running].map(([n, s]) => [n, cpuSecondsOf(s.child.pid)]));
    const stream = startStream(
      proxy.ingestUrl,
      {
        path: '/v1/fraud-indicators',
        key: bankKey,
        requestIdPrefix: `scale-p${instances}-`,
        perSecond: 1_000_000, // every request due at once: each loop posts as soon as answered
        loops: LOOPS,
      },
      (i) => indicatorRequest(instances, phasePrefix, startedAt, i),
    );
    await sleep(PHASE_SECONDS * 1_000);
    const requests = await stream.stop();
    const streamEnded = Date.now();
    const seconds = (streamEnded - startedAt) / 1_000;
    const cpuAfter = machineCpu();
    const loadAfter = loadavg();
    const ourCpuCores: Record<string, number> = {};
    for (const [n, s] of running) {
      ourCpuCores[n] = Number(((cpuSecondsOf(s.child.pid) - (ourBefore.get(n) ?? 0)) / seconds).toFixed(2));
    }

    const acked = new Set(stream.stats.acks.map((a) => a.request));
    const victims: number[] = [];
    for (let v = 0; v + 2 * CALL_GAP < requests; v++)
      if (acked.has(v) && acked.has(v + CALL_GAP) && acked.has(v + 2 * CALL_GAP)) victims.push(v);
    const mine = () => alertsSeen.filter((s) => s.value.subjectId.startsWith(phasePrefix));
    const victimIds = new Set(victims.map((v) => `${phasePrefix}v${v}`));
    await waitFor(
      () => {
        const seen = new Set(mine().map((s) => s.value.subjectId));
        return [...victimIds].every((id) => seen.has(id));
      },
      {
        timeoutMs: 240_000,
        intervalMs: 500,
        message: `alerts for the ${victims.length} victims of phase ${instances}`,
      },
    ).catch((err: unknown) => log((err as Error).message));
    await waitFor(
      async () => (await groupLag(kafka, `${prefix}fraud-scorer`, [topic(Topic.FraudIndicators)])) === 0,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        message: 'the scorers committed every indicator',
      },
    ).catch((err: unknown) => log((err as Error).message));
    const phaseAlerts = mine();
    const lastAlert = phaseAlerts.reduce((m, s) => Math.max(m, s.receivedAt), startedAt);
    const alertsSeconds = (lastAlert - startedAt) / 1_000;
    const latencies = stream.stats.acks.map((a) => a.ackedAt - a.firstSentAt).sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
    const eventsAccepted = stream.stats.acks.reduce((sum, a) => sum + a.eventIds.length, 0);
    return {
      instances,
      prefix: phasePrefix,
      startedAt,
      seconds,
      stats: stream.stats,
      requests,
      eventsAccepted,
      eventsPerSec: eventsAccepted / seconds,
      victims,
      alerts: phaseAlerts.length,
      alertsSeconds,
      alertsPerSec: alertsSeconds > 0 ? phaseAlerts.length / alertsSeconds : 0,
      p50AckMs: pct(0.5),
      p99AckMs: pct(0.99),
      machineBusyPct:
        (100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total),
      ourCpuCores,
      loadBefore,
      loadAfter,
    };
  }

  it('shares partitions and requests between two instances of each, loses and doubles nothing', async () => {
    if (!proxy) throw new Error('no proxy');
    const p = proxy;
    // ---- phase 1: one instance of each; HAProxy has marked the b servers down
    await p.waitForStatus({ 'ingest-a': 'UP', 'ingest-b': 'DOWN', 'gateway-a': 'UP', 'gateway-b': 'DOWN' });
    log(
      `phase 1 (one instance of each): ${PHASE_SECONDS} s closed loop, ${LOOPS} loops; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const one = await runPhase(1);
    log(`phase 1 done: ${one.eventsPerSec.toFixed(0)} events/s, ${one.alertsPerSec.toFixed(1)} alerts/s`);
    const statsAfterOne = await p.stats();

    // ---- the b instances join
    for (const kind of ['ingest', 'scorer', 'router', 'gateway']) await start(`${kind}-b`);
    await p.waitForStatus({ 'ingest-a': 'UP', 'ingest-b': 'UP', 'gateway-a': 'UP', 'gateway-b': 'UP' });
    const groups = {
      scorer: `${prefix}fraud-scorer`,
      router: `${prefix}router`,
      gateway: `${prefix}gateway`,
    } as const;
    const assignments: Record<string, Record<string, number>> = {};
    for (const [kind, groupId] of Object.entries(groups)) {
      const got = await waitFor(
        async () => {
          const a = await groupAssignments(kafka, groupId);
          const holders = [...a.values()].filter((n) => n > 0).length;
          return a.size === 2 && holders === 2 ? a : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 1_000, message: `both ${kind}s hold partitions of ${groupId}` },
      );
      assignments[kind] = Object.fromEntries([...got].map(([client, n]) => [client.slice(prefix.length), n]));
    }
    log(`partitions per member: ${JSON.stringify(assignments)}`);

    // Supervisors through the proxy, websockets only (round robin puts them on both gateways).
    const login = await fetch(`${p.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: 'scale-out-supervisor-pw' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const received: Set<string>[] = [];
    for (let c = 0; c < CLIENTS; c++) {
      const seen = new Set<string>();
      received.push(seen);
      const socket = io(p.gatewayUrl, { auth: { token }, transports: ['websocket'], reconnection: true });
      sockets.push(socket);
      socket.on('alert:upserted', (a: Alert) => seen.add(a.subjectId));
      const snapshot = new Promise((resolve) => socket.once('snapshot', resolve));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await snapshot;
    }
    const gatewaySessions = Object.fromEntries(
      (await p.stats())
        .filter((r) => r.backend === 'gateway')
        .map((r) => [
          r.server,
          r.sessions - (statsAfterOne.find((s) => s.server === r.server)?.sessions ?? 0),
        ]),
    );
    log(`gateway sessions since phase 1 (login + ${CLIENTS} websockets): ${JSON.stringify(gatewaySessions)}`);
    await sleep(5_000); // the starts' CPU settles before the second measurement

    // ---- phase 2: two instances of each
    log(
      `phase 2 (two instances of each): ${PHASE_SECONDS} s closed loop, ${LOOPS} loops; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const two = await runPhase(2);
    log(`phase 2 done: ${two.eventsPerSec.toFixed(0)} events/s, ${two.alertsPerSec.toFixed(1)} alerts/s`);
    const statsAfterTwo = await p.stats();
    const ingestResponses = Object.fromEntries(
      statsAfterTwo
        .filter((r) => r.backend === 'ingest')
        .map((r) => [
          r.server,
          r.responses - (statsAfterOne.find((s) => s.server === r.server)?.responses ?? 0),
        ]),
    );
    const ingestCounted: Record<string, number> = {};
    const ingestShed: Record<string, number> = {};
    for (const n of ['ingest-a', 'ingest-b']) {
      ingestCounted[n] = await ingestCounter(ports.get(n) ?? 0, 'ingest_events_total');
      ingestShed[n] = await ingestCounter(ports.get(n) ?? 0, 'ingest_shed_requests_total');
    }

    // ---- reconcile both phases
    const phases = [one, two];
    const victimIds = new Set(phases.flatMap((ph) => ph.victims.map((v) => `${ph.prefix}v${v}`)));
    const phase2Victims = two.victims.map((v) => `${two.prefix}v${v}`);
    await waitFor(() => received.every((seen) => phase2Victims.every((id) => seen.has(id))), {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: 'every supervisor received every phase-2 alert',
    }).catch((err: unknown) => log((err as Error).message));
    const clientsMissing = received.map((seen) => phase2Victims.filter((id) => !seen.has(id)).length);

    const indicatorRecords = await readRecords<CallIndicator>(
      kafka,
      topic(Topic.FraudIndicators),
      `${prefix}reconcile-ind`,
    );
    const onTopic = indicatorRecords.map((r) => r.value.eventId);
    const ackedIds = phases.flatMap((ph) => ph.stats.acks.flatMap((a) => a.eventIds));
    const { lost: lostEvents, duplicated: duplicatedEvents } = reconcileEvents(onTopic, ackedIds);
    // What the log holds of aborted transactions, and what kafkajs's own filter would misread.
    const abortedTxns = await summariseAbortedTransactions(kafka, topic(Topic.FraudIndicators)).catch(
      (err: unknown) => (err as Error).message,
    );
    log(`aborted transactions on ${Topic.FraudIndicators}: ${JSON.stringify(abortedTxns)}`);
    if (duplicatedEvents > 0) {
      // For a diagnosis: each copy's place, time, request (and attempt), producer (one per ingest)
      // and whether its transaction committed, and what the ingests logged about their transactions.
      for (const line of await describeDuplicates(kafka, topic(Topic.FraudIndicators), indicatorRecords))
        log(line);
      for (const n of ['ingest-a', 'ingest-b'])
        for (const line of transactionLogLines(n, running.get(n)?.output() ?? '')) log(line);
    }

    const alertRecords = await readRecords<Alert>(
      kafka,
      topic(Topic.AlertsRaised),
      `${prefix}reconcile-alerts`,
    );
    const {
      lost: lostAlerts,
      doubled: doubledAlerts,
      falseAlerts,
      victimOf: victimOfAlert,
    } = reconcileAlerts(
      alertRecords.map((r) => r.value),
      victimIds,
    );

    // Orders: each victim's alert exactly one first order, to the officer of its cell.
    await waitFor(async () => (await groupLag(kafka, `${prefix}router`, [topic(Topic.AlertsRaised)])) === 0, {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      message: 'the routers committed every alert',
    }).catch((err: unknown) => log((err as Error).message));
    const orderRecords = await readRecords<DispatchOrder>(
      kafka,
      topic(Topic.DispatchOrders),
      `${prefix}reconcile-orders`,
    );
    const revisions = new Map<string, Set<string>>();
    const firstOrdersOf = new Map<string, Set<string>>();
    const latest = new Map<string, DispatchOrder>();
    for (const { value: o } of orderRecords) {
      const { updatedAt: _u, ...body } = o;
      const key = `${o.orderId}#${o.revision}`;
      const set = revisions.get(key) ?? new Set<string>();
      set.add(JSON.stringify(body));
      revisions.set(key, set);
      const cur = latest.get(o.orderId);
      if (!cur || o.revision > cur.revision) latest.set(o.orderId, o);
      if (o.revision !== 1 || o.escalationLevel !== 0) continue;
      const ids = firstOrdersOf.get(o.refId) ?? new Set<string>();
      ids.add(o.orderId);
      firstOrdersOf.set(o.refId, ids);
    }
    const conflicting = [...revisions].filter(([, bodies]) => bodies.size > 1).map(([k]) => k);
    const lostOrders = [...victimOfAlert.keys()].filter((id) => !firstOrdersOf.has(id));
    const doubledOrders = [...firstOrdersOf.values()].reduce((sum, s) => sum + s.size - 1, 0);
    const strayOrders = [...firstOrdersOf.keys()].filter((ref) => !victimOfAlert.has(ref));
    const misrouted = [...victimOfAlert].filter(([alertId, subjectId]) => {
      const v = Number(subjectId.slice(subjectId.lastIndexOf('v') + 1));
      return [...(firstOrdersOf.get(alertId) ?? [])].some(
        (id) => latest.get(id)?.unitId !== cellOfVictim(v).officerId,
      );
    });

    const died = [...running.values()]
      .filter((s) => s.child.exitCode !== null || s.child.signalCode !== null)
      .map((s) => `${s.name} (${s.child.signalCode ?? `code ${s.child.exitCode}`})`);

    // ---- the table
    const f = (n: number, d = 0) => n.toFixed(d);
    const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
    const sumCores = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const row = (label: string, a: string, b: string) =>
      `  ${label.padEnd(44)} | ${a.padStart(16)} | ${b.padStart(16)}`;
    const table = [
      '',
      `Scale-out behind HAProxy: ${PHASE_SECONDS} s of closed-loop load per phase (${LOOPS} source loops, ${EVENTS_PER_REQUEST} events a request, each loop posts when answered), ${cpus().length} cores`,
      row('', 'one of each', 'two of each'),
      row('indicator requests acknowledged', String(one.stats.acks.length), String(two.stats.acks.length)),
      row('events/s accepted by ingest (202)', f(one.eventsPerSec), f(two.eventsPerSec)),
      row(
        '202 latency p50 / p99 (ms)',
        `${one.p50AckMs} / ${one.p99AckMs}`,
        `${two.p50AckMs} / ${two.p99AckMs}`,
      ),
      row('alerts out of the scorers', String(one.alerts), String(two.alerts)),
      row('alerts/s (phase start to its last alert)', f(one.alertsPerSec, 1), f(two.alertsPerSec, 1)),
      row('  seconds to the last alert', f(one.alertsSeconds, 1), f(two.alertsSeconds, 1)),
      row('machine CPU busy during the load (%)', f(one.machineBusyPct), f(two.machineBusyPct)),
      row('cores used by our services', f(sumCores(one.ourCpuCores), 2), f(sumCores(two.ourCpuCores), 2)),
      row('load average before (1/5/15 min)', load(one.loadBefore), load(two.loadBefore)),
      row('load average after (1/5/15 min)', load(one.loadAfter), load(two.loadAfter)),
      row('refusals retried', JSON.stringify(one.stats.refusals), JSON.stringify(two.stats.refusals)),
      `  cores per service, phase 1: ${JSON.stringify(one.ourCpuCores)}`,
      `  cores per service, phase 2: ${JSON.stringify(two.ourCpuCores)}`,
      `  partitions per member: ${JSON.stringify(assignments)}; HAProxy responses per ingest in phase 2: ${JSON.stringify(ingestResponses)}; events counted per ingest (ingest_events_total, both phases): ${JSON.stringify(ingestCounted)}; requests shed past the latency budget (ingest_shed_requests_total): ${JSON.stringify(ingestShed)}; gateway sessions: ${JSON.stringify(gatewaySessions)}`,
      ...why(one, two, sumCores),
      '',
      '  events acked | lost | duplicated | victims | alerts lost | doubled | false | first orders lost | doubled | conflicting | misrouted | clients missing alerts',
      `  ${String(ackedIds.length).padStart(12)} | ${String(lostEvents.length).padStart(4)} | ${String(duplicatedEvents).padStart(10)} | ${String(victimIds.size).padStart(7)} | ${String(lostAlerts.length).padStart(11)} | ${String(doubledAlerts).padStart(7)} | ${String(falseAlerts.length).padStart(5)} | ${String(lostOrders.length).padStart(17)} | ${String(doubledOrders).padStart(7)} | ${String(conflicting.length).padStart(11)} | ${String(misrouted.length).padStart(9)} | ${JSON.stringify(clientsMissing)}`,
      '',
    ];
    console.log(table.join('\n'));
    const phaseJson = (ph: PhaseResult) => ({
      instances: ph.instances,
      seconds: Number(ph.seconds.toFixed(1)),
      requestsAcked: ph.stats.acks.length,
      eventsAccepted: ph.eventsAccepted,
      eventsPerSec: Number(ph.eventsPerSec.toFixed(1)),
      p50AckMs: ph.p50AckMs,
      p99AckMs: ph.p99AckMs,
      alerts: ph.alerts,
      alertsPerSec: Number(ph.alertsPerSec.toFixed(2)),
      machineBusyPct: Number(ph.machineBusyPct.toFixed(1)),
      ourCpuCores: Number(sumCores(ph.ourCpuCores).toFixed(2)),
      loadBefore: ph.loadBefore.map((l) => Number(l.toFixed(2))),
      loadAfter: ph.loadAfter.map((l) => Number(l.toFixed(2))),
      refusals: ph.stats.refusals,
    });
    console.log(
      JSON.stringify({
        suite: 'reliability',
        test: 'scale-out',
        cores: cpus().length,
        phaseSeconds: PHASE_SECONDS,
        loops: LOOPS,
        one: phaseJson(one),
        two: phaseJson(two),
        speedup: {
          events: Number((two.eventsPerSec / Math.max(1e-9, one.eventsPerSec)).toFixed(2)),
          alerts: Number((two.alertsPerSec / Math.max(1e-9, one.alertsPerSec)).toFixed(2)),
        },
        assignments,
        ingestResponses,
        ingestCounted,
        ingestShed,
        gatewaySessions,
        eventsAcked: ackedIds.length,
        eventsLost: lostEvents.length,
        eventsDuplicated: duplicatedEvents,
        victims: victimIds.size,
        alertsLost: lostAlerts.length,
        alertsDoubled: doubledAlerts,
        falseAlerts: falseAlerts.length,
        firstOrdersLost: lostOrders.length,
        ordersDoubled: doubledOrders,
        orderRevisionsConflicting: conflicting.length,
        misrouted: misrouted.length,
        clientsMissingAlerts: clientsMissing,
        died,
      }),
    );
    const show = (label: string, list: readonly string[]) => {
      if (list.length > 0) log(`${label} (${list.length}): ${list.slice(0, 20).join(' ')}`);
    };
    show('lost events', lostEvents);
    show('lost alerts', lostAlerts);
    show('false alerts', falseAlerts);
    show('alerts without a first order', lostOrders);
    show('stray first orders', strayOrders);
    show('conflicting order revisions', conflicting);
    show(
      'misrouted',
      misrouted.map(([a]) => a),
    );

    // Both instances of each kind did work.
    for (const [kind, got] of Object.entries(assignments)) {
      expect(Object.keys(got), kind).toHaveLength(2);
      for (const n of Object.values(got)) expect(n, kind).toBeGreaterThan(0);
    }
    expect(ingestResponses['ingest-a']).toBeGreaterThan(0);
    expect(ingestResponses['ingest-b']).toBeGreaterThan(0);
    expect(ingestCounted['ingest-a']).toBeGreaterThan(0);
    expect(ingestCounted['ingest-b']).toBeGreaterThan(0);
    expect(gatewaySessions['gateway-a']).toBeGreaterThan(0);
    expect(gatewaySessions['gateway-b']).toBeGreaterThan(0);
    // Nothing lost, nothing doubled.
    for (const ph of phases) {
      expect(ph.stats.abandoned).toEqual([]);
      expect(ph.victims.length).toBeGreaterThan(0);
    }
    expect(lostEvents).toEqual([]);
    expect(duplicatedEvents).toBe(0);
    expect(lostAlerts).toEqual([]);
    expect(doubledAlerts).toBe(0);
    expect(falseAlerts).toEqual([]);
    expect(lostOrders).toEqual([]);
    expect(doubledOrders).toBe(0);
    expect(strayOrders).toEqual([]);
    expect(conflicting).toEqual([]);
    expect(misrouted).toEqual([]);
    expect(
      clientsMissing.every((n) => n === 0),
      JSON.stringify(clientsMissing),
    ).toBe(true);
    expect(died).toEqual([]);
  });
});
