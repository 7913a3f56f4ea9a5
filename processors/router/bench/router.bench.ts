/**
 * `npm run bench:router`: the router's decisions through the real broker and Redis.
 *
 * City: the generated default city with 1,000 units (593 patrol units, 400 community officers, one
 * per grid cell of 400, 7 duty desks), every unit at its post (no phones: `ROUTER_UNSEEN_UNITS=home`).
 * Inputs: 80% fraud-warning revisions (each warning raised as a notice, then upgraded to warning and
 * urgent: every revision revises the officer's order), 20% incidents at random places (one in ten a
 * robbery, two units). Simulated units answer every incident order with `completed` at once, so
 * patrol units come back (those answers are inputs of the router too, not counted as decisions).
 * Deadlines are an hour, so nothing escalates during a run.
 *
 * 1. Capacity: a router process joins a fresh group on fresh topics; then BENCH_INPUTS inputs are
 *    written as fast as the producer goes; decisions/s = inputs ÷ time from the first write to the
 *    last offset commit of the warnings and incidents (the router commits a batch only after its
 *    records are acknowledged by the broker). Median of BENCH_RUNS runs.
 * 2. Baseline, same run, same topics: a bare kafkajs consume-and-produce loop (bench/raw-loop.ts),
 *    taking as many partition batches at once as the router (BENCH_CONCURRENCY, the router's default),
 *    on the same inputs, writing per input as many records to each output topic as the router did;
 *    `vsRawKafka` = router decisions/s ÷ baseline inputs/s.
 * 3. Latency at half the measured capacity for BENCH_LATENCY_SEC: input offset → order
 *    acknowledged by Kafka, both as the broker's LogAppendTime (the topics are set to it), for every
 *    warning revision and incident; then the bare loop at the same rate, timed the same way (its
 *    first record on `dispatch.orders` for each input names the input: `rawP50Ms`, `rawP99Ms`, the
 *    latency this machine and broker give with none of our code); then the router at BENCH_LOW_RATE
 *    (20/s), the floor.
 *
 * Prints the figures and the machine, and ends with one JSON line:
 *   {"bench":"router","decisionsPerSec":…,"p50Ms":…,"p99Ms":…,"vsRawKafka":…,…}
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CITY_PACK_VERSION,
  DEFAULT_PACKS_DIR,
  DEFAULT_SEED,
  generateCity,
  packVersion,
  readCityPack,
  writeCityPack,
} from '@fenghuo/city';
import {
  type Alert,
  Codecs,
  type DispatchAck,
  type DispatchOrder,
  examples,
  type IncidentReport,
  TOPICS,
  Topic,
  topicSpec,
} from '@fenghuo/contracts';
import {
  createLogger,
  ensureTopics,
  noDelaySocketFactory,
  pinoLogCreator,
  topicConfigEntries,
} from '@fenghuo/kit';
import { Redis } from 'ioredis';
import kafkajs, { type Admin, Kafka, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';
import { routerConfigSpec } from '../src/config.ts';

const { ConfigResourceTypes } = kafkajs;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const INPUTS = Number(process.env.BENCH_INPUTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LATENCY_SEC = Number(process.env.BENCH_LATENCY_SEC ?? 20);
const LOW_RATE = Number(process.env.BENCH_LOW_RATE ?? 20);
/** Partition batches taken at once, the same for the router and the bare loop. */
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? String(routerConfigSpec.partitionsConcurrently.default);
const PATROL_UNITS = 593;

const routerEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const rawEntry = fileURLToPath(new URL('./raw-loop.ts', import.meta.url));
const runId = randomBytes(3).toString('hex');
const kafka = new Kafka({
  clientId: 'bench-router',
  brokers: BROKERS,
  logLevel: logLevel.WARN,
  logCreator: pinoLogCreator(createLogger({ service: 'bench-router', level: 'warn' })),
  socketFactory: noDelaySocketFactory,
});
const say = (line: string) => console.log(line);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bench city: the default city with 593 patrol units, 1,000 units in all; written once. */
function benchPack(): string {
  const dir = join(DEFAULT_PACKS_DIR, 'bench-router');
  if (!existsSync(join(dir, 'manifest.json')) || packVersion(dir) !== CITY_PACK_VERSION) {
    writeCityPack(generateCity({ name: 'bench-router', seed: DEFAULT_SEED, units: PATROL_UNITS }), dir);
  }
  return dir;
}

