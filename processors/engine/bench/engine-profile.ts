/**
 * The engine alone, without Kafka or Redis: scores the bench:scorer indicator mix (BENCH_INDICATORS,
 * default 200,000, about BENCH_SUBJECTS residents, default 100,000) with the 50-rule bench set through
 * `createScorer` and the in-memory state store (states encoded and decoded on every save and load,
 * as in Redis), in batches of BENCH_BATCH (default 2,000, a partition fetch).
 *
 * Prints indicators/s (per wall second and per second of the process's CPU time), the time spent encoding and decoding states, and a digest of every alert
 * revision (SHA-256 of their JSON, in order): two builds that score alike print the same digest.
 * For a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=.local/prof --import tsx processors/engine/bench/engine-profile.ts
 */
import { createHash } from 'node:crypto';
import type { FraudIndicator, FraudRuleSet } from '@fenghuo/contracts';
import {
  builtinRuleSet,
  compileRuleSet,
  createScorer,
  decodeState,
  encodeState,
  MemoryStateStore,
  type SubjectState,
} from '../src/index.ts';

const TOTAL = Number(process.env.BENCH_INDICATORS ?? 200_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
const T0 = Date.parse('2026-11-27T08:00:00.000Z');

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

/** The bench:scorer mix (scorer.bench.ts), at a fixed start time. */
function indicator(seq: number, subject: number, t: number): FraudIndicator {
  const base = {
    version: 1 as const,
    eventId: `thr-${seq}`,
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

function benchRuleSet(): FraudRuleSet {
  return {
    ...builtinRuleSet,
    ruleSetVersion: builtinRuleSet.ruleSetVersion + 1,
    publishedBy: 'bench',
    rules: builtinRuleSet.rules.slice(0, 50),
    lists: { ...builtinRuleSet.lists, deny: { ...builtinRuleSet.lists.deny, numbers: ['17099990000'] } },
  };
}

async function main() {
  const rules = compileRuleSet(benchRuleSet());
  const indicators: FraudIndicator[] = [];
  for (let j = 0; j < TOTAL; j++) indicators.push(indicator(j + 1, j % SUBJECTS, T0 + j));
  const store = new MemoryStateStore();
  const engine = createScorer({ rules: () => rules, store, clock: () => T0 });
  const digest = createHash('sha256');
  let revisions = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < indicators.length; i += BATCH) {
    const inputs = indicators
      .slice(i, i + BATCH)
      .map((event, k) => ({ event, position: { stream: '0', seq: i + k } }));
    const out = await engine.scoreIndicators(inputs);
    revisions += out.revisions.length;
    for (const r of out.revisions) digest.update(JSON.stringify(r.alert));
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // The state codec alone, on the states the run left.
  const states: SubjectState[] = [];
  for (let s = 0; s < Math.min(SUBJECTS, 20_000); s++) {
    const st = store.peek(`b${s}`).state;
    if (st !== undefined) states.push(st);
  }
  const c0 = performance.now();
  let bytes = 0;
  const encoded = states.map((st) => {
    const e = encodeState(st);
    bytes += Buffer.byteLength(e);
    return e;
  });
  const c1 = performance.now();
  for (const e of encoded) decodeState(e);
  const c2 = performance.now();
  const n = Math.max(1, states.length);
  const result = {
    bench: 'engine-profile',
    indicators: TOTAL,
    subjects: SUBJECTS,
    perSec: Math.round((TOTAL / ms) * 1000),
    /** Per second of this process's CPU time: steadier than wall time on a shared machine. */
    perCpuSec: Math.round((TOTAL / cpuMs) * 1000),
    revisions,
    encodeUs: Number((((c1 - c0) / n) * 1000).toFixed(1)),
    decodeUs: Number((((c2 - c1) / n) * 1000).toFixed(1)),
    stateBytes: Math.round(bytes / n),
    digest: digest.digest('hex').slice(0, 16),
  };
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
