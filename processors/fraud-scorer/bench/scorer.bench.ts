/**
 * `npm run bench:scorer`: fraud-scorer throughput and latency through the real broker and Redis,
 * with three ratios measured in the same run on the same data, which travel between machines:
 *
 * 1. Engine vs json-rules-engine (in process): the 50 rules as stateless match rules over the
 *    bench's indicators, our compiled engine vs the npm package json-rules-engine with equivalent
 *    rules (json-rules-engine-baseline.ts); both must name the same rules for every indicator.
 *    `vsJsonRulesEngine` = ours ÷ theirs (indicators/s).
 * 1b. Text model cost (in process, model-throughput.ts): the built-in pack with and without its text
 *    model on the same indicators, every call with a transcript: `modelThroughputRatio` = with ÷
 *    without (indicators/s). The throughput runs below use the 50 rules with their model conditions.
 * 2. Throughput: 1 (and, separately, 2) scorer processes join a fresh consumer group on fresh
 *    topics with a 50-rule set (published on `rules.sets`); once the group is stable,
 *    BENCH_INDICATORS indicators about BENCH_SUBJECTS distinct subjects are written to
 *    `fraud.indicators` as fast as the producer goes. indicators/s = indicators ÷ time from the first
 *    write to the last offset commit; a scorer commits a batch only after its alerts are
 *    acknowledged on `alerts.raised`. In the same rounds, on the same indicators:
 *    - a bare kafkajs consume-and-produce loop (raw-kafka-loop.ts, one process, the scorer's consumer
 *      settings): `vsRawKafka` = scorer ÷ raw loop;
 *    - one scorer with the same indicators about 10 residents only: `hotSubjectRatio` = that ÷ the
 *      spread run (a busy resident must not slow everyone).
 *    Each figure is the median of BENCH_RUNS runs.
 * 3. Latency: one scorer, indicators produced at BENCH_RATE/s; every 20th is a call from a
 *    deny-listed number about a fresh subject, which raises an alert at once; latency = arrival of
 *    that alert on `alerts.raised` − the moment its indicator was handed to the producer.
 *
 * Prints the figures and the machine, and ends with one JSON line:
 *   {"bench":"scorer","indicatorsPerSec":…,"vsRawKafka":…,"hotSubjectRatio":…,"vsJsonRulesEngine":…,"modelThroughputRatio":…,…}
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type Alert,
  bindingFor,
  Codecs,
  type FraudIndicator,
  type FraudRuleSet,
  TOPICS,
  Topic,
} from '@fenghuo/contracts';
import { builtinRuleSet, withoutTextModels } from '@fenghuo/engine';
import { createLogger, ensureTopics, noDelaySocketFactory } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { nodeArgsOf } from '../../../infra/scripts/services.ts';
import { compareEngines } from './json-rules-engine-baseline.ts';
import { measureModelThroughput } from './model-throughput.ts';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOTAL = Number(process.env.BENCH_INDICATORS ?? 200_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 3_000);
const LATENCY_SEC = Number(process.env.BENCH_LATENCY_SEC ?? 20);
const RULES = 50;
const HOT_SUBJECTS = 10;
const ENGINE_INDICATORS = Number(process.env.BENCH_ENGINE_INDICATORS ?? 5_000);

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const rawEntry = fileURLToPath(new URL('./raw-kafka-loop.ts', import.meta.url));
const runId = randomBytes(3).toString('hex');
const logger = createLogger({ service: 'bench-scorer', level: 'warn' });
const kafka = new Kafka({
  clientId: 'bench-scorer',
  brokers: BROKERS,
  logLevel: logLevel.WARN,
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

/** The built-in pack cut to exactly 50 rules, published as a newer version of the same rule set. */
function benchRuleSet(): FraudRuleSet {
  const rs: FraudRuleSet = {
    ...builtinRuleSet,
    ruleSetVersion: builtinRuleSet.ruleSetVersion + 1,
    publishedBy: 'bench',
    rules: builtinRuleSet.rules.slice(0, RULES),
    lists: { ...builtinRuleSet.lists, deny: { ...builtinRuleSet.lists.deny, numbers: ['17099990000'] } },
  };
  if (rs.rules.length !== RULES) throw new Error(`pack has ${rs.rules.length} rules, need ${RULES}`);
  return rs;
}

