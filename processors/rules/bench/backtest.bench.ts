/**
 * `npm run bench:backtest`: a backtest's speed over recorded indicators in Kafka, against a bare
 * kafkajs read of the same records in the same run.
 *
 * BENCH_EVENTS indicators (default 1,000,000) about BENCH_SUBJECTS residents (default 100,000),
 * spread over 30 days of event time (listed and unlisted calls, scam SMS, remote-control apps,
 * transfers), are written to a fresh `fraud.indicators` topic (12 partitions). Then, in turn:
 * - raw: a bare kafkajs consumer reads every record of the topic from the start and counts them;
 * - backtest: what `POST /api/rules/backtests` runs: the records of the time range read back by
 *   timestamp, decoded with the contract's codec, and scored by two versions side by side (the
 *   built-in pack as baseline, a stricter draft as candidate), each in the in-memory engine with
 *   scratch state and the events' own clock, then the report. Decoding and scoring run in
 *   BENCH_WORKERS worker threads (default 2, as `RULES_BACKTEST_WORKERS`), the partitions split
 *   between them; BENCH_WORKERS=0 runs them in the reading thread.
 * `eventsPerSec` = events ÷ backtest time (read, decode, both versions, report);
 * `vsRawKafkaRead` = that ÷ the raw read's records/s; `vsRawKafkaReadCpu` the same by CPU time (every
 * thread of the process), steadier on a shared machine. The bench topics are deleted at the end,
 * unless BENCH_KEEP=1; BENCH_REUSE=<prefix> reads a kept topic again instead of writing one.
 *
 * Prints the figures and the machine, and ends with one JSON line:
 *   {"bench":"backtest","events":…,"eventsPerSec":…,"rawKafkaReadPerSec":…,"vsRawKafkaRead":…,…}
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { type FraudIndicator, type FraudRuleSet, TOPICS, Topic } from '@fenghuo/contracts';
import { builtinRuleSet, compileRuleSet } from '@fenghuo/engine';
import { app, call, sms, transfer } from '@fenghuo/engine/test-support';
import { createLogger, ensureTopics, noDelaySocketFactory } from '@fenghuo/kit';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { BacktestPool } from '../src/backtest/pool.ts';
import { BacktestRun } from '../src/backtest/runner.ts';
import { kafkaIndicators } from '../src/backtest/sources.ts';
import { backtestWorkerEntry } from '../src/backtest/worker-entry.ts';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const PARTITIONS = 12;
const DAYS = 30;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

/** BENCH_REUSE=<prefix>: read the topic a run with BENCH_KEEP=1 left (written again if empty). */
const REUSE = process.env.BENCH_REUSE;
const KEEP = process.env.BENCH_KEEP === '1' || REUSE !== undefined;
const prefix = REUSE ?? `bench-backtest-${randomBytes(3).toString('hex')}.`;
const topic = `${prefix}${Topic.FraudIndicators}`;
const logger = createLogger({ service: 'bench-backtest', level: 'warn' });
const kafka = new Kafka({
  clientId: 'bench-backtest',
  brokers: BROKERS,
  logLevel: logLevel.WARN,
  socketFactory: noDelaySocketFactory,
});
const say = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** CPU time of this process (every thread) since `from`, in ms. */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return Math.round((d.user + d.system) / 1000);
};

/** The i-th indicator: a resident's history over 30 days, some of them scam timelines. */
function indicator(i: number): FraudIndicator {
  const subject = `r-${i % SUBJECTS}`;
  const min = Math.floor((i / TOTAL) * DAYS * 24 * 60);
  const scam = i % SUBJECTS < SUBJECTS / 20; // one resident in 20 gets scam contact
  const step = Math.floor(i / SUBJECTS) % 5;
  if (!scam) {
    return step % 2 === 0
      ? call(subject, min, { callerListed: false, callerNumber: `138${String(i % 1e8).padStart(8, '0')}` })
      : sms(subject, min, '您的快递已到，请凭取件码取件');
  }
  switch (step) {
    case 0:
    case 1:
      return call(subject, min);
    case 2:
      return sms(subject, min, '【公安局】您涉嫌洗钱案件，请配合调查，将资金转入安全账户');
    case 3:
      return app(subject, min, { appName: 'AnyDesk' });
    default:
      return transfer(subject, min, 5_000 + (i % 50_000));
  }
}

async function writeIndicators(): Promise<{ fromMs: number; toMs: number; ms: number }> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const fromMs = Date.now() - 1;
  const started = Date.now();
  const BATCH = 5_000;
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < TOTAL; i += BATCH) {
    const messages: Message[] = [];
    for (let j = i; j < Math.min(TOTAL, i + BATCH); j++) {
      const e = indicator(j);
      messages.push({ key: e.subjectId, value: JSON.stringify(e) });
    }
    inFlight.push(producer.send({ topic, messages, acks: 1 }));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  return { fromMs, toMs: Date.now() + 1, ms: Date.now() - started };
}