// --- inputs --------------------------------------------------------------------------------------

interface Place {
  lon: number;
  lat: number;
}

const baseAlert = examples[Topic.AlertsRaised];
const LEVELS = ['notice', 'warning', 'urgent'] as const;

function alertRevision(tag: string, n: number, revision: number, at: Place): Alert {
  const now = new Date().toISOString();
  return {
    ...baseAlert,
    alertId: `al-${tag}-${n}`,
    subjectId: `res-${tag}-${n}`,
    revision,
    level: LEVELS[revision - 1] ?? 'urgent',
    raisedAt: now,
    updatedAt: now,
    location: at,
    gridCellId: undefined,
    officerId: undefined,
  } as Alert;
}

function incident(tag: string, n: number, at: Place): IncidentReport {
  return {
    version: 1,
    eventId: `110-${tag}-${n}`,
    occurredAt: new Date().toISOString(),
    incidentId: `inc-${tag}-${n}`,
    channel: '110',
    category: n % 10 === 0 ? 'robbery' : n % 3 === 0 ? 'disturbance' : 'theft',
    priority: n % 10 === 0 ? 1 : 2 + (n % 2),
    location: at,
  };
}

type Input = {
  topic: typeof Topic.AlertsRaised | typeof Topic.IncidentsReported;
  message: Message;
  ref: string;
};

/**
 * `count` inputs: 80% warning revisions (blocks of 30 warnings raised, then all upgraded, then all
 * upgraded again), 20% incidents spread among them. `ref` is `<refId>#<revision>`.
 */
function makeInputs(tag: string, count: number, places: readonly Place[]): Input[] {
  const out: Input[] = [];
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  const place = () => places[rnd() % places.length] as Place;
  let alerts = 0;
  let incidents = 0;
  let block: { n: number; at: Place }[] = [];
  let step = 0;
  while (out.length < count) {
    if (rnd() % 5 === 0) {
      const inc = incident(tag, incidents++, place());
      out.push({
        topic: Topic.IncidentsReported,
        message: { key: inc.incidentId, value: Codecs.IncidentReport.encode(inc) },
        ref: `${inc.incidentId}#1`,
      });
      continue;
    }
    if (block.length === 0 || step >= block.length * 3) {
      block = Array.from({ length: 30 }, () => ({ n: alerts++, at: place() }));
      step = 0;
    }
    const b = block[step % block.length] as { n: number; at: Place };
    const revision = Math.floor(step / block.length) + 1;
    step++;
    const a = alertRevision(tag, b.n, revision, b.at);
    out.push({
      topic: Topic.AlertsRaised,
      message: { key: a.subjectId, value: Codecs.Alert.encode(a) },
      ref: `${a.alertId}#${revision}`,
    });
  }
  return out;
}

// --- topics, processes, the simulated units ------------------------------------------------------

const TIMED_TOPICS = [Topic.AlertsRaised, Topic.IncidentsReported, Topic.DispatchOrders];

async function createTopics(admin: Admin, prefix: string) {
  await ensureTopics(admin, TOPICS, { prefix });
  // Inputs and orders carry the broker's append time: latency is measured on one clock.
  await admin.alterConfigs({
    validateOnly: false,
    resources: TIMED_TOPICS.map((t) => ({
      type: ConfigResourceTypes.TOPIC,
      name: `${prefix}${t}`,
      configEntries: [
        ...topicConfigEntries(topicSpec(t) as NonNullable<ReturnType<typeof topicSpec>>),
        { name: 'message.timestamp.type', value: 'LogAppendTime' },
      ],
    })),
  });
}

async function deleteTopics(admin: Admin, prefix: string) {
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } catch (err) {
    say(`  (could not delete topics under ${prefix}: ${(err as Error).message})`);
  }
}

