/**
 * Where a batch's time goes: the router in this process on fresh topics and Redis keys, the bench's
 * inputs (warning revisions and incidents) written at PROFILE_RATE inputs/s (0: all at once), and
 * per batch the time of each stage — the fetch, the Redis reads, deciding, the commit script
 * pipeline, the publish (acks -1), the offset commit — printed as mean / p50 / p99 per stage, and
 * the router's Kafka requests by client and API (each costs the process a socket write and more).
 * Also, per warning and incident, where its time went (sent → fetch returned → handed to the
 * consumer's batch → its run started → run published → offsets committed; and when eachBatch
 * handed the batch back, which with ROUTER_OVERLAP_RUNS > 0 is before the publish), the process's GC
 * pauses and event-loop delay, and its socket writes by remote port (count, bytes, time in write).
 *
 *   taskset -c 1 npx tsx processors/router/bench/profile.ts            # all at once (capacity)
 *   PROFILE_RATE=20 taskset -c 1 npx tsx processors/router/bench/profile.ts
 *
 * Not a benchmark (no figure to keep): a tool to see which round trip dominates.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { City, FREE_FLOW_PROFILE, generateCity } from '@fenghuo/city';
import { Codecs, type DispatchAck, type DispatchOrder, examples, TOPICS, Topic } from '@fenghuo/contracts';
import { createLogger, ensureTopics, noDelaySocketFactory } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import kafkajs, { Kafka, logLevel, type Message } from 'kafkajs';
import { loadConfig } from '../src/config.ts';
import { startRouter } from '../src/service.ts';

const RATE = Number(process.env.PROFILE_RATE ?? 0);
const COUNT = Number(process.env.PROFILE_INPUTS ?? (RATE > 0 ? RATE * 15 : 10_000));
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const id = randomBytes(3).toString('hex');
const prefix = `prof-${id}.`;
const redisPrefix = `prof:${id}:`;

// --- timings ---------------------------------------------------------------------------------------
const samples = new Map<string, number[]>();
const note = (stage: string, ms: number) => {
  const list = samples.get(stage) ?? [];
  list.push(ms);
  samples.set(stage, list);
};
function timed<A extends unknown[], R>(stage: string, fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A) => {
    const t = performance.now();
    try {
      return await fn(...a);
    } finally {
      note(stage, performance.now() - t);
    }
  };
}

// An input's path through the main consumer (warnings and incidents), on this process's clocks:
// sent → fetch returned → handed to eachBatch → its run started → run published (acks -1) → the
// batch's offsets committed (eachBatch resolved). A batch's run is the first run that started
// after the batch was handed over (BatchGroup: batches handed over while a run is in flight join
// the next one).
interface TracedBatch {
  created: number[];
  fetchedAt: number;
  handedAt: number;
  /** eachBatch resolved (with ROUTER_OVERLAP_RUNS > 0: the run committed to Redis, not yet published). */
  doneAt?: number;
  topic: string;
  partition: number;
  lastOffset: bigint;
}
const traced: TracedBatch[] = [];
const runs: { start: number; published?: number }[] = [];
/** The main group's offset commits: when each partition's offset was sent and answered. */
const commits: { topic: string; partition: number; offset: bigint; at: number }[] = [];
let lastFetchAt = 0;
/** performance.now() − Date.now(), to put CreateTime (epoch ms) on the monotonic clock. */
const clockSkew = performance.now() - Date.now();

// The router's Kafka requests by client and API (every request costs a socket write and more).
const requests = new Map<string, number>();
const countRequests = (client: string, e: { payload: { apiName: string } }) => {
  const k = `${client} ${e.payload.apiName}`;
  requests.set(k, (requests.get(k) ?? 0) + 1);
};
/** True while the router starts: the producers made then are its own. */
let routerStarting = false;