const TEXTS = [
  '【商城】年终大促全场五折起，会员积分翻倍，回TD退订',
  '您的快递已到达驿站，请凭取件码领取。',
  '您本月话费账单已出，详询营业厅。',
  '您好，我是市公安局民警，您的银行卡涉嫌洗钱案件，需要配合调查，请转入安全账户。',
  '你好，我是贷款公司信贷员，无抵押低息贷款，放款前需要先交保证金解冻。',
  '您好，我是淘宝客服，商品有质量问题给您退款，请下载会议软件开启屏幕共享。',
  '明天下午三点开会，请准时参加。',
  '亲，您关注的商品降价了，限时特价，点击查看。',
];

let seq = 0;
function indicator(subject: number, t: number, prefix: string): FraudIndicator {
  const base = {
    version: 1 as const,
    eventId: `${prefix}-${++seq}`,
    occurredAt: new Date(t).toISOString(),
    subjectId: `b${subject}`,
  };
  const r = seq % 20;
  if (r < 8) {
    return {
      ...base,
      kind: 'call',
      callerNumber: `170${String(seq % 100_000_000).padStart(8, '0')}`,
      direction: 'inbound',
      durationSec: 60 + (seq % 600),
      callerListed: r < 2,
    };
  }
  if (r < 13)
    return { ...base, kind: 'sms', senderNumber: '10659000123', text: TEXTS[seq % TEXTS.length] as string };
  if (r < 15) {
    return {
      ...base,
      kind: 'app_install',
      appId: `com.app${seq % 50}`,
      appName: `App${seq % 50}`,
      category: seq % 7 === 0 ? 'remote_control' : 'other',
    };
  }
  return {
    ...base,
    kind: 'transfer',
    amount: 100 + (seq % 60_000),
    currency: 'CNY',
    payeeAccount: `6222${seq % 10_000}`,
    payeeNew: seq % 3 === 0,
    channel: 'bank_app',
  };
}

function encode(ind: FraudIndicator): Message {
  const b = bindingFor(Topic.FraudIndicators);
  return { key: b.key(ind), value: Codecs.FraudIndicator.encode(ind) };
}

/** Deletes this run's topics (every catalogue topic under `prefix`). */
async function deleteTopics(prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } catch (err) {
    say(`  (could not delete topics under ${prefix}: ${(err as Error).message})`);
  } finally {
    await admin.disconnect();
  }
}

async function createTopics(prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TOPICS, { prefix });
  } finally {
    await admin.disconnect();
  }
}

