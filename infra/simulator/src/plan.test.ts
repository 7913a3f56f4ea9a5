import { Codecs, type FraudIndicator } from '@fenghuo/contracts';
import { builtinRuleSet, compileRuleSet, createScorer, MemoryStateStore } from '@fenghuo/engine';
import { describe, expect, it } from 'vitest';
import { CALLS_BY_CATEGORY } from './calls-for-service.ts';
import { insideRing } from './homes.ts';
import { type CellArea, CITY_UTC_OFFSET_HOURS, expectedPerHour } from './incidents.ts';
import { type PlanOptions, planSimulation } from './plan.ts';
import { fraudSequence, SCENARIOS } from './residents.ts';
import { Rng } from './rng.ts';

const cells: CellArea[] = [
  {
    id: 'cell-a',
    ring: [
      [121.4, 31.2],
      [121.41, 31.2],
      [121.41, 31.21],
      [121.4, 31.21],
      [121.4, 31.2],
    ],
  },
  {
    id: 'cell-b',
    ring: [
      [121.41, 31.2],
      [121.42, 31.2],
      [121.42, 31.21],
      [121.41, 31.21],
      [121.41, 31.2],
    ],
  },
];

const options: PlanOptions = {
  seed: 7,
  startMs: Date.parse('2026-12-03T16:00:00.000Z'), // 00:00 in the city (UTC+8)
  durationMin: 1440,
  residents: 500,
  indicatorsPerResidentDay: 4,
  victimShare: 0.05,
  incidentsPerDay: 400,
  runId: 'run',
};

describe('planSimulation', () => {
  it('plays the same day for the same seed, another for another seed', () => {
    const a = planSimulation(options, cells);
    const b = planSimulation(options, cells);
    const c = planSimulation({ ...options, seed: 8 }, cells);
    expect(b).toEqual(a);
    expect(c.events).not.toEqual(a.events);
  });

  it('makes only events the contracts accept, in time order, with unique ids', () => {
    const plan = planSimulation(options, cells);
    const ids = new Set<string>();
    let last = 0;
    for (const e of plan.events) {
      const result =
        e.kind === 'incidents'
          ? Codecs.IncidentReport.validate(e.event)
          : Codecs.FraudIndicator.validate(e.event);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(e.atMs).toBeGreaterThanOrEqual(last);
      last = e.atMs;
      ids.add(e.event.eventId);
    }
    expect(ids.size).toBe(plan.events.length);
    expect(plan.counts.indicators).toBeGreaterThan(1_000);
  });

  it('keeps the truth: every victim and incident, with the ids of the victim’s indicators', () => {
    const plan = planSimulation(options, cells);
    const victims = plan.truth.filter((t) => t.type === 'victim');
    expect(victims.length).toBe(plan.counts.victims);
    expect(victims.length).toBeGreaterThan(10);
    const sent = new Set(plan.events.map((e) => e.event.eventId));
    for (const v of victims) for (const id of v.eventIds) expect(sent.has(id)).toBe(true);
    expect(plan.truth.filter((t) => t.type === 'incident').length).toBe(plan.counts.incidents);
  });

  it("spreads a day's incidents by the real hour-of-day rates and category mix", () => {
    const plan = planSimulation({ ...options, incidentsPerDay: 4_000 }, cells);
    const incidents = plan.events.filter((e) => e.kind === 'incidents');
    expect(incidents.length).toBeGreaterThan(3_800);
    expect(incidents.length).toBeLessThan(4_200);
    const byHour = new Array<number>(24).fill(0);
    for (const i of incidents) {
      const h = (new Date(i.atMs).getUTCHours() + CITY_UTC_OFFSET_HOURS) % 24;
      byHour[h] = (byHour[h] ?? 0) + 1;
    }
    // 04:00-05:59 is the quietest part of the day, 15:00-16:59 the busiest.
    const night = (byHour[4] ?? 0) + (byHour[5] ?? 0);
    const afternoon = (byHour[15] ?? 0) + (byHour[16] ?? 0);
    expect(afternoon).toBeGreaterThan(night * 2);
    expect(night).toBeCloseTo(expectedPerHour(4_000, 4) + expectedPerHour(4_000, 5), -2);
    const theft = incidents.filter((i) => i.kind === 'incidents' && i.event.category === 'theft').length;
    const total = Object.values(CALLS_BY_CATEGORY).reduce((a, b) => a + (b ?? 0), 0);
    expect(theft / incidents.length).toBeCloseTo((CALLS_BY_CATEGORY.theft ?? 0) / total, 1);
  });
});