// Every kafkajs consumer made in this process reports its fetches and offset commits.
const proto = (kafkajs.Kafka as unknown as { prototype: Record<string, unknown> }).prototype;
const makeProducer = proto.producer as (this: unknown, cfg: unknown) => kafkajs.Producer;
proto.producer = function (this: unknown, cfg: unknown) {
  const p = makeProducer.call(this, cfg);
  if (routerStarting) p.on(p.events.REQUEST, (e) => countRequests('producer', e));
  return p;
};
const makeConsumer = proto.consumer as (this: unknown, cfg: { groupId: string }) => kafkajs.Consumer;
proto.consumer = function (this: unknown, cfg: { groupId: string }) {
  const c = makeConsumer.call(this, cfg);
  // The router's groups: <group>, <group>-rules-<instance>, <group>-complaint-risk.
  const own = /-main(-rules-[0-9a-f]+|-complaint-risk)?$/.exec(cfg.groupId);
  if (own)
    c.on(c.events.REQUEST, (e) => countRequests(`group ${own[1]?.replace(/-[0-9a-f]+$/, '') || 'main'}`, e));
  if (!cfg.groupId.endsWith('-main')) return c;
  say(`consumer ${cfg.groupId}: ${JSON.stringify(cfg)}`);
  c.on(c.events.FETCH, (e) => {
    note('kafka fetch (request)', e.payload.duration);
    lastFetchAt = performance.now();
  });
  // Where an input's time goes (warnings and incidents): see `trace` below.
  const run = c.run.bind(c);
  c.run = (config) => {
    const eachBatch = config?.eachBatch;
    if (eachBatch === undefined) return run(config);
    return run({
      ...config,
      eachBatch: async (payload) => {
        const topic = payload.batch.topic.slice(prefix.length);
        if (topic !== Topic.AlertsRaised && topic !== Topic.IncidentsReported) return eachBatch(payload);
        const b: TracedBatch = {
          // The record's CreateTime: this process's clock when the producer sent it.
          created: payload.batch.messages.map((m) => Number(m.timestamp)),
          fetchedAt: lastFetchAt,
          handedAt: performance.now(),
          topic: payload.batch.topic,
          partition: payload.batch.partition,
          lastOffset: BigInt(payload.batch.lastOffset()),
        };
        try {
          await eachBatch(payload);
        } finally {
          b.doneAt = performance.now();
          traced.push(b);
        }
      },
    });
  };
  c.on(c.events.START_BATCH_PROCESS, (e) => note('batch size', e.payload.batchSize));
  const commit = timed('kafka offset commit', c.commitOffsets.bind(c));
  c.commitOffsets = async (offsets) => {
    await commit(offsets);
    const at = performance.now();
    for (const o of offsets)
      commits.push({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), at });
  };
  return c;
};

// Socket writes of this process by remote port (Kafka, Redis): each is a system call, and on the
// loopback the sender's call also carries the receiver's side of TCP and its wake-up.
const writes = new Map<number, { n: number; bytes: number; ms: number }>();
let countWrites = false;
const socketWrite = Socket.prototype.write as (this: Socket, ...a: unknown[]) => boolean;
Socket.prototype.write = function (this: Socket, ...a: unknown[]) {
  if (!countWrites) return socketWrite.apply(this, a);
  const t = performance.now();
  try {
    return socketWrite.apply(this, a);
  } finally {
    const w = writes.get(this.remotePort ?? 0) ?? { n: 0, bytes: 0, ms: 0 };
    w.n++;
    const chunk = a[0];
    w.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : ((chunk as Buffer).length ?? 0);
    w.ms += performance.now() - t;
    writes.set(this.remotePort ?? 0, w);
  }
} as typeof Socket.prototype.write;