/** Every record of the topic, counted by a bare kafkajs consumer. */
async function rawRead(): Promise<{ records: number; ms: number; cpuMs: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const consumer = kafka.consumer({
    groupId: `${prefix}raw-${randomBytes(3).toString('hex')}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let records = 0;
  const left = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        records += batch.messages.length;
        if (BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n))
          left.delete(batch.partition);
        if (left.size === 0) resolve();
      },
    });
  });
  const ms = Date.now() - started;
  const cpuMs = cpuMsSince(cpu0);
  await consumer.disconnect();
  return { records, ms, cpuMs };
}

async function backtest(fromMs: number, toMs: number) {
  const stricter: FraudRuleSet = {
    ...builtinRuleSet,
    ruleSetVersion: builtinRuleSet.ruleSetVersion + 1,
    levels: { notice: 50, warning: 80, urgent: 110 },
  };
  const versions = {
    candidate: { rules: compileRuleSet(stricter), label: 'stricter draft' },
    baseline: { rules: compileRuleSet(builtinRuleSet), label: 'built-in (live)' },
    labels: [],
  };
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  // As the service's first backtest: the workers' bundle is built (the service keeps it for the
  // next ones), the workers start and compile the versions, all within the timed run.
  const entry = WORKERS > 0 ? await backtestWorkerEntry() : undefined;
  const pool = entry === undefined ? undefined : new BacktestPool({ ...versions, workers: WORKERS, entry });
  const run = pool ?? new BacktestRun(versions);
  await pool?.ready();
  let planned = 0;
  await kafkaIndicators(
    { kafka, topicPrefix: prefix, logger },
    fromMs,
    toMs,
  )({
    onPlan: (n) => {
      planned = n;
    },
    onBatch: (batch) => run.score(batch),
    ...(pool === undefined
      ? {}
      : { onRecords: (records) => pool.scoreRecords(records), onPacked: (batch) => pool.scorePacked(batch) }),
    isCancelled: () => false,
  });
  const report = await run.finish();
  return { ms: Date.now() - started, cpuMs: cpuMsSince(cpu0), planned, report, entry: entry?.kind };
}

async function main() {
  say(`bench:backtest — ${fmt(TOTAL)} indicators about ${fmt(SUBJECTS)} residents over ${DAYS} days`);
  say(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(
    admin,
    TOPICS.filter((t) => t.name === Topic.FraudIndicators).map((t) => ({ ...t, partitions: PARTITIONS })),
    { prefix },
  );
  try {
    const held = (await admin.fetchTopicOffsets(topic)).reduce(
      (n, p) => n + Number(p.high) - Number(p.low),
      0,
    );
    const written = held > 0 ? { fromMs: 0, toMs: Date.now() + 1, ms: 0 } : await writeIndicators();
    say(
      held > 0
        ? `reused: ${fmt(held)} records of ${topic}`
        : `written: ${fmt(TOTAL)} in ${(written.ms / 1000).toFixed(1)} s (${fmt((TOTAL / written.ms) * 1000)}/s)`,
    );
    const raw = await rawRead();
    const rawPerSec = (raw.records / raw.ms) * 1000;
    say(
      `raw kafkajs read: ${fmt(raw.records)} records in ${(raw.ms / 1000).toFixed(1)} s (${fmt(rawPerSec)}/s), ${(raw.cpuMs / 1000).toFixed(1)} s of CPU`,
    );
    const bt = await backtest(written.fromMs, written.toMs);
    const r = bt.report;
    const perSec = (r.events / bt.ms) * 1000;
    say(
      `backtest: ${fmt(r.events)} of ${fmt(bt.planned)} planned in ${(bt.ms / 1000).toFixed(1)} s (${fmt(perSec)}/s), ${(bt.cpuMs / 1000).toFixed(1)} s of CPU; ` +
        `live ${fmt(r.baseline.alerts)} alerts, draft ${fmt(r.candidate.alerts)}, dropped ${fmt(r.droppedTotal)}, added ${fmt(r.addedTotal)}`,
    );
    const ratio = perSec / rawPerSec;
    say(
      `vsRawKafkaRead: ${ratio.toFixed(2)} (targets: >= 100,000 events/s, >= 0.5); ${WORKERS === 0 ? 'scored in the reading thread' : `${WORKERS} worker threads`}`,
    );
    const load = loadavg().map((l) => Number(l.toFixed(2)));
    say(`load average at end: ${load.join(' ')}`);
    console.log(
      JSON.stringify({
        bench: 'backtest',
        events: r.events,
        subjects: SUBJECTS,
        eventsPerSec: Math.round(perSec),
        rawKafkaReadPerSec: Math.round(rawPerSec),
        vsRawKafkaRead: Number(ratio.toFixed(3)),
        backtestMs: bt.ms,
        rawReadMs: raw.ms,
        backtestCpuMs: bt.cpuMs,
        rawReadCpuMs: raw.cpuMs,
        vsRawKafkaReadCpu: Number((r.events / bt.cpuMs / (raw.records / raw.cpuMs)).toFixed(3)),
        liveAlerts: r.baseline.alerts,
        draftAlerts: r.candidate.alerts,
        workers: WORKERS,
        workerEntry: bt.entry ?? 'none',
        cpus: cpus().length,
        loadAvg: load,
      }),
    );
  } finally {
    if (KEEP) say(`kept ${topic}: BENCH_REUSE=${prefix} reads it again (delete it when done)`);
    else await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
