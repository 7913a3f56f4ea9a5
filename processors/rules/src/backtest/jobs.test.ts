import { compileRuleSet } from '@fenghuo/engine';
import { call, ruleSet } from '@fenghuo/engine/test-support';
import { createLogger } from '@fenghuo/kit';
import { describe, expect, it } from 'vitest';
import { MemoryBacktestStore } from './backtest-store.ts';
import { BacktestJobs } from './jobs.ts';
import type { RangeRecord } from './kafka-range.ts';
import type { IndicatorSource } from './sources.ts';

const logger = createLogger({ service: 'jobs-test', level: 'silent' });

/**
 * A Kafka source as `kafkaIndicators` is one: raw records, by partition, to `onRecords` when the
 * sink takes them (a pool), else decoded to `onBatch`; `batches` fetches of 4 partitions.
 */
function fakeKafka(batches: number, perBatch = 40): IndicatorSource {
  return async (sink) => {
    sink.onPlan(batches * perBatch);
    for (let b = 0; b < batches; b++) {
      if (sink.isCancelled()) return;
      const partition = b % 4;
      const records: RangeRecord[] = [];
      for (let i = 0; i < perBatch; i++) {
        const n = b * perBatch + i;
        const event = call(`p${partition}-r${i % 10}`, Math.floor(n / 4), { callerListed: true });
        records.push({
          partition,
          offset: String(n),
          timestamp: 0,
          value: Buffer.from(JSON.stringify(event)),
        });
      }
      if (sink.onRecords !== undefined) await sink.onRecords(records);
      else
        await sink.onBatch(
          records.map((r) => ({
            event: JSON.parse(String(r.value)),
            position: { stream: String(r.partition), seq: r.offset },
          })),
        );
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

function spec(source: IndicatorSource) {
  const rules = compileRuleSet(ruleSet());
  return {
    createdBy: { username: 'zhao.min', role: 'analyst' as const },
    source: { kind: 'kafka' as const, from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' },
    candidate: { rules, label: 'candidate' },
    baseline: { rules, label: 'baseline' },
    labels: async () => [],
    indicators: source,
  };
}

describe('BacktestJobs with worker threads', () => {
  it('reports what the same backtest reports in the service thread', async () => {
    const reports = [];
    for (const workers of [0, 2]) {
      const jobs = new BacktestJobs({ store: new MemoryBacktestStore(), logger, workers });
      const b = await jobs.start(spec(fakeKafka(12)));
      await jobs.settled(b.backtestId);
      const done = await jobs.get(b.backtestId);
      expect(done?.status).toBe('done');
      expect(done?.progress).toMatchObject({ events: 480, total: 480, fraction: 1 });
      const { elapsedMs: _e, eventsPerSec: _r, ...report } = done?.report ?? {};
      reports.push(report);
    }
    expect(reports[0]).toMatchObject({ events: 480 });
    expect((reports[0] as { baseline: { alerts: number } }).baseline.alerts).toBeGreaterThan(0);
    expect(reports[1]).toEqual(reports[0]);
  });

  it('cancels a run in worker threads', async () => {
    const jobs = new BacktestJobs({ store: new MemoryBacktestStore(), logger, workers: 2 });
    const b = await jobs.start(spec(fakeKafka(100_000)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const cancelled = await jobs.cancel(b.backtestId);
    expect(cancelled?.status).toBe('cancelled');
    expect(jobs.runningCount).toBe(0);
  });
});
