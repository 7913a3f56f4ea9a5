import type { Alert, BacktestReport, FraudIndicator, FraudRuleSet, OutcomeLabel } from '@fenghuo/contracts';
import { compileRuleSet, createScorer, type FraudScorer, MemoryStateStore } from '@fenghuo/engine';
import { app, at, call, ruleSet, sms, transfer } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import type { RangeRecord } from './kafka-range.ts';
import { BacktestPool } from './pool.ts';
import { BacktestRun, oneEachRounds, type RecordedIndicator } from './runner.ts';
import { backtestWorkerEntry, TSX_ENTRY } from './worker-entry.ts';

/**
 * A day of indicators about `n` residents: some victims (calls, an app, a transfer), the rest noise;
 * with `days` > 1, each day about 21.7 hours after the one before, a resident's part changing daily.
 */
function history(n: number, days = 1): FraudIndicator[] {
  const out: FraudIndicator[] = [];
  for (let d = 0; d < days; d++) out.push(...day(n, d));
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

function day(n: number, d: number): FraudIndicator[] {
  const out: FraudIndicator[] = [];
  for (let s = 0; s < n; s++) {
    const id = `r${s}`;
    const t0 = d * 1_300 + ((s * 7 + d * 131) % 600);
    const k = s + d;
    if (k % 3 === 0) {
      out.push(
        call(id, t0),
        call(id, t0 + 4),
        call(id, t0 + 9),
        app(id, t0 + 12),
        transfer(id, t0 + 15, 60_000),
      );
    } else if (k % 3 === 1) {
      out.push(
        sms(id, t0, '公安局通知：您的账户涉嫌洗钱，请转入安全账户'),
        call(id, t0 + 30, { callerListed: false }),
      );
    } else if (k % 4 === 0) {
      out.push(call(id, t0), call(id, t0 + 5), call(id, t0 + 10));
    } else {
      out.push(transfer(id, t0, 800, { payeeNew: false }), call(id, t0 + 1, { callerListed: false }));
    }
  }
  return out;
}

/** Recorded as Kafka records them: keyed by resident, so each resident's on one of 3 partitions. */
const recorded = (events: readonly FraudIndicator[]): RecordedIndicator[] =>
  events.map((event, i) => ({
    event,
    position: { stream: String(Number(event.subjectId.replace(/\D/g, '') || 0) % 3), seq: i },
  }));

/**
 * The records as Kafka hands them over: batches of up to `size` records of one stream (partition),
 * the streams taken in turn (`rotate` shifts which stream goes first).
 */
function batches(records: readonly RecordedIndicator[], size = 50, rotate = 0): RecordedIndicator[][] {
  const streams = new Map<string, RecordedIndicator[]>();
  for (const r of records) {
    const list = streams.get(r.position.stream) ?? [];
    streams.set(r.position.stream, list);
    list.push(r);
  }
  const lists = [...streams.values()];
  for (let i = 0; i < rotate; i++) lists.push(lists.shift() as RecordedIndicator[]);
  const out: RecordedIndicator[][] = [];
  for (let off = 0; lists.some((l) => l.length > off); off += size) {
    for (const l of lists) if (l.length > off) out.push(l.slice(off, off + size));
  }
  return out;
}

async function run(
  candidate: FraudRuleSet,
  baseline: FraudRuleSet,
  events: FraudIndicator[],
  labels: OutcomeLabel[] = [],
) {
  const r = new BacktestRun({
    candidate: { rules: compileRuleSet(candidate), label: 'candidate' },
    baseline: { rules: compileRuleSet(baseline), label: 'baseline' },
    labels,
    keepRevisions: true,
  });
  for (const batch of batches(recorded(events))) await r.score(batch);
  return { run: r, report: await r.finish() };
}

describe('oneEachRounds', () => {
  it('puts at most one indicator of each resident in a round, in order', () => {
    const items = ['a', 'b', 'a', 'a', 'c', 'b'].map((subjectId, i) => ({ event: { subjectId }, i }));
    expect(oneEachRounds(items).map((r) => r.map((x) => x.i))).toEqual([[0, 1, 4], [2, 5], [3]]);
  });
});

/**
 * Each version scored alone, as live scores it: the engine on the JSON memory store (what live reads
 * back from Redis), the same batches and rounds as the run, and its clock: per stream (one engine and
 * store each), the latest event time of the stream's rounds.
 */
async function alone(rs: FraudRuleSet, events: readonly RecordedIndicator[]): Promise<unknown[]> {
  const rules = compileRuleSet(rs);
  const streams = new Map<string, { engine: FraudScorer; clockMs: number }>();
  const alerts: unknown[] = [];
  for (const batch of batches(events)) {
    const name = batch[0]?.position.stream ?? '';
    let stream = streams.get(name);
    if (stream === undefined) {
      const s: { engine?: FraudScorer; clockMs: number } = { clockMs: Number.NEGATIVE_INFINITY };
      s.engine = createScorer({
        rules: () => rules,
        store: new MemoryStateStore(),
        clock: () => (Number.isFinite(s.clockMs) ? s.clockMs : 0),
      });
      stream = s as { engine: FraudScorer; clockMs: number };
      streams.set(name, stream);
    }
    for (const round of oneEachRounds(batch)) {
      for (const r of round) stream.clockMs = Math.max(stream.clockMs, Date.parse(r.event.occurredAt));
      alerts.push(...(await stream.engine.scoreIndicators(round)).revisions.map((r) => r.alert));
    }
  }
  return alerts;
}

describe('BacktestRun scoring', () => {
  it('gives each version the alerts the engine gives it alone on the JSON store, versions alike or not', async () => {
    // Four days: alerts of one version expire where the other version's do not, or never opened.
    const events = history(150, 4);
    const live = ruleSet();
    const drafts: FraudRuleSet[] = [
      live,
      { ...live, ruleSetVersion: 2, levels: { notice: 50, warning: 80, urgent: 110 } },
      { ...live, ruleSetVersion: 3, levels: { notice: 20, warning: 45, urgent: 90 }, cooldownMin: 30 },
      { ...live, ruleSetVersion: 4, rules: live.rules.map((r) => ({ ...r, weight: r.weight + 5 })) },
    ];
    const baseline = await alone(live, recorded(events));
    expect(baseline.length).toBeGreaterThan(100);
    expect(baseline.some((a) => (a as { status: string }).status === 'closed')).toBe(true);
    for (const draft of drafts) {
      const { run: r } = await run(draft, live, events);
      expect(r.baselineAlerts).toEqual(baseline);
      expect(r.candidateAlerts).toEqual(await alone(draft, recorded(events)));
    }
  });
});

describe('BacktestRun', () => {
  it('finds no difference between a version and itself', async () => {
    const rs = ruleSet();
    const { run: r, report } = await run(rs, rs, history(90));
    expect(report.events).toBe(history(90).length);
    expect(report.candidate.alerts).toBeGreaterThan(0);
    expect(report.candidate).toEqual({ ...report.baseline, label: 'candidate' });
    expect([report.addedTotal, report.droppedTotal]).toEqual([0, 0]);
    expect(r.candidateAlerts).toEqual(r.baselineAlerts);
  });

  it('lists the alerts a stricter draft drops, each with why, and what it adds', async () => {
    const live = ruleSet();
    const stricter: FraudRuleSet = {
      ...live,
      ruleSetVersion: 2,
      // Listed calls alone no longer alert: the window weighs less…
      rules: live.rules.map((r) => (r.id === 'listed-calls-20m' ? { ...r, weight: 20 } : r)),
    };
    const { report } = await run(stricter, live, history(90));
    expect(report.droppedTotal).toBeGreaterThan(0);
    expect(report.dropped.length).toBe(report.droppedTotal);
    const d = report.dropped[0]!;
    expect(d.rulesFired).toContain('listed-calls-20m');
    expect(d.why).toContain('the candidate raised no alert for this resident then');
    expect(d.why).toContain('listed-calls-20m (weight 40 there 20)');
    expect(d.reason.en).toContain('calls from listed number');
    expect(report.candidate.alerts).toBe(report.baseline.alerts - report.droppedTotal + report.addedTotal);
    // …and a laxer one, with a rule on any transfer over 500 CNY, adds alerts.
    const laxer: FraudRuleSet = {
      ...live,
      rules: [
        ...live.rules,
        {
          id: 'any-transfer',
          name: 'Any transfer over 500 CNY',
          fraudType: 'other',
          weight: 30,
          kind: 'match',
          when: { kind: 'transfer', where: [{ op: 'gt', field: 'amount', value: 500 }] },
        },
      ],
    };
    const more = await run(laxer, live, history(90));
    expect(more.report.addedTotal).toBeGreaterThan(0);
    expect(more.report.added[0]?.why).toContain('any-transfer (not in the other version)');
  });

  it('joins outcome labels: precision and losses prevented per rule and per level; a label closes the alert', async () => {
    const rs = ruleSet();
    const events = history(30);
    const first = await run(rs, rs, events);
    const alerts = [...new Map(first.run.baselineAlerts.map((a) => [a.alertId, a])).values()].filter((a) =>
      a.rulesFired.some((r) => r.ruleId === 'listed-calls-20m'),
    );
    const labels: OutcomeLabel[] = alerts.slice(0, 4).map((a, i) => ({
      version: 1,
      eventId: `out-${i}`,
      alertId: a.alertId,
      subjectId: a.subjectId,
      outcome: i === 0 ? 'false_alarm' : 'loss_prevented',
      ...(i === 0 ? {} : { amountSaved: 10_000 }),
      labelledBy: 'off-1',
      labelledAt: at(1_000),
    }));
    const { run: r, report } = await run(rs, rs, events, labels);
    expect(report.labels).toBe(4);
    expect(report.baseline.outcomes).toMatchObject({
      labelled: 4,
      confirmed: 3,
      falseAlarms: 1,
      precision: 0.75,
      lossesPreventedCny: 30_000,
    });
    const listed = report.baseline.byRule.find((x) => x.ruleId === 'listed-calls-20m');
    expect(listed?.labelled).toBe(4);
    expect(report.baseline.byLevelOutcome.reduce((n, l) => n + l.labelled, 0)).toBe(4);
    // Each labelled alert got its close revision, as live.
    const closed = r.baselineAlerts.filter((a) => a.status === 'closed').map((a) => a.alertId);
    for (const l of labels) expect(closed).toContain(l.alertId);
  });

  it("counts the officers' workload per day and grid cell", async () => {
    const rs = ruleSet();
    const events = history(30).map((e, i) => ({ ...e, gridCellId: `g-${i % 2}` }));
    const { report } = await run(rs, rs, events);
    const w = report.baseline.workload;
    expect(w.busiest.reduce((n, l) => n + l.alerts, 0)).toBe(report.baseline.alerts);
    expect(w.maxPerCellDay).toBe(w.busiest[0]?.alerts);
    expect(w.busiest.every((l) => l.day === '2026-11-27' && /^g-[01]$/.test(l.gridCellId))).toBe(true);
  });
});

/** Each resident's revisions in order, residents sorted: what must not depend on the interleaving. */
function perResident(alerts: readonly Alert[]): [string, Alert[]][] {
  const m = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = m.get(a.subjectId) ?? [];
    m.set(a.subjectId, list);
    list.push(a);
  }
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const stable = (r: BacktestReport) => {
  const { elapsedMs: _e, eventsPerSec: _r, ...rest } = r;
  return rest;
};

/** Labels on a few of the baseline's alerts of a first run (as officers would label them). */
async function someLabels(events: FraudIndicator[]): Promise<OutcomeLabel[]> {
  const rs = ruleSet();
  const first = await run(rs, rs, events);
  const raised = [...new Map(first.run.baselineAlerts.map((a) => [a.alertId, a])).values()];
  return raised
    .filter((_, i) => i % 7 === 0)
    .slice(0, 12)
    .map((a, i) => ({
      version: 1,
      eventId: `out-${i}`,
      alertId: a.alertId,
      subjectId: a.subjectId,
      outcome: i % 3 === 0 ? 'false_alarm' : 'loss_prevented',
      ...(i % 3 === 0 ? {} : { amountSaved: 1_000 * (i + 1) }),
      labelledBy: 'off-1',
      labelledAt: new Date(Date.parse(a.raisedAt) + 30 * 60_000).toISOString(),
    }));
}

describe('BacktestRun streams', () => {
  it('gives the same alerts and report whatever order the streams come in', async () => {
    const events = history(120, 4);
    const labels = await someLabels(events);
    expect(labels.length).toBeGreaterThan(5);
    const live = ruleSet();
    const draft: FraudRuleSet = {
      ...live,
      ruleSetVersion: 2,
      levels: { notice: 50, warning: 80, urgent: 110 },
    };
    const runs = [];
    for (const rotate of [0, 1, 2]) {
      const r = new BacktestRun({
        candidate: { rules: compileRuleSet(draft), label: 'draft' },
        baseline: { rules: compileRuleSet(live), label: 'live' },
        labels,
        keepRevisions: true,
      });
      for (const batch of batches(recorded(events), 40, rotate)) await r.score(batch);
      runs.push({ report: stable(await r.finish()), base: r.baselineAlerts, cand: r.candidateAlerts });
    }
    const [first, ...others] = runs;
    expect(first?.report.baseline.outcomes.labelled).toBeGreaterThan(0);
    expect(first?.base.some((a) => a.status === 'closed')).toBe(true);
    for (const o of others) {
      expect(o.report).toEqual(first?.report);
      expect(perResident(o.base)).toEqual(perResident(first?.base ?? []));
      expect(perResident(o.cand)).toEqual(perResident(first?.cand ?? []));
    }
  });
});

describe('BacktestPool', () => {
  it('gives what one run gives, over raw records and decoded ones, whatever the workers and their entry', async () => {
    const events = history(120, 4);
    const labels = await someLabels(events);
    const live = ruleSet();
    const draft: FraudRuleSet = {
      ...live,
      ruleSetVersion: 2,
      levels: { notice: 50, warning: 80, urgent: 110 },
    };
    const versions = {
      candidate: { rules: compileRuleSet(draft), label: 'draft' },
      baseline: { rules: compileRuleSet(live), label: 'live' },
      labels,
      keepRevisions: true,
    };
    const one = new BacktestRun(versions);
    for (const batch of batches(recorded(events))) await one.score(batch);
    const expected = stable(await one.finish());
    expect(expected.baseline.alerts).toBeGreaterThan(10);

    const bundle = await backtestWorkerEntry();
    expect(bundle.kind).toBe('bundle');
    for (const [workers, entry] of [
      [1, bundle],
      [3, bundle],
      [2, TSX_ENTRY],
    ] as const) {
      const pool = new BacktestPool({ ...versions, workers, entry });
      await pool.ready();
      for (const batch of batches(recorded(events))) {
        // As the Kafka source hands them over: partition, offset and the value's bytes; one record
        // that is not an indicator (live sent it to the dead-letter topic) and one without a value.
        const records: RangeRecord[] = batch.map((r) => ({
          partition: Number(r.position.stream),
          offset: String(r.position.seq),
          timestamp: Date.parse(r.event.occurredAt),
          value: Buffer.from(JSON.stringify(r.event)),
        }));
        records.push(
          {
            partition: records[0]?.partition ?? 0,
            offset: '900000',
            timestamp: 0,
            value: Buffer.from('{"kind":'),
          },
          { partition: records[0]?.partition ?? 0, offset: '900001', timestamp: 0, value: null },
        );
        await pool.scoreRecords(records);
      }
      const report = stable(await pool.finish());
      expect(report).toEqual(expected);
      expect(perResident(pool.baselineAlerts)).toEqual(perResident(one.baselineAlerts));
      expect(perResident(pool.candidateAlerts)).toEqual(perResident(one.candidateAlerts));
    }

    // Decoded indicators (an upload), the streams mixed in the batches.
    const pool = new BacktestPool({ ...versions, workers: 2, entry: bundle });
    for (const batch of batches(recorded(events))) await pool.score(batch);
    expect(stable(await pool.finish())).toEqual(expected);
    expect(perResident(pool.candidateAlerts)).toEqual(perResident(one.candidateAlerts));
  });

  it('keeps Kafka offsets beyond 2^53 exact on their way to the workers', async () => {
    // One partition whose offsets start at 2^53: as doubles, 2^53 + 1 would read as 2^53 and its
    // record as a redelivery of the one before.
    const events = history(6);
    const first = 2n ** 53n;
    const inOrder: RecordedIndicator[] = events.map((event, i) => ({
      event,
      position: { stream: '0', seq: String(first + BigInt(i)) },
    }));
    const rs = ruleSet();
    const versions = {
      candidate: { rules: compileRuleSet(rs), label: 'a' },
      baseline: { rules: compileRuleSet(rs), label: 'b' },
      keepRevisions: true,
    };
    const one = new BacktestRun(versions);
    await one.score(inOrder);
    await one.finish();
    expect(one.baselineAlerts.length).toBeGreaterThan(0);
    const pool = new BacktestPool({ ...versions, workers: 1, entry: await backtestWorkerEntry() });
    await pool.scoreRecords(
      inOrder.map((r) => ({
        partition: 0,
        offset: String(r.position.seq),
        timestamp: Date.parse(r.event.occurredAt),
        value: Buffer.from(JSON.stringify(r.event)),
      })),
    );
    await pool.finish();
    expect(perResident(pool.baselineAlerts)).toEqual(perResident(one.baselineAlerts));
  });

  it('fails the run when a worker fails', async () => {
    const rs = ruleSet();
    const pool = new BacktestPool({
      candidate: { rules: compileRuleSet(rs), label: 'a' },
      baseline: { rules: compileRuleSet(rs), label: 'b' },
      workers: 1,
    });
    // A record without an indicator makes the worker's run throw.
    await pool.score([{ event: null as unknown as FraudIndicator, position: { stream: 'x', seq: 1 } }]);
    await expect(pool.finish()).rejects.toThrow(/backtest worker/);
  });
});
