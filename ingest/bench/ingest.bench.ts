/**
 * `npm run bench:ingest`: sustained throughput and latency of ingest with Kafka and Redis on this
 * machine. Starts the real service (`ingest/src/index.ts`) as its own process on private topics,
 * drives it with JSON batches of BENCH_BATCH fraud indicators (every event id new), and checks
 * afterwards that Kafka holds exactly the events that were answered 202 (counted by a read_committed
 * consumer: ingest writes in transactions, whose commit markers take offsets too).
 *
 * Prints the machine and each round, and ends with one JSON line of medians:
 *   {"bench":"ingest","eventsPerSec":…,"p50Ms":…,"p99Ms":…,"maxEventsPerSec":…,
 *    "rawProducerEventsPerSec":…,"vsRawProducer":…,"rateForLatency":…,"cpuMsPer1kEvents":…,
 *    "rawProducerCpuMsPer1kEvents":…}
 *
 * Two phases: full load (autocannon, closed loop, BENCH_CONNECTIONS requests always in flight) gives the
 * capacity; then a fixed offered rate (open loop, evenly spaced) gives the latency below capacity.
 * That rate is a share of the capacity measured in the same run (BENCH_RATE_SHARE, 0.6), so a slower
 * or busier machine is not pushed past what it can take; BENCH_RATE (events/s) fixes it instead. The
 * JSON line holds the fixed-rate phase (eventsPerSec accepted, p50Ms, p99Ms, rateForLatency) plus
 * maxEventsPerSec.
 *
 * Baseline (absolute figures differ up to 3x between our machines, the ratio should not): each
 * full-load round is followed by a round of a bare kafkajs idempotent producer (`raw-producer.ts`)
 * writing the records ingest writes (same bytes, same key, the same `correlation-id` header, a topic
 * with the same partitions) to the same broker, `BENCH_CONNECTIONS × BENCH_BATCH` per request.
 * vsRawProducer = ingest's capacity / the baseline's events/s (medians). The CPU each side spends
 * per 1,000 events (ingest's process; the baseline's client) is printed and kept in the JSON line too.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (8),
 * BENCH_BATCH (500 events per request, as `npm run replay` posts; at most INGEST_MAX_EVENTS),
 * BENCH_RATE_SHARE (0.6 of the measured capacity), BENCH_RATE (events/s, instead of the share),
 * BENCH_CPU_PROF (a directory: profile the ingest process), BENCH_INGEST_NODE_ARGS (node flags for
 * ingest instead of those `npm start` gives it in `infra/scripts/services.ts`; '' for none),
 * INGEST_LATENCY_BUDGET_MS (0 here: no load shedding while capacity is measured), INGEST_TRANSACTIONS
 * and INGEST_TXN_PRODUCERS (passed to ingest: its defaults, transactions with one producer;
 * `INGEST_TRANSACTIONS=false` measures the idempotent producer), KAFKA_BROKERS (127.0.0.1:9092),
 * REDIS_URL (redis://127.0.0.1:6379).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Codecs, fraudIndicatorExamples, topicSpec } from '@fenghuo/contracts';
import { correlationHeaders, correlationIdOf, ensureTopics } from '@fenghuo/kit';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { nodeArgsOf } from '../../infra/scripts/services.ts';
import { KeyStore } from '../src/key-store.ts';
import { KIND_TOPIC } from '../src/kinds.ts';
import { RawProducerBaseline } from './raw-producer.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS = env('BENCH_SECONDS', 10);
const WARMUP = env('BENCH_WARMUP_SECONDS', 3);
const CONNECTIONS = env('BENCH_CONNECTIONS', 8);
/**
 * Events per request. Sources post batches: `npm run replay` posts 500 per request by default, and
 * a bank's feed posts what accumulated since its last post. At most INGEST_MAX_EVENTS (1,000).
 */
const BATCH = Math.round(env('BENCH_BATCH', 500));
const FIXED_RATE = process.env.BENCH_RATE === undefined ? undefined : env('BENCH_RATE', 1);
const RATE_SHARE = env('BENCH_RATE_SHARE', 0.6);
if (RATE_SHARE >= 1) throw new Error('BENCH_RATE_SHARE must be below 1 (a share of the capacity)');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// What ingest writes with (its own defaults: INGEST_TRANSACTIONS, INGEST_TXN_PRODUCERS).
const writer = /^(false|0|no|off)$/i.test(process.env.INGEST_TRANSACTIONS ?? '')
  ? 'idempotent producer, INGEST_TRANSACTIONS=false'
  : `transactions, ${process.env.INGEST_TXN_PRODUCERS ?? 1} transactional producer(s)`;