async function cleanRedis(prefix: string) {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function spawnQuiet(
  entry: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.pipe(process.stderr);
  return child;
}

/**
 * The bare loop (`bench/raw-loop.ts`) on the topics of `prefix`, writing `ratios` records per input;
 * `orderRef`: each input's first order names it, for the latency baseline.
 */
function startRawLoop(
  prefix: string,
  group: string,
  ratios: Record<string, Record<string, number>>,
  opts: { orderRef?: boolean } = {},
): ChildProcess {
  return spawnQuiet(rawEntry, {
    KAFKA_BROKERS: BROKERS.join(','),
    RAW_PREFIX: prefix,
    RAW_GROUP: group,
    RAW_CONCURRENCY: CONCURRENCY,
    RAW_PER_INPUT: JSON.stringify(ratios),
    ...(opts.orderRef ? { RAW_ORDER_REF: '1' } : {}),
  });
}

function startRouter(prefix: string, group: string, redisPrefix: string, pack: string): ChildProcess {
  const nodeArgs = (process.env.BENCH_ROUTER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnQuiet(
    routerEntry,
    {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      ROUTER_GROUP_ID: group,
      ROUTER_CITY_PACK: pack,
      ROUTER_OPS_PORT: '0',
      ROUTER_UNSEEN_UNITS: 'home',
      ROUTER_PARTITIONS_CONCURRENTLY: CONCURRENCY,
      // An incident that finds every patrol unit out tries again within a second.
      ROUTER_QUEUE_RETRY_SEC: '1',
      ROUTER_ACK_DEADLINES_SEC: 'p1=3600,p2=3600,p3=3600,p4=3600,urgent=3600,warning=3600,notice=3600',
      LOG_LEVEL: 'warn',
    },
    nodeArgs,
  );
}

async function stop(children: ChildProcess[]) {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

async function newProducer(): Promise<Producer> {
  const p = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await p.connect();
  return p;
}

/**
 * Officers' phones: every active incident order is answered `completed` at once. `dispatched`
 * collects the incidents that got an order.
 */
async function simulateUnits(prefix: string, producer: Producer, dispatched: Set<string> = new Set()) {
  const consumer = kafka.consumer({ groupId: `bench-${runId}-units-${prefix}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${Topic.DispatchOrders}`, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const acks: Message[] = [];
      for (const m of batch.messages) {
        if (!m.value) continue;
        const o = JSON.parse(m.value.toString()) as DispatchOrder;
        if (o.kind !== 'incident' || o.revision !== 1 || o.status !== 'active') continue;
        dispatched.add(o.refId);
        const ack: DispatchAck = {
          version: 1,
          eventId: `ack-${o.orderId}-completed`,
          orderId: o.orderId,
          unitId: o.unitId,
          status: 'completed',
          at: new Date().toISOString(),
        };
        acks.push({ key: o.unitId, value: Codecs.DispatchAck.encode(ack) });
      }
      if (acks.length > 0)
        await producer.send({ topic: `${prefix}${Topic.DispatchAcks}`, acks: -1, messages: acks });
    },
  });
  return consumer;
}

async function waitForStableGroup(admin: Admin, group: string) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    if (g !== undefined && g.state === 'Stable' && g.members.length === 1) return;
    if (Date.now() > deadline) throw new Error(`group ${group} never became stable`);
    await sleep(50);
  }
}

/** Offsets the group committed on the decision topics (warnings and incidents). */
async function committed(admin: Admin, group: string, prefix: string): Promise<number> {
  const topics = [Topic.AlertsRaised, Topic.IncidentsReported].map((t) => `${prefix}${t}`);
  const offs = await admin.fetchOffsets({ groupId: group, topics });
  let sum = 0;
  for (const t of offs) for (const p of t.partitions) sum += Math.max(0, Number(p.offset));
  return sum;
}

async function sendAll(producer: Producer, prefix: string, inputs: readonly Input[]) {
  for (let i = 0; i < inputs.length; i += 1_000) {
    const slice = inputs.slice(i, i + 1_000);
    const alerts = slice.filter((x) => x.topic === Topic.AlertsRaised).map((x) => x.message);
    const incidents = slice.filter((x) => x.topic === Topic.IncidentsReported).map((x) => x.message);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: `${prefix}${Topic.AlertsRaised}`, messages: alerts },
        { topic: `${prefix}${Topic.IncidentsReported}`, messages: incidents },
      ],
    });
  }
}