// Garbage collection pauses (they hold every batch of the process).
const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
}).observe({ entryTypes: ['gc'] });
// Event-loop delay: how late a timer due every 10 ms fires (other work of this process, or the core
// taken by other processes).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const say = (s: string) => console.log(s);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function main() {
  const kafka = new Kafka({
    clientId: 'prof',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    socketFactory: noDelaySocketFactory,
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, TOPICS, { prefix });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const logger = createLogger({ service: 'router-prof', level: 'warn' });
    const city = new City(generateCity({ units: 593 }), { profile: FREE_FLOW_PROFILE });
    const config = loadConfig({
      ...process.env,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      ROUTER_GROUP_ID: `prof-${id}-main`,
      ROUTER_OPS_PORT: '0',
      ROUTER_UNSEEN_UNITS: 'home',
      ROUTER_QUEUE_RETRY_SEC: '1',
      ROUTER_ACK_DEADLINES_SEC: 'p1=3600,p2=3600,p3=3600,p4=3600,urgent=3600,warning=3600,notice=3600',
    });
    routerStarting = true;
    const router = await startRouter(config, logger, { city }).finally(() => {
      routerStarting = false;
    });
    stops.push(() => router.stop());
    // The store's round trips and the publish, timed where the decider calls them.
    const store = router.store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [m, stage] of [
      ['loadMatters', 'redis load matters'],
      ['loadUnits', 'redis load units'],
      ['pools', 'redis pools'],
      ['matterOfOrders', 'redis order index'],
      ['commit', 'redis commit'],
      ['afterPublish', 'redis after publish (off path)'],
    ] as const) {
      store[m] = timed(stage, (store[m] as (...a: unknown[]) => Promise<unknown>).bind(router.store));
    }
    const deps = (router.decider as unknown as { deps: { publish: (...a: unknown[]) => Promise<void> } })
      .deps;
    deps.publish = timed('kafka publish (acks -1)', deps.publish);
    // Every run (grouped or the job poller's) goes through decide: committed to Redis when it
    // resolves, published when its `published` does.
    const decide = router.decider.decide.bind(router.decider);
    router.decider.decide = async (tasks) => {
      note('decider.decide tasks', tasks.length);
      const r: { start: number; published?: number } = { start: performance.now() };
      runs.push(r);
      const out = await decide(tasks);
      note('decide → committed to Redis', performance.now() - r.start);
      out.published.then(
        () => {
          r.published = performance.now();
          note('decide → published (whole run)', r.published - r.start);
        },
        () => undefined,
      );
      return out;
    };
    const poll = router.poller.pollOnce.bind(router.poller);
    router.poller.pollOnce = async () => {
      const t = performance.now();
      const n = await poll();
      if (n > 0) {
        note('job poll: jobs claimed', n);
        note('job poll (claim + decide)', performance.now() - t);
      }
      return n;
    };

    // Simulated units: incident orders completed at once (as in the bench).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    stops.push(() => producer.disconnect());
    const units = kafka.consumer({ groupId: `prof-${id}-units`, maxWaitTimeInMs: 50 });
    await units.connect();
    stops.push(() => units.disconnect());
    await units.subscribe({ topic: `${prefix}${Topic.DispatchOrders}`, fromBeginning: true });
    const orderAt = new Map<string, number>();
    await units.run({
      eachBatch: async ({ batch }) => {
        const acks: Message[] = [];
        for (const m of batch.messages) {
          const o = JSON.parse(m.value?.toString() ?? '{}') as DispatchOrder;
          if (!orderAt.has(`${o.refId}#${o.revision}`))
            orderAt.set(`${o.refId}#${o.revision}`, Number(m.timestamp));
          if (o.kind !== 'incident' || o.revision !== 1 || o.status !== 'active') continue;
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

    const nodes = city.pack.graph;
    const place = (n: number) => {
      const v = (n * 7919) % nodes.nodeCount;
      return { lon: nodes.lon[v] as number, lat: nodes.lat[v] as number };
    };
    const inputs: { topic: string; m: Message; ref: string }[] = [];
    for (let i = 0; inputs.length < COUNT; i++) {
      if (i % 5 === 4) {
        const incidentId = `inc-${i}`;
        inputs.push({
          topic: Topic.IncidentsReported,
          ref: `${incidentId}#1`,
          m: {
            key: incidentId,
            value: Codecs.IncidentReport.encode({
              version: 1,
              eventId: `110-${i}`,
              occurredAt: new Date().toISOString(),
              incidentId,
              channel: '110',
              category: i % 10 === 9 ? 'robbery' : 'theft',
              priority: i % 10 === 9 ? 1 : 3,
              location: place(i),
            }),
          },
        });
      } else {
        const n = Math.floor(i / 90) * 30 + (i % 30);
        const revision = Math.floor((i % 90) / 30) + 1;
        const alert = {
          ...examples[Topic.AlertsRaised],
          alertId: `al-${n}`,
          subjectId: `res-${n}`,
          revision,
          level: (['notice', 'warning', 'urgent'] as const)[revision - 1],
          location: place(n),
          gridCellId: undefined,
          officerId: undefined,
        };
        inputs.push({
          topic: Topic.AlertsRaised,
          ref: `${alert.alertId}#${revision}`,
          m: { key: alert.subjectId, value: Codecs.Alert.encode(alert as never) },
        });
      }
    }
    const sentAt = new Map<string, number>();
    gcPauses.length = 0;
    loopDelay.enable();
    countWrites = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const wall0 = Date.now();
    const step = RATE > 0 ? Math.max(1, Math.round(RATE / 20)) : 500;
    for (let i = 0, k = 0; i < inputs.length; i += step, k++) {
      if (RATE > 0) {
        const wait = t0 + (k * 1000 * step) / RATE - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const slice = inputs.slice(i, i + step);
      const byTopic = new Map<string, Message[]>();
      for (const x of slice) byTopic.set(x.topic, [...(byTopic.get(x.topic) ?? []), x.m]);
      const at = Date.now();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([t, messages]) => ({ topic: `${prefix}${t}`, messages })),
      });
      for (const x of slice) sentAt.set(x.ref, at);
    }
    const deadline = Date.now() + 300_000;
    while (inputs.some((x) => !orderAt.has(x.ref)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    loopDelay.disable();
    countWrites = false;
    say(
      `socket writes of this process (router, producer, simulated units), by port: ${[...writes]
        .map(
          ([port, w]) =>
            `${port}: ${w.n} writes, ${(w.bytes / 1e6).toFixed(1)} MB, ${(w.ms / 1000).toFixed(2)} s in write (${((1000 * w.ms) / w.n).toFixed(0)} µs each)`,
        )
        .join('; ')}`,
    );
    const gcTotal = gcPauses.reduce((a, b) => a + b, 0);
    say(
      `GC: ${gcPauses.length} pauses, ${gcTotal.toFixed(0)} ms in all, p99 ${pct(gcPauses, 99).toFixed(1)} ms, longest ${Math.max(0, ...gcPauses).toFixed(1)} ms; event-loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
    );
    say(
      `CPU of this process (router, producer, simulated units): ${((cpu.user + cpu.system) / 1e3 / inputs.length).toFixed(2)} ms per input (system ${(cpu.system / 1e3 / inputs.length).toFixed(2)})`,
    );
    say(
      `${inputs.length} inputs ${RATE > 0 ? `at ${RATE}/s` : 'at once'}: all ordered in ${secs.toFixed(1)} s (${Math.round(inputs.length / secs)}/s); load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
    for (const kind of [Topic.AlertsRaised, Topic.IncidentsReported]) {
      const lat = inputs
        .filter((x) => x.topic === kind)
        .flatMap((x) => {
          const a = sentAt.get(x.ref);
          const b = orderAt.get(x.ref);
          return a !== undefined && b !== undefined ? [b - a] : [];
        });
      const last = Math.max(...inputs.filter((x) => x.topic === kind).map((x) => orderAt.get(x.ref) ?? 0));
      say(
        `${kind}: send → order appended p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms (${lat.length}); last order ${((last - wall0) / 1000).toFixed(1)} s after the first send`,
      );
    }
    const count = async (c: { get(): Promise<{ values: { value: number }[] }> }) =>
      (await c.get()).values.reduce((a, v) => a + v.value, 0);
    const m = router.metrics;
    say(
      `decisions ${await count(m.decisions)}, duplicates ${await count(m.duplicates)}, conflicts (decided again) ${await count(m.conflicts)}, jobs claimed ${await count(m.jobs)}`,
    );
    // Per input: where its time went (ms), by segment.
    const segs = new Map<string, number[]>();
    const add = (k: string, v: number) => {
      const l = segs.get(k) ?? [];
      l.push(v);
      segs.set(k, l);
    };
    for (const b of traced) {
      const r = runs.find((x) => x.start >= b.handedAt);
      const committedAt = commits.find(
        (c) => c.topic === b.topic && c.partition === b.partition && c.offset > b.lastOffset,
      )?.at;
      for (const created of b.created) {
        const sent = created + clockSkew;
        add('1 sent → fetch returned', b.fetchedAt - sent);
        add('2 fetch returned → eachBatch', b.handedAt - b.fetchedAt);
        if (r) {
          add('3 eachBatch → run start', r.start - b.handedAt);
          if (r.published !== undefined) {
            add('4 run start → published (acked)', r.published - r.start);
            if (committedAt !== undefined) add('5 published → offsets committed', committedAt - r.published);
          }
        }
        if (b.doneAt !== undefined) add('eachBatch → handed back', b.doneAt - b.handedAt);
        if (committedAt !== undefined) add('sent → offsets committed', committedAt - sent);
      }
    }
    say('input path (ms, per input)           n      mean     p50     p90     p99');
    for (const [k, xs] of [...segs].sort((a, b) => a[0].localeCompare(b[0]))) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      say(
        `${k.padEnd(34)} ${String(xs.length).padStart(6)} ${mean.toFixed(1).padStart(8)} ${pct(xs, 50).toFixed(1).padStart(7)} ${pct(xs, 90).toFixed(1).padStart(7)} ${pct(xs, 99).toFixed(1).padStart(7)}`,
      );
    }
    say('stage                              n      mean     p50     p99    total s');
    for (const [stage, xs] of samples) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const total =
        stage === 'batch size' || stage.endsWith('tasks') || stage.endsWith('claimed')
          ? ''
          : (xs.reduce((a, b) => a + b, 0) / 1000).toFixed(1);
      say(
        `${stage.padEnd(32)} ${String(xs.length).padStart(5)} ${mean.toFixed(1).padStart(8)} ${pct(xs, 50).toFixed(1).padStart(7)} ${pct(xs, 99).toFixed(1).padStart(7)} ${total.padStart(9)}`,
      );
    }
    say(
      `the router's Kafka requests: ${[...requests]
        .filter(([, n]) => n >= 10)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    const r = router.store.redis;
    for (const k of ['alert:al-0', 'alert:al-100', 'incident:inc-4', 'incident:inc-9']) {
      const j = await r.hget(`{rt}:m:${k}`, 'j');
      const ob = await r.hgetall(`{rt}:ob:${k}`);
      say(`matter ${k}: ${j?.length ?? 0} bytes of JSON, outbox ${Object.keys(ob).length} entries`);
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine });
    await admin.disconnect();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