/**
 * How many records a read_committed consumer reads from `topic`, up to its high watermarks. Not the
 * high watermarks themselves: each transaction's commit marker takes an offset too.
 */
async function countCommitted(kafka: Kafka, topic: string, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter((p) => p.high !== p.low)
      .map((p) => [p.partition, Number(p.high)]),
  );
  await admin.disconnect();
  const positions = new Map<number, number>();
  let count = 0;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, maxBytesPerPartition: 8 << 20 });
  // Batches of markers only (no record to hand over) are reported here too.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    positions.set(
      payload.partition,
      Math.max(positions.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1),
    );
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition) ?? 0;
        count += batch.messages.filter((m) => Number(m.offset) < end).length;
      },
    });
    const deadline = Date.now() + 300_000;
    while ([...ends].some(([partition, high]) => (positions.get(partition) ?? 0) < high)) {
      if (Date.now() > deadline) throw new Error(`${topic} not read to its end within 300 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return count;
  } finally {
    await consumer.disconnect();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A call indicator with '@ID@' and '@SUBJECT@' (and '@AT@' when stamped) to fill in. */
function indicatorTemplate(stamp?: { source: string }): string[] {
  const template = JSON.stringify({
    ...fraudIndicatorExamples[0],
    eventId: '@ID@',
    subjectId: '@SUBJECT@',
    // What ingest adds to every event before writing it (validate-batch.ts).
    ...(stamp ? { source: stamp.source, receivedAt: '@AT@' } : {}),
  });
  return template.split(/@ID@|@SUBJECT@|@AT@/);
}

/** Bodies of BATCH call indicators with fresh event ids, built by string concatenation (cheap). */
function bodyFactory(runTag: string): () => string {
  const [a, b, c] = indicatorTemplate() as [string, string, string];
  let n = 0;
  return () => {
    const parts: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      n += 1;
      parts.push(`${a}${runTag}-${n}${b}res-${n % 50_000}${c}`);
    }
    return `[${parts.join(',')}]`;
  };
}

/**
 * The baseline's batches: the records ingest writes for those bodies (the event as sent plus the
 * `source` and `receivedAt` ingest stamps), keyed by subject as the topic binding says, each with
 * the `correlation-id` header ingest puts on every record (one request id per {@link BATCH} records,
 * as ingest has one per request).
 */
function recordFactory(runTag: string, source: string, size: number): () => Message[] {
  const [a, b, c, d] = indicatorTemplate({ source }) as [string, string, string, string];
  let n = 0;
  return () => {
    const at = new Date().toISOString();
    const messages: Message[] = [];
    let headers = correlationHeaders(randomUUID());
    for (let i = 0; i < size; i++) {
      n += 1;
      if (i > 0 && i % BATCH === 0) headers = correlationHeaders(randomUUID());
      const subject = `res-${n % 50_000}`;
      messages.push({ key: subject, value: `${a}${runTag}-${n}${b}${subject}${c}${at}${d}`, headers });
    }
    return messages;
  };
}

/**
 * Fails unless the baseline writes byte for byte what ingest writes for the same event: what ingest
 * does to an event (parse, stamp, encode with the contract's codec) is redone here once.
 */
function checkSameRecords(runTag: string, source: string): void {
  const body = JSON.parse(bodyFactory(runTag)()) as Record<string, unknown>[];
  const first = body[0]!;
  const record = recordFactory(runTag, source, 1)()[0]!;
  const receivedAt = JSON.parse(String(record.value)).receivedAt as string;
  const ingestWrites = Codecs.FraudIndicator.encode({ ...first, source, receivedAt } as never).toString();
  const id = correlationIdOf(record.headers);
  if (
    record.value !== ingestWrites ||
    record.key !== first.subjectId ||
    id === undefined ||
    id.length !== 36
  ) {
    throw new Error(`baseline record differs from ingest's:\n  ${String(record.value)}\n  ${ingestWrites}`);
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ingest exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('ingest did not become ready');
}

async function run(
  url: string,
  key: string,
  seconds: number,
  makeBody: () => string,
  requestsPerSec?: number,
) {
  return autocannon({
    url: `${url}/v1/fraud-indicators`,
    connections: CONNECTIONS,
    ...(requestsPerSec === undefined ? {} : { overallRate: requestsPerSec }),
    duration: seconds,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: makeBody() }) }],
  });
}