/** End offsets of the output topics: records written in a run. */
async function outputCounts(admin: Admin, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    Topic.DispatchOrders,
    Topic.TimelineEvents,
    Topic.UnitsStatus,
    Topic.AuditEvents,
    Topic.DispatchAcks,
  ]) {
    const offs = await admin.fetchTopicOffsets(`${prefix}${t}`);
    out[t] = offs.reduce((s, p) => s + Number(p.high), 0);
  }
  return out;
}

interface RunResult {
  perSec: number;
  outputs: Record<string, number>;
  inputs: Record<string, number>;
}

/** One capacity run of the router (`raw` undefined) or of the bare loop (`raw` = its per-input ratios). */
async function capacityRun(
  kind: 'router' | 'raw',
  run: number,
  inputs: readonly Input[],
  pack: string,
  rawRatios?: Record<string, Record<string, number>>,
): Promise<RunResult> {
  const prefix = `bench-${runId}-${kind}${run}.`;
  const group = `bench-${runId}-${kind}-${run}`;
  const redisPrefix = `bench:${runId}:${kind}${run}:`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, prefix);
  const producer = await newProducer();
  const dispatched = new Set<string>();
  const units = await simulateUnits(prefix, producer, dispatched);
  const incidentIds = inputs
    .filter((x) => x.topic === Topic.IncidentsReported)
    .map((x) => x.ref.split('#')[0] as string);
  const children: ChildProcess[] = [];
  try {
    children.push(
      kind === 'router'
        ? startRouter(prefix, group, redisPrefix, pack)
        : startRawLoop(prefix, group, rawRatios ?? {}),
    );
    await waitForStableGroup(admin, group);
    const t0 = performance.now();
    const sending = sendAll(producer, prefix, inputs);
    // Done when every input is committed and every incident has its order (an incident that had
    // to wait for a unit counts until it got one).
    let last = { t: 0, n: 0 };
    let allDispatched = 0;
    const deadline = Date.now() + 900_000;
    while (Date.now() < deadline) {
      const n = await committed(admin, group, prefix);
      const t = performance.now();
      if (n > last.n) last = { t, n };
      if (allDispatched === 0 && incidentIds.every((id) => dispatched.has(id))) allDispatched = t;
      if (n >= inputs.length && allDispatched > 0) break;
      await sleep(20);
    }
    await sending;
    if (last.n < inputs.length || allDispatched === 0) {
      throw new Error(
        `${kind} run stalled at ${last.n}/${inputs.length}, ${dispatched.size}/${incidentIds.length} incidents dispatched`,
      );
    }
    last = { t: Math.max(last.t, allDispatched), n: last.n };
    const secs = (last.t - t0) / 1000;
    const perSec = inputs.length / secs;
    // Let the last answers of the simulated units be consumed before counting what was written.
    await sleep(1_000);
    const outputs = await outputCounts(admin, prefix);
    say(
      `  ${kind === 'router' ? 'router  ' : 'raw loop'} run ${run + 1}: ${Math.round(perSec).toLocaleString('en-US')} inputs/s (${inputs.length.toLocaleString('en-US')} in ${secs.toFixed(2)} s); wrote ${Object.entries(
        outputs,
      )
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
    const counts: Record<string, number> = {
      [Topic.AlertsRaised]: inputs.filter((x) => x.topic === Topic.AlertsRaised).length,
      [Topic.IncidentsReported]: inputs.filter((x) => x.topic === Topic.IncidentsReported).length,
      [Topic.DispatchAcks]: outputs[Topic.DispatchAcks] ?? 0,
    };
    return { perSec, outputs, inputs: counts };
  } finally {
    await stop(children);
    await units.disconnect();
    await producer.disconnect();
    await deleteTopics(admin, prefix);
    await admin.disconnect();
    await cleanRedis(redisPrefix);
  }
}

/**
 * Per-input records of each output topic for the raw loop, from what the router wrote: every
 * incident and every answer writes like the router's average incident and answer; warnings the rest.
 */
function ratiosFrom(r: RunResult): Record<string, Record<string, number>> {
  const alerts = r.inputs[Topic.AlertsRaised] ?? 1;
  const incidents = r.inputs[Topic.IncidentsReported] ?? 1;
  const acks = r.inputs[Topic.DispatchAcks] ?? 0;
  // What the router writes per kind of input (from its design, checked against the totals below):
  // incident: ~1.1 orders, raised + dispatched per order, a status and an audit per order;
  // answer (completed): an order revision, resolved + closed, a status, an audit;
  // warning revision: the rest.
  const perIncident = {
    'dispatch.orders': 1.1,
    'timeline.events': 2.1,
    'units.status': 1.1,
    'audit.events': 1.1,
  };
  const perAck = { 'dispatch.orders': 1, 'timeline.events': 2, 'units.status': 1, 'audit.events': 1 };
  const perAlert: Record<string, number> = {};
  for (const t of Object.keys(perIncident) as (keyof typeof perIncident)[]) {
    const rest = (r.outputs[t] ?? 0) - incidents * perIncident[t] - acks * perAck[t];
    perAlert[t] = Math.max(0, rest / alerts);
  }
  return {
    [Topic.AlertsRaised]: perAlert,
    [Topic.IncidentsReported]: perIncident,
    [Topic.DispatchAcks]: perAck,
  };
}

/** Latency at `rate` inputs/s: broker append time of the order − of its input. */
let latencyRuns = 0;
async function latencyRun(
  rate: number,
  pack: string,
  places: readonly Place[],
  rawRatios?: Record<string, Record<string, number>>,
): Promise<number[]> {
  const n = latencyRuns++;
  const prefix = `bench-${runId}-lat${n}.`;
  const group = `bench-${runId}-lat${n}`;
  const redisPrefix = `bench:${runId}:lat${n}:`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, prefix);
  const producer = await newProducer();
  const units = await simulateUnits(prefix, producer);
  const inputAt = new Map<string, number>();
  const orderAt = new Map<string, number>();
  const reader = kafka.consumer({ groupId: `bench-${runId}-lat${n}-reader`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topics: TIMED_TOPICS.map((t) => `${prefix}${t}`), fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const topic = batch.topic.slice(prefix.length);
      for (const m of batch.messages) {
        if (!m.value) continue;
        const t = Number(m.timestamp);
        const v = JSON.parse(m.value.toString()) as Record<string, unknown>;
        if (topic === Topic.DispatchOrders) {
          const key = `${v.refId}#${v.revision}`;
          if (!orderAt.has(key)) orderAt.set(key, t);
        } else if (topic === Topic.AlertsRaised) inputAt.set(`${v.alertId}#${v.revision}`, t);
        else inputAt.set(`${v.incidentId}#1`, t);
      }
    },
  });
  const child =
    rawRatios === undefined
      ? startRouter(prefix, group, redisPrefix, pack)
      : startRawLoop(prefix, group, rawRatios, { orderRef: true });
  try {
    await waitForStableGroup(admin, group);
    const inputs = makeInputs('lat', Math.ceil(rate * LATENCY_SEC), places);
    // Warm-up: the first input, answered, before the clock starts.
    await sendAll(producer, prefix, inputs.slice(0, 1));
    const warmDeadline = Date.now() + 120_000;
    while (!orderAt.has(inputs[0]?.ref ?? '') && Date.now() < warmDeadline) await sleep(50);
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let k = 0, i = 1; i < inputs.length; k++, i += perTick) {
      const wait = start + k * tickMs - performance.now();
      if (wait > 0) await sleep(wait);
      sends.push(sendAll(producer, prefix, inputs.slice(i, i + perTick)));
    }
    await Promise.all(sends);
    const drainDeadline = Date.now() + 60_000;
    const measured = () => inputs.filter((x) => orderAt.has(x.ref) && inputAt.has(x.ref)).length;
    while (measured() < inputs.length && Date.now() < drainDeadline) await sleep(200);
    const latencies: number[] = [];
    for (const x of inputs.slice(1)) {
      const a = inputAt.get(x.ref);
      const b = orderAt.get(x.ref);
      if (a !== undefined && b !== undefined) latencies.push(b - a);
    }
    say(
      `  latency: ${latencies.length}/${inputs.length - 1} inputs measured at ${Math.round(rate)}/s for ${LATENCY_SEC} s`,
    );
    return latencies;
  } finally {
    await stop([child]);
    await reader.disconnect();
    await units.disconnect();
    await producer.disconnect();
    await deleteTopics(admin, prefix);
    await admin.disconnect();
    await cleanRedis(redisPrefix);
  }
}

