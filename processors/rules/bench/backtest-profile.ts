/**
 * A backtest without Kafka: the bench:backtest indicators (BENCH_EVENTS, default 200,000, about
 * BENCH_SUBJECTS residents, default 20,000, over 30 days) generated in memory, split over 12
 * "partitions" by resident, and fed to a {@link BacktestRun} (built-in pack vs a stricter draft)
 * in per-partition batches of BENCH_BATCH records (default 4,000, about a 4 MiB fetch), partitions
 * taken in turn, as the Kafka reader hands them over. Measures the engine side of a backtest alone.
 *
 * Prints events/s (per wall second and per second of the process's CPU time, every thread) and a
 * digest of the report and of every alert revision of both versions (each resident's in order,
 * residents sorted): two builds that score alike print the same. BENCH_WORKERS=n (default 0) scores
 * in a pool of n worker threads instead, which must print the same digest (a check, not a speed: the
 * decoded indicators are posted to the workers, which costs more than scoring them).
 * BENCH_DECODE=1 (default 0) stores each indicator as its JSON bytes, as Kafka holds it, and decodes
 * it with the contract's codec inside the measured part, as a backtest over Kafka does (the in-memory
 * indicators skip that cost). `cpuUsPerEvent` is the CPU time per indicator, every thread.
 * For a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=.local/prof --import tsx processors/rules/bench/backtest-profile.ts
 */
import { createHash } from 'node:crypto';
import { type Alert, Codecs, type FraudIndicator, type FraudRuleSet } from '@fenghuo/contracts';
import { builtinRuleSet, compileRuleSet } from '@fenghuo/engine';
import { app, call, sms, transfer } from '@fenghuo/engine/test-support';
import { BacktestPool } from '../src/backtest/pool.ts';
import { BacktestRun, type RecordedIndicator } from '../src/backtest/runner.ts';
import { backtestWorkerEntry } from '../src/backtest/worker-entry.ts';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 4_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 0);
const DECODE = process.env.BENCH_DECODE === '1';
const PARTITIONS = 12;
const DAYS = 30;

/** The i-th indicator, as in backtest.bench.ts. */
function indicator(i: number): FraudIndicator {
  const subject = `r-${i % SUBJECTS}`;
  const min = Math.floor((i / TOTAL) * DAYS * 24 * 60);
  const scam = i % SUBJECTS < SUBJECTS / 20;
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

async function main() {
  const partitions: RecordedIndicator[][] = Array.from({ length: PARTITIONS }, () => []);
  const values: Buffer[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let i = 0; i < TOTAL; i++) {
    const p = (i % SUBJECTS) % PARTITIONS;
    const list = partitions[p] as RecordedIndicator[];
    const event = indicator(i);
    list.push({ event, position: { stream: String(p), seq: String(list.length) } });
    if (DECODE) (values[p] as Buffer[]).push(Codecs.FraudIndicator.encode(event));
  }
  /** The batch of partition `p` from `off`: the indicators, or decoded from their bytes. */
  const batchOf = (p: number, off: number): RecordedIndicator[] => {
    const list = partitions[p] as RecordedIndicator[];
    if (!DECODE) return list.slice(off, off + BATCH);
    const out: RecordedIndicator[] = [];
    const bytes = values[p] as Buffer[];
    for (let i = off; i < Math.min(off + BATCH, bytes.length); i++) {
      const d = Codecs.FraudIndicator.decode(bytes[i] as Buffer);
      if (d.ok) out.push({ event: d.value, position: { stream: String(p), seq: String(i) } });
    }
    return out;
  };
  const stricter: FraudRuleSet = {
    ...builtinRuleSet,
    ruleSetVersion: builtinRuleSet.ruleSetVersion + 1,
    levels: { notice: 50, warning: 80, urgent: 110 },
  };
  const versions = {
    candidate: { rules: compileRuleSet(stricter), label: 'stricter draft' },
    baseline: { rules: compileRuleSet(builtinRuleSet), label: 'built-in (live)' },
    labels: [],
    keepRevisions: true,
  };
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const run =
    WORKERS > 0
      ? new BacktestPool({ ...versions, workers: WORKERS, entry: await backtestWorkerEntry() })
      : new BacktestRun(versions);
  for (let off = 0; partitions.some((p) => p.length > off); off += BATCH) {
    for (let p = 0; p < PARTITIONS; p++)
      if ((partitions[p] as RecordedIndicator[]).length > off) await run.score(batchOf(p, off));
  }
  const report = await run.finish();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const digest = createHash('sha256');
  const { elapsedMs: _e, eventsPerSec: _r, ...stable } = report;
  digest.update(JSON.stringify(stable));
  const byResident = (alerts: readonly Alert[]) =>
    [...alerts].sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  for (const a of byResident(run.baselineAlerts)) digest.update(JSON.stringify(a));
  for (const a of byResident(run.candidateAlerts)) digest.update(JSON.stringify(a));
  console.log(
    JSON.stringify({
      bench: 'backtest-profile',
      events: report.events,
      subjects: SUBJECTS,
      perSec: Math.round((TOTAL / ms) * 1000),
      perCpuSec: Math.round((TOTAL / cpuMs) * 1000),
      cpuUsPerEvent: Number(((cpuMs * 1000) / TOTAL).toFixed(2)),
      decode: DECODE,
      liveAlerts: report.baseline.alerts,
      draftAlerts: report.candidate.alerts,
      revisions: run.baselineAlerts.length + run.candidateAlerts.length,
      workers: WORKERS,
      digest: digest.digest('hex').slice(0, 16),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
