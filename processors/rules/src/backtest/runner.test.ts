import type { FraudIndicator, FraudRuleSet, OutcomeLabel } from '@fenghuo/contracts';
import { compileRuleSet, createScorer, MemoryStateStore } from '@fenghuo/engine';
import { app, at, call, ruleSet, sms, transfer } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import { BacktestRun, oneEachRounds, type RecordedIndicator } from './runner.ts';
import { ScratchStateStore } from './scratch-state-store.ts';

/** A day of indicators about `n` residents: some victims (calls, an app, a transfer), the rest noise. */
function history(n: number): FraudIndicator[] {
  const out: FraudIndicator[] = [];
  for (let s = 0; s < n; s++) {
    const id = `r${s}`;
    const t0 = (s * 7) % 600;
    if (s % 3 === 0) {
      out.push(
        call(id, t0),
        call(id, t0 + 4),
        call(id, t0 + 9),
        app(id, t0 + 12),
        transfer(id, t0 + 15, 60_000),
      );
    } else if (s % 3 === 1) {
      out.push(
        sms(id, t0, '公安局通知：您的账户涉嫌洗钱，请转入安全账户'),
        call(id, t0 + 30, { callerListed: false }),
      );
    } else if (s % 4 === 0) {
      out.push(call(id, t0), call(id, t0 + 5), call(id, t0 + 10));
    } else {
      out.push(transfer(id, t0, 800, { payeeNew: false }), call(id, t0 + 1, { callerListed: false }));
    }
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

const recorded = (events: readonly FraudIndicator[]): RecordedIndicator[] =>
  events.map((event, i) => ({ event, position: { stream: String(i % 3), seq: i } }));

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
  const rec = recorded(events);
  for (let i = 0; i < rec.length; i += 50) await r.score(rec.slice(i, i + 50));
  return { run: r, report: await r.finish() };
}

describe('oneEachRounds', () => {
  it('puts at most one indicator of each resident in a round, in order', () => {
    const items = ['a', 'b', 'a', 'a', 'c', 'b'].map((subjectId, i) => ({ event: { subjectId }, i }));
    expect(oneEachRounds(items).map((r) => r.map((x) => x.i))).toEqual([[0, 1, 4], [2, 5], [3]]);
  });
});

describe('ScratchStateStore', () => {
  it('gives the same alerts as the JSON memory store (what live reads back from Redis)', async () => {
    const rules = compileRuleSet(ruleSet());
    const events = recorded(history(120));
    const out: unknown[][] = [];
    for (const store of [new MemoryStateStore(), new ScratchStateStore()]) {
      const engine = createScorer({ rules: () => rules, store, clock: () => 0 });
      const alerts: unknown[] = [];
      for (const round of oneEachRounds(events)) {
        alerts.push(...(await engine.scoreIndicators(round)).revisions.map((r) => r.alert));
      }
      out.push(alerts);
    }
    expect(out[0]?.length).toBeGreaterThan(20);
    expect(out[1]).toEqual(out[0]);
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