describe("residents' homes", () => {
  // A 6 × 6 grid of square cells.
  const grid: CellArea[] = [];
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      const [lon, lat] = [121.4 + i * 0.01, 31.2 + j * 0.01];
      grid.push({
        id: `g-${i}${j}`,
        ring: [
          [lon, lat],
          [lon + 0.01, lat],
          [lon + 0.01, lat + 0.01],
          [lon, lat + 0.01],
          [lon, lat],
        ],
      });
    }
  }
  const withHomes: PlanOptions = { ...options, residents: 300, homeCells: 5 };

  it('leave the residents, indicators and incidents of a seed as they were, adding only the home', () => {
    const before = planSimulation({ ...withHomes, homeCells: 0 }, grid);
    const after = planSimulation(withHomes, grid);
    expect(before.homeCells).toEqual([]);
    expect(after.events.length).toBe(before.events.length);
    for (let i = 0; i < after.events.length; i++) {
      const a = after.events[i]!;
      const b = before.events[i]!;
      if (a.kind === 'fraud-indicators') {
        const { location, gridCellId, ...rest } = a.event;
        expect(location).toBeDefined();
        expect(gridCellId).toBeDefined();
        expect({ ...a, event: rest }).toEqual(b);
      } else {
        expect(a).toEqual(b);
      }
    }
    expect(after.truth.map((t) => ({ ...t, gridCellId: undefined }))).toEqual(
      before.truth.map((t) => ({ ...t, gridCellId: undefined })),
    );
  });

  it('put every resident in one home inside one of a neighbourhood of cells, the same for the same seed', () => {
    const plan = planSimulation(withHomes, grid);
    expect(plan.homeCells.length).toBe(5);
    expect(new Set(plan.homeCells).size).toBe(5);
    expect(planSimulation(withHomes, grid)).toEqual(plan);
    expect(planSimulation({ ...withHomes, seed: 8 }, grid).homeCells).not.toEqual(plan.homeCells);
    const homeOf = new Map<string, string>();
    for (const e of plan.events) {
      if (e.kind !== 'fraud-indicators') continue;
      const { subjectId, gridCellId, location } = e.event;
      expect(plan.homeCells).toContain(gridCellId);
      const cell = grid.find((c) => c.id === gridCellId)!;
      expect(insideRing([location!.lon, location!.lat], cell.ring)).toBe(true);
      const home = `${gridCellId} ${location!.lon} ${location!.lat}`;
      expect(homeOf.get(subjectId) ?? home).toBe(home);
      homeOf.set(subjectId, home);
    }
    // A neighbourhood: the cells are next to one another (within two cells of the first).
    const at = (id: string) => [Number(id[2]), Number(id[3])] as const;
    const [ci, cj] = at(plan.homeCells[0]!);
    for (const id of plan.homeCells) {
      const [i, j] = at(id);
      expect(Math.max(Math.abs(i - ci), Math.abs(j - cj))).toBeLessThanOrEqual(2);
    }
    for (const v of plan.truth) if (v.type === 'victim') expect(plan.homeCells).toContain(v.gridCellId);
  });

  it("let the scorer's warning name the victim's home cell and place", async () => {
    const plan = planSimulation({ ...withHomes, residents: 40, victimShare: 1 }, grid);
    const victim = plan.truth.find((t) => t.type === 'victim' && t.fraudType === 'impersonation_authority');
    if (victim?.type !== 'victim') throw new Error('no impersonation victim in the plan');
    const events = plan.events.flatMap((e) =>
      e.kind === 'fraud-indicators' && victim.eventIds.includes(e.event.eventId) ? [e.event] : [],
    );
    const rules = compileRuleSet(builtinRuleSet);
    const clock = Date.parse(events.at(-1)!.occurredAt);
    const scorer = createScorer({ rules: () => rules, store: new MemoryStateStore(), clock: () => clock });
    const result = await scorer.scoreIndicators(
      events.map((event: FraudIndicator, i) => ({ event, position: { stream: '0', seq: i } })),
    );
    const alert = result.revisions.at(-1)?.alert;
    expect(alert?.gridCellId).toBe(victim.gridCellId);
    expect(alert?.location).toEqual(events[0]!.location);
  });
});

describe('fraud sequences', () => {
  it.each(SCENARIOS.map((s) => s.type))(
    '%s raises an alert of its type with the built-in rule pack',
    async (type) => {
      const start = Date.parse('2026-12-03T02:00:00.000Z');
      let n = 0;
      const events = fraudSequence(new Rng(3), () => `e${n++}`, 'victim-1', type, start).map((e) => e.event);
      const rules = compileRuleSet(builtinRuleSet);
      const scorer = createScorer({ rules: () => rules, store: new MemoryStateStore(), clock: () => start });
      const result = await scorer.scoreIndicators(
        events.map((event: FraudIndicator, i) => ({ event, position: { stream: '0', seq: i } })),
      );
      const last = result.revisions.at(-1)?.alert;
      expect(last?.subjectId).toBe('victim-1');
      expect(last?.fraudType).toBe(type);
    },
  );
});