function startScorer(prefix: string, group: string, redisPrefix: string): ChildProcess {
  // Started with the node flags `npm start` uses, unless BENCH_SCORER_NODE_ARGS says otherwise.
  const extra =
    process.env.BENCH_SCORER_NODE_ARGS === undefined
      ? nodeArgsOf('fraud-scorer')
      : process.env.BENCH_SCORER_NODE_ARGS.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', entry], {
    env: {
      ...process.env,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      SCORER_GROUP_ID: group,
      SCORER_OPS_PORT: process.env.SCORER_OPS_PORT ?? '0',
      SCORER_PARTITIONS_CONCURRENTLY: process.env.SCORER_PARTITIONS_CONCURRENTLY ?? '12',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.pipe(process.stderr); // scorer logs (warn and above) stay off the bench's stdout
  return child;
}

/** The bare kafkajs loop, as its own process, on the same topics with the scorer's consumer settings. */
function startRawLoop(prefix: string, group: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', rawEntry], {
    env: {
      ...process.env,
      KAFKA_BROKERS: BROKERS.join(','),
      RAW_IN_TOPIC: `${prefix}${Topic.FraudIndicators}`,
      RAW_OUT_TOPIC: `${prefix}${Topic.AlertsRaised}`,
      RAW_GROUP_ID: group,
      RAW_PARTITIONS_CONCURRENTLY: process.env.SCORER_PARTITIONS_CONCURRENTLY ?? '12',
      ...(process.env.SCORER_MAX_BYTES_PER_PARTITION === undefined
        ? {}
        : { RAW_MAX_BYTES_PER_PARTITION: process.env.SCORER_MAX_BYTES_PER_PARTITION }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.pipe(process.stderr);
  return child;
}

async function stopAll(children: ChildProcess[]) {
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

async function publishRules(producer: ReturnType<Kafka['producer']>, prefix: string) {
  const rs = benchRuleSet();
  const checked = Codecs.RuleSet.validate(rs);
  if (!checked.ok) throw new Error(`bench rule set invalid: ${JSON.stringify(checked.errors)}`);
  await producer.send({
    topic: `${prefix}${Topic.RulesSets}`,
    acks: -1,
    messages: [{ key: rs.ruleSetId, value: Codecs.RuleSet.encode(rs) }],
  });
}

/** A producer per run: kafkajs keeps refreshing metadata of every topic it sent to, even deleted ones. */
async function newProducer() {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

type RunKind = 'scorer' | 'raw' | 'hot';

async function throughputRun(
  messages: readonly Message[][],
  instances: number,
  run: number,
  kind: RunKind = 'scorer',
): Promise<number> {
  const tag = `${kind}-${instances}x${run}`;
  const prefix = `bench-${runId}-${tag}.`;
  const group = `bench-${runId}-${tag}`;
  const redisPrefix = `bench:${runId}:${tag}:`;
  await createTopics(prefix);
  const producer = await newProducer();
  await publishRules(producer, prefix);
  const admin = kafka.admin();
  await admin.connect();
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < instances; i++)
      children.push(kind === 'raw' ? startRawLoop(prefix, group) : startScorer(prefix, group, redisPrefix));
    const topic = `${prefix}${Topic.FraudIndicators}`;
    const committed = async () => {
      const offs = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      let sum = 0;
      for (const t of offs) for (const p of t.partitions) sum += Math.max(0, Number(p.offset));
      return sum;
    };
    // Every instance must be in the stable group before the first indicator is written, so the
    // clock covers only producing and scoring (not process start-up or group joins).
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { groups } = await admin.describeGroups([group]);
      const g = groups[0];
      if (g !== undefined && g.state === 'Stable' && g.members.length === instances) break;
      if (Date.now() > deadline) throw new Error(`group ${group} never had ${instances} members`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const t0 = performance.now();
    const sending = (async () => {
      for (const chunk of messages) await producer.send({ topic, acks: -1, messages: [...chunk] });
    })();
    let last = { t: 0, n: 0 };
    while (Date.now() < deadline) {
      const n = await committed();
      const t = performance.now();
      if (n > last.n) last = { t, n };
      if (n >= TOTAL) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await sending;
    if (last.n < TOTAL) throw new Error(`run stalled at ${last.n}/${TOTAL}`);
    const secs = (last.t - t0) / 1000;
    const perSec = TOTAL / secs;
    const what =
      kind === 'raw'
        ? 'bare kafkajs loop'
        : kind === 'hot'
          ? `${instances} scorer(s), ${HOT_SUBJECTS} residents`
          : `${instances} scorer(s)`;
    say(
      `  ${what}, run ${run + 1}: ${Math.round(perSec).toLocaleString('en-US')} indicators/s (${TOTAL.toLocaleString('en-US')} in ${secs.toFixed(2)} s)`,
    );
    return perSec;
  } finally {
    await stopAll(children);
    await producer.disconnect();
    await admin.disconnect();
    await cleanRedis(redisPrefix);
    await deleteTopics(prefix);
  }
}

async function latencyRun(): Promise<number[]> {
  const prefix = `bench-${runId}-lat.`;
  await createTopics(prefix);
  const producer = await newProducer();
  await publishRules(producer, prefix);
  const redisPrefix = `bench:${runId}:lat:`;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const latencyAt: [number, number][] = [];
  const consumer = kafka.consumer({ groupId: `bench-${runId}-lat-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${Topic.AlertsRaised}`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const now = performance.now();
      if (!message.value) return;
      const alert = JSON.parse(message.value.toString()) as Alert;
      for (const e of alert.evidence) {
        const t = sentAt.get(e.eventId);
        if (t !== undefined) {
          latencies.push(now - t);
          latencyAt.push([t, now - t]);
          sentAt.delete(e.eventId);
        }
      }
    },
  });
  const child = startScorer(prefix, `bench-${runId}-lat`, redisPrefix);
  if (process.env.BENCH_ONLY_LATENCY === '1') say('  (latency only)');
  try {
    // Warm up: wait until the scorer answers a trigger.
    const warm = deniedCall(0, Date.now(), 'warm');
    sentAt.set(warm.eventId, performance.now());
    await producer.send({ topic: `${prefix}${Topic.FraudIndicators}`, acks: -1, messages: [encode(warm)] });
    const warmDeadline = Date.now() + 120_000;
    while (latencies.length === 0 && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 50));
    latencies.length = 0;

    const tickMs = 50;
    const perTick = Math.round((RATE * tickMs) / 1000);
    const ticks = Math.round((LATENCY_SEC * 1000) / tickMs);
    const start = performance.now();
    let triggers = 0;
    for (let k = 0; k < ticks; k++) {
      const target = start + k * tickMs;
      const wait = target - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const msgs: Message[] = [];
      const now = Date.now();
      const stamped: string[] = [];
      for (let i = 0; i < perTick; i++) {
        const n = k * perTick + i;
        if (n % 20 === 0) {
          const ind = deniedCall(++triggers, now, 'lat');
          stamped.push(ind.eventId);
          msgs.push(encode(ind));
        } else {
          msgs.push(encode(indicator(n % SUBJECTS, now, 'lat')));
        }
      }
      const t = performance.now();
      for (const id of stamped) sentAt.set(id, t);
      void producer.send({ topic: `${prefix}${Topic.FraudIndicators}`, acks: -1, messages: msgs });
    }
    const drainDeadline = Date.now() + 30_000;
    while (latencies.length < triggers && Date.now() < drainDeadline)
      await new Promise((r) => setTimeout(r, 100));
    say(
      `  latency: ${latencies.length}/${triggers} triggered alerts measured at ${RATE}/s for ${LATENCY_SEC} s`,
    );
    const slices: string[] = [];
    for (let k = 0; k < LATENCY_SEC; k += 5) {
      const inSlice = latencyAt
        .filter(([t]) => t >= start + k * 1000 && t < start + (k + 5) * 1000)
        .map(([, l]) => l);
      if (inSlice.length > 0) {
        slices.push(
          `${k}-${k + 5} s p50 ${percentile(inSlice, 50).toFixed(0)} p99 ${percentile(inSlice, 99).toFixed(0)} ms`,
        );
      }
    }
    say(`  by time: ${slices.join('; ')}`);
    return latencies;
  } finally {
    await stopAll([child]);
    await producer.disconnect();
    await consumer.disconnect();
    await cleanRedis(redisPrefix);
    await deleteTopics(prefix);
  }
}

function deniedCall(n: number, t: number, tag: string): FraudIndicator {
  return {
    version: 1,
    eventId: `${tag}-trigger-${runId}-${n}`,
    occurredAt: new Date(t).toISOString(),
    subjectId: `trigger-${runId}-${tag}-${n}`,
    kind: 'call',
    callerNumber: '17099990000',
    direction: 'inbound',
    durationSec: 120,
  };
}

async function main() {
  const cpu = cpus();
  say(
    `bench:scorer — ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  say(
    `kafka ${BROKERS.join(',')}, redis ${REDIS_URL}; ${TOTAL.toLocaleString('en-US')} indicators, ${SUBJECTS.toLocaleString('en-US')} subjects, ${RULES} rules, ${RUNS} runs each`,
  );
  say(
    'mix: 40% calls (1 in 4 from listed numbers), 25% SMS (3 of 8 texts scam-like), 10% app installs, 25% transfers;',
  );
  say('     about 1 indicator in 9 raises or upgrades an alert (a heavy alert load)');
  say('(the machine is shared: other processes compete for the same cores)');
  const t = Date.now();
  const indicators: FraudIndicator[] = [];
  for (let j = 0; j < TOTAL; j++) indicators.push(indicator(j % SUBJECTS, t + j, 'thr'));
  const chunked = (list: readonly FraudIndicator[]) => {
    const out: Message[][] = [];
    for (let i = 0; i < list.length; i += 5_000) out.push(list.slice(i, i + 5_000).map(encode));
    return out;
  };
  const messages = chunked(indicators);
  // The same indicators (ids, kinds, times, values) about 10 residents only.
  const hotMessages = chunked(indicators.map((ind, j) => ({ ...ind, subjectId: `h${j % HOT_SUBJECTS}` })));
  const skip = process.env.BENCH_ONLY_LATENCY === '1';

  say(`engine vs json-rules-engine (in process, ${RULES} rules as stateless match rules):`);
  // json-rules-engine has no text model: both engines get the 50 rules without their model conditions.
  const cmp = await compareEngines(withoutTextModels(benchRuleSet()), indicators.slice(0, ENGINE_INDICATORS));
  if (cmp.agreeing !== cmp.indicators)
    throw new Error(`engines disagree on ${cmp.indicators - cmp.agreeing} of ${cmp.indicators} indicators`);
  const vsJsonRulesEngine = cmp.oursPerSec / cmp.theirsPerSec;
  say(
    `  both name the same rules for all ${cmp.indicators.toLocaleString('en-US')} indicators (${cmp.matches.toLocaleString('en-US')} matches); ours ${Math.round(cmp.oursPerSec).toLocaleString('en-US')}/s, json-rules-engine ${Math.round(cmp.theirsPerSec).toLocaleString('en-US')}/s: ${vsJsonRulesEngine.toFixed(1)}x`,
  );

  say(
    'text model cost (in process, the built-in pack with and without its model, every call with a transcript):',
  );
  const mt = measureModelThroughput(indicators.slice(0, ENGINE_INDICATORS), TEXTS);
  const modelThroughputRatio = Math.round((mt.withModelPerSec / mt.withoutModelPerSec) * 100) / 100;
  say(
    `  ${mt.indicators.toLocaleString('en-US')} indicators (${mt.withText.toLocaleString('en-US')} with a text): with the model ${Math.round(mt.withModelPerSec).toLocaleString('en-US')}/s, without ${Math.round(mt.withoutModelPerSec).toLocaleString('en-US')}/s: modelThroughputRatio ${modelThroughputRatio} (target >= 0.5)`,
  );

  say('throughput (consumers joined first, then the indicators are written as fast as possible):');
  const one: number[] = [];
  const raw: number[] = [];
  const hot: number[] = [];
  const two: number[] = [];
  // Interleaved, and in a rotating order, so a change in what else runs on the machine (or the broker
  // still deleting the previous run's topics) hits every kind alike.
  const kinds = ['scorer', 'raw', 'hot'] as const;
  for (let r = 0; r < RUNS && !skip; r++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(k + r) % kinds.length] as (typeof kinds)[number];
      const perSec = await throughputRun(kind === 'hot' ? hotMessages : messages, 1, r, kind);
      (kind === 'scorer' ? one : kind === 'raw' ? raw : hot).push(perSec);
    }
  }
  const onlyOne = process.env.BENCH_ONLY_ONE === '1';
  for (let r = 0; r < RUNS && !skip && !onlyOne; r++) two.push(await throughputRun(messages, 2, r));
  const lat = await latencyRun();
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const result = {
    bench: 'scorer',
    indicatorsPerSec: Math.round(median(one)),
    indicatorsPerSecTwoInstances: Math.round(median(two)),
    rawKafkaPerSec: Math.round(median(raw)),
    vsRawKafka: ratio(median(one), median(raw)),
    hotSubjectPerSec: Math.round(median(hot)),
    hotSubjectRatio: ratio(median(hot), median(one)),
    enginePerSec: Math.round(cmp.oursPerSec),
    jsonRulesEnginePerSec: Math.round(cmp.theirsPerSec),
    vsJsonRulesEngine: Math.round(vsJsonRulesEngine * 10) / 10,
    withModelPerSec: Math.round(mt.withModelPerSec),
    withoutModelPerSec: Math.round(mt.withoutModelPerSec),
    modelThroughputRatio,
    p50Ms: Math.round(percentile(lat, 50) * 10) / 10,
    p99Ms: Math.round(percentile(lat, 99) * 10) / 10,
    rateForLatency: RATE,
    indicators: TOTAL,
    subjects: SUBJECTS,
    hotSubjects: HOT_SUBJECTS,
    rules: RULES,
    runs: RUNS,
    cpus: cpu.length,
  };
  say(
    `median: 1 instance ${result.indicatorsPerSec.toLocaleString('en-US')}/s, 2 instances ${result.indicatorsPerSecTwoInstances.toLocaleString('en-US')}/s; latency at ${RATE}/s p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
  );
  say(
    `ratios: vsRawKafka ${result.vsRawKafka} (bare loop ${result.rawKafkaPerSec.toLocaleString('en-US')}/s; target >= 0.5), hotSubjectRatio ${result.hotSubjectRatio} (${HOT_SUBJECTS} residents ${result.hotSubjectPerSec.toLocaleString('en-US')}/s; target >= 0.5), vsJsonRulesEngine ${result.vsJsonRulesEngine} (target >= 4), modelThroughputRatio ${result.modelThroughputRatio} (target >= 0.5)`,
  );
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    logger.error({ err }, 'bench failed');
    console.error(err);
    process.exit(1);
  },
);