async function main() {
  const cpu = cpus();
  say(
    `bench:router — ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  const packDir = benchPack();
  const pack = readCityPack(packDir);
  say(
    `kafka ${BROKERS.join(',')}, redis ${REDIS_URL}; city ${pack.graph.nodeCount.toLocaleString('en-US')} road nodes, ${pack.cells.length} cells, ${pack.units.length} units (${PATROL_UNITS} patrol)`,
  );
  say(
    `${INPUTS.toLocaleString('en-US')} inputs per run (80% warning revisions, 20% incidents), ${RUNS} runs each`,
  );
  say('(the machine is shared: other processes compete for the same cores)');
  const places: Place[] = [];
  for (let v = 0; v < pack.graph.nodeCount; v += 7)
    places.push({ lon: pack.graph.lon[v] as number, lat: pack.graph.lat[v] as number });
  const inputs = makeInputs('cap', INPUTS, places);

  say('capacity (the process joined first, then the inputs are written as fast as possible):');
  const ours: number[] = [];
  const raw: number[] = [];
  let rawRatios: Record<string, Record<string, number>> = {};
  for (let run = 0; run < RUNS; run++) {
    const r = await capacityRun('router', run, inputs, packDir);
    ours.push(r.perSec);
    rawRatios = ratiosFrom(r);
    raw.push((await capacityRun('raw', run, inputs, packDir, rawRatios)).perSec);
  }
  const decisionsPerSec = median(ours);
  const rawPerSec = median(raw);
  const vsRawKafka = decisionsPerSec / rawPerSec;
  say(
    `  median: router ${Math.round(decisionsPerSec).toLocaleString('en-US')} decisions/s, raw loop ${Math.round(rawPerSec).toLocaleString('en-US')} inputs/s → vsRawKafka ${vsRawKafka.toFixed(2)}`,
  );

  say(`latency at half capacity (${Math.round(decisionsPerSec / 2)}/s), input → order, broker append times:`);
  const lat = await latencyRun(decisionsPerSec / 2, packDir, places);
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  say(`  p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...lat).toFixed(0)} ms`);
  // The same rate through the bare loop: what this machine and broker give with none of our code.
  say(
    `the bare loop at the same rate (${Math.round(decisionsPerSec / 2)}/s), input → its first record on dispatch.orders:`,
  );
  const rawLat = await latencyRun(decisionsPerSec / 2, packDir, places, rawRatios);
  const rawP50 = percentile(rawLat, 50);
  const rawP99 = percentile(rawLat, 99);
  say(`  p50 ${rawP50.toFixed(1)} ms, p99 ${rawP99.toFixed(1)} ms, max ${Math.max(...rawLat).toFixed(0)} ms`);
  // The floor: one decision at a time, nothing queued behind it.
  say(`latency at ${LOW_RATE}/s (the floor: almost no batching, no queue):`);
  const low = await latencyRun(LOW_RATE, packDir, places);
  const lowP50 = percentile(low, 50);
  const lowP99 = percentile(low, 99);
  say(`  p50 ${lowP50.toFixed(1)} ms, p99 ${lowP99.toFixed(1)} ms`);
  console.log(
    JSON.stringify({
      bench: 'router',
      decisionsPerSec: Math.round(decisionsPerSec),
      rawKafkaPerSec: Math.round(rawPerSec),
      vsRawKafka: Math.round(vsRawKafka * 100) / 100,
      p50Ms: Math.round(p50 * 10) / 10,
      p99Ms: Math.round(p99 * 10) / 10,
      latencyRatePerSec: Math.round(decisionsPerSec / 2),
      rawP50Ms: Math.round(rawP50 * 10) / 10,
      rawP99Ms: Math.round(rawP99 * 10) / 10,
      lowRatePerSec: LOW_RATE,
      p50MsLowRate: Math.round(lowP50 * 10) / 10,
      p99MsLowRate: Math.round(lowP99 * 10) / 10,
      units: pack.units.length,
      cells: pack.cells.length,
      inputs: INPUTS,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