interface OpenLoopResult {
  readonly '2xx': number;
  readonly non2xx: number;
  readonly errors: number;
  readonly duration: number;
  readonly latency: { p50: number; p97_5: number; p99: number; max: number };
}

/**
 * Open-loop load: request i is due at start + i / rate, evenly spaced, whether or not earlier ones
 * have been answered; latency counts from the due time (no coordinated omission). autocannon's
 * `overallRate` fires every connection on the same tick, which measures its own bursts instead.
 */
async function openLoop(
  url: string,
  key: string,
  requestsPerSec: number,
  seconds: number,
  makeBody: () => string,
): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(requestsPerSec * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / requestsPerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = makeBody();
    const p = fetch(`${url}/v1/fraud-indicators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        latencies.push(performance.now() - due);
        if (res.status >= 200 && res.status < 300) ok += 1;
        else non2xx += 1;
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const duration = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
  return {
    '2xx': ok,
    non2xx,
    errors,
    duration,
    latency: { p50: pct(0.5), p97_5: pct(0.975), p99: pct(0.99), max: pct(1) },
  };
}

async function main(): Promise<void> {
  const prefix = `bench-ingest-${randomBytes(3).toString('hex')}.`;
  const kafka = new Kafka({ clientId: `${prefix}bench`, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect().catch(() => {
    throw new Error(`Kafka does not answer at ${brokers.join(',')}: run npm run infra:up`);
  });
  const topics = Object.values(KIND_TOPIC).map((t) => topicSpec(t)!);
  await ensureTopics(admin, topics, { prefix });
  // The baseline's topic: the same spec (partitions, configs) under its own prefix.
  const rawPrefix = `${prefix}raw.`;
  const rawSpec = topicSpec(KIND_TOPIC['fraud-indicators'])!;
  const rawTopic = `${rawPrefix}${rawSpec.name}`;
  await ensureTopics(admin, [rawSpec], { prefix: rawPrefix });
  const source = 'bench';
  checkSameRecords(prefix, source);

  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const keysFile = join(dir, 'keys.json');
  const key = new KeyStore(keysFile).addKey(source, { kinds: ['fraud-indicators'] }).key;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const log = join(dir, 'ingest.log');
  const out = openSync(log, 'a');
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the ingest process there (open in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  // Started as `npm start` starts it (its node flags), unless BENCH_INGEST_NODE_ARGS says otherwise.
  const nodeArgs =
    process.env.BENCH_INGEST_NODE_ARGS === undefined
      ? nodeArgsOf('ingest')
      : process.env.BENCH_INGEST_NODE_ARGS.split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...profile, ...nodeArgs, '--import', 'tsx', join(REPO_ROOT, 'ingest/src/index.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        INGEST_PORT: String(port),
        INGEST_KEYS_FILE: keysFile,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_CLIENT_ID: `${prefix}ingest`,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'info',
        // A million events make a million dedupe keys: keep them briefly, and drop them at the end.
        INGEST_DEDUPE_WINDOW_SEC: '600',
        // The bench measures the path's capacity, so shedding (a 503 past the latency budget) is off
        // unless INGEST_LATENCY_BUDGET_MS is set: a shed request would count as a failure here.
        INGEST_LATENCY_BUDGET_MS: process.env.INGEST_LATENCY_BUDGET_MS ?? '0',
      },
      stdio: ['ignore', out, out],
    },
  );

  const raw = new RawProducerBaseline({ brokers, clientId: `${prefix}raw`, topic: rawTopic });
  let result:
    | {
        bench: string;
        eventsPerSec: number;
        p50Ms: number;
        p99Ms: number;
        maxEventsPerSec: number;
        rawProducerEventsPerSec: number;
        vsRawProducer: number;
        rateForLatency: number;
        cpuMsPer1kEvents: number;
        rawProducerCpuMsPer1kEvents: number;
      }
    | undefined;
  try {
    await waitReady(url, child);
    await raw.connect();
    const cpu = cpus();
    console.log('ingest benchmark');
    console.log(
      `  machine  ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `  node     ${process.version}; Kafka ${brokers.join(',')} (acks=-1, ${writer}); Redis ${redisUrl}`,
    );
    console.log(
      `  load     autocannon, ${CONNECTIONS} connections, POST /v1/fraud-indicators, JSON batches of ${BATCH}, new event ids`,
    );
    console.log(`  service  ${url} (separate process, logs in ${log}); topics ${prefix}*`);
    console.log(
      '  baseline bare kafkajs idempotent producer in this process (acks=-1, 1 request in flight), ' +
        `the same records and correlation-id headers, ` +
        `${(CONNECTIONS * BATCH).toLocaleString('en')} per request, to ${rawTopic} (${rawSpec.partitions} partitions, as ingest's)`,
    );
    console.log(
      `  rounds   ${WARMUP} s warm-up each; ${ROUNDS} × ${SECONDS} s at full load (capacity), each followed by ${SECONDS} s ` +
        `of the baseline; then ${ROUNDS} × ${SECONDS} s at a fixed ` +
        (FIXED_RATE === undefined
          ? `${RATE_SHARE} of the capacity just measured`
          : `${FIXED_RATE.toLocaleString('en')} events/s`) +
        ' (latency below capacity); medians reported',
    );

    const makeBody = bodyFactory(prefix);
    // Same tag as ingest's event ids, so the records have the same sizes (another topic: no clash).
    const makeRecords = recordFactory(prefix, source, CONNECTIONS * BATCH);
    let ok2xx = 0;
    const warm = await run(url, key, WARMUP, makeBody);
    ok2xx += warm['2xx'];
    let rawAcked = (await raw.round(WARMUP, makeRecords)).acked;
    const rawRates: number[] = [];
    const rawCpu: number[] = [];
    /** One baseline round right after an ingest round, so both see the same machine. */
    const rawRound = async (i: number) => {
      const cpu0 = process.cpuUsage();
      const r = await raw.round(SECONDS, makeRecords);
      const cpu = process.cpuUsage(cpu0);
      rawAcked += r.acked;
      const rate = Math.round(r.acked / r.seconds);
      rawRates.push(rate);
      rawCpu.push((cpu.user + cpu.system) / 1000 / (r.acked / 1000));
      console.log(
        `  raw kafkajs ${i + 1}  ${rate.toLocaleString('en')} events/s  client CPU ${rawCpu.at(-1)!.toFixed(1)} ms per 1,000 events`,
      );
    };
    /** CPU seconds the ingest process has used so far (prom-client's process metrics). */
    const ingestCpuSeconds = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/process_cpu_seconds_total\{[^}]*\} ([\d.e+-]+)/.exec(text)?.[1] ?? Number.NaN);
    };
    const ingestCpu: number[] = [];
    type Round = { eventsPerSec: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number };
    const phase = async (
      label: string,
      requestsPerSec?: number,
      after?: (i: number) => Promise<void>,
    ): Promise<Round[]> => {
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const cpu0 = await ingestCpuSeconds();
        const loadCpu0 = process.cpuUsage();
        const r =
          requestsPerSec === undefined
            ? await run(url, key, SECONDS, makeBody)
            : await openLoop(url, key, requestsPerSec, SECONDS, makeBody);
        ok2xx += r['2xx'];
        const round = {
          eventsPerSec: Math.round((r['2xx'] * BATCH) / (r.duration || SECONDS)),
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + ('timeouts' in r ? Number(r.timeouts) : 0),
        };
        rounds.push(round);
        const loadCpu = process.cpuUsage(loadCpu0);
        const per1k = (ms: number) => ms / ((r['2xx'] * BATCH) / 1000);
        const cpuMsPer1k = per1k(((await ingestCpuSeconds()) - cpu0) * 1000);
        if (requestsPerSec === undefined) ingestCpu.push(cpuMsPer1k);
        console.log(
          `  ${label} ${i + 1}  ${round.eventsPerSec.toLocaleString('en')} events/s (${Math.round(r['2xx'] / (r.duration || SECONDS))} req/s)  p50 ${round.p50Ms} ms  p97.5 ${r.latency.p97_5} ms  p99 ${round.p99Ms} ms  max ${r.latency.max} ms  non-2xx ${round.non2xx}  errors ${round.errors}  CPU per 1,000 events: ingest ${cpuMsPer1k.toFixed(1)} ms, load generator ${per1k((loadCpu.user + loadCpu.system) / 1000).toFixed(1)} ms`,
        );
        await after?.(i);
      }
      return rounds;
    };
    const capacity = await phase('full load', undefined, rawRound);
    const measured = median(capacity.map((r) => r.eventsPerSec));
    // Whole requests per second (BATCH events each).
    const rate = Math.max(BATCH, Math.round((FIXED_RATE ?? measured * RATE_SHARE) / BATCH) * BATCH);
    const target = await phase(`at ${(rate / 1000).toFixed(1)}k/s`, rate / BATCH);
    const rounds = [...capacity, ...target];
    console.log(
      `  capacity median ${median(capacity.map((r) => r.eventsPerSec)).toLocaleString('en')} events/s ` +
        `(p50 ${median(capacity.map((r) => r.p50Ms))} ms, p99 ${median(capacity.map((r) => r.p99Ms))} ms with ${CONNECTIONS} requests always in flight)`,
    );
    const maxEventsPerSec = measured;
    const rawProducerEventsPerSec = median(rawRates);
    const vsRawProducer = Number((maxEventsPerSec / rawProducerEventsPerSec).toFixed(3));
    console.log(
      `  baseline median ${rawProducerEventsPerSec.toLocaleString('en')} events/s (bare kafkajs); ` +
        `ingest's capacity / baseline = ${vsRawProducer} (vsRawProducer)`,
    );
    console.log(
      `  CPU      ingest ${median(ingestCpu).toFixed(1)} ms per 1,000 events at full load (its process), ` +
        `baseline ${median(rawCpu).toFixed(1)} ms (this process: kafkajs); medians`,
    );
    console.log(
      `  at ${rate.toLocaleString('en')} events/s median ${median(target.map((r) => r.eventsPerSec)).toLocaleString('en')} events/s accepted, ` +
        `p50 ${median(target.map((r) => r.p50Ms))} ms, p99 ${median(target.map((r) => r.p99Ms))} ms`,
    );

    // autocannon drops requests still in flight when a round ends; the server wrote those too, so
    // compare Kafka with the server's own count of accepted events, and the clients' 202s with both.
    // Requests cut off at the end of a round may still be in flight in ingest: wait until its
    // accepted count stops moving, then compare it with Kafka.
    const acceptedNow = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return {
        text,
        n: Number(
          /ingest_events_total\{kind="fraud-indicators",outcome="accepted"[^}]*\} (\d+)/.exec(text)?.[1] ??
            -1,
        ),
      };
    };
    let { text: metrics, n: accepted } = await acceptedNow();
    for (let settled = false; !settled; ) {
      await new Promise((r) => setTimeout(r, 500));
      const next = await acceptedNow();
      settled = next.n === accepted;
      ({ text: metrics, n: accepted } = next);
    }
    const inKafka = await countCommitted(
      kafka,
      `${prefix}${KIND_TOPIC['fraud-indicators']}`,
      `${prefix}check`,
    );
    const answered = ok2xx * BATCH;
    const rawInKafka = (await admin.fetchTopicOffsets(rawTopic)).reduce((s, p) => s + Number(p.high), 0);
    const consistent = accepted === inKafka && answered <= inKafka && rawInKafka === rawAcked;
    console.log(
      `  check    ${inKafka.toLocaleString('en')} records in Kafka, ${accepted.toLocaleString('en')} accepted by ingest, ` +
        `${answered.toLocaleString('en')} answered 202 before the rounds ended; baseline ${rawInKafka.toLocaleString('en')} ` +
        `records in Kafka, ${rawAcked.toLocaleString('en')} acknowledged${consistent ? ' (consistent)' : ' (MISMATCH)'}`,
    );
    const rss = /process_resident_memory_bytes\{[^}]*\} (\d+)/.exec(metrics)?.[1];
    if (rss) console.log(`  memory   ingest RSS ${(Number(rss) / 2 ** 20).toFixed(0)} MiB at the end`);

    // The JSON figures come from the same rounds: the sustained rate at the target and its latency.
    // The full-load capacity is printed above (and in maxEventsPerSec).
    result = {
      bench: 'ingest',
      eventsPerSec: median(target.map((r) => r.eventsPerSec)),
      p50Ms: median(target.map((r) => r.p50Ms)),
      p99Ms: median(target.map((r) => r.p99Ms)),
      maxEventsPerSec,
      rawProducerEventsPerSec,
      vsRawProducer,
      rateForLatency: rate,
      cpuMsPer1kEvents: Number(median(ingestCpu).toFixed(2)),
      rawProducerCpuMsPer1kEvents: Number(median(rawCpu).toFixed(2)),
    };
    if (!consistent || rounds.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
  } finally {
    await raw.close().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin
      .deleteTopics({ topics: [...topics.map((t) => `${prefix}${t.name}`), rawTopic] })
      .catch(() => {});
    await admin.disconnect();
    const redis = new Redis(redisUrl);
    try {
      let dropped = 0;
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 5000 }) as AsyncIterable<
        string[]
      >) {
        if (keys.length > 0) dropped += await redis.unlink(...keys);
      }
      console.log(`  cleanup  deleted topics ${prefix}* and ${dropped.toLocaleString('en')} dedupe keys`);
    } finally {
      redis.disconnect();
    }
  }
  // Last line, for tools.
  if (result) console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
