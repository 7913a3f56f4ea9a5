import { describe, expect, it } from 'vitest';
import { findExits } from './escape-map.ts';
import { type PlanRequest, planInterception } from './plan.ts';
import { graphFromMetres, gridGraph, testSettings } from './test-graphs.ts';
import { unitAtNode } from './unit-seeds.ts';

/**
 * A road through the sighting point S with an exit at each end, and a unit beside each half:
 *
 *          UW                      UE
 *          |                       |
 *   WX --- W2 --- W1 --- S --- E1 --- E2 --- EX      (1 km between nodes, 10 m/s: 100 s a road)
 *
 * The vehicle reaches W1/E1 at 100 s, W2/E2 at 200 s, the exits at 300 s; a unit reaches its
 * W2/E2 at 100 s and the exit behind it at 200 s: it can block W2 or WX (E2 or EX), never W1 (E1).
 */
const S = 0;
const W1 = 1;
const W2 = 2;
const WX = 3;
const E1 = 4;
const E2 = 5;
const EX = 6;
const UW = 7;
const UE = 8;
const bridges = graphFromMetres(
  [
    [0, 0],
    [-1000, 0],
    [-2000, 0],
    [-3000, 0],
    [1000, 0],
    [2000, 0],
    [3000, 0],
    [-2000, 1000],
    [2000, 1000],
  ],
  [
    { a: S, b: W1 },
    { a: W1, b: W2 },
    { a: W2, b: WX },
    { a: S, b: E1 },
    { a: E1, b: E2 },
    { a: E2, b: EX },
    { a: UW, b: W2 },
    { a: UE, b: E2 },
  ],
);
const exits = Int32Array.from([WX, EX]);

function plan(overrides: Partial<PlanRequest>, settings = testSettings()) {
  return planInterception(
    {
      graph: bridges,
      start: S,
      elapsedSec: 0,
      units: [unitAtNode('uw', UW), unitAtNode('ue', UE)],
      exits,
      seed: 42,
      ...overrides,
    },
    settings,
  );
}

describe('planInterception on hand-made graphs', () => {
  it('blocks both halves of the road, each with the unit beside it, and covers every route', () => {
    const result = plan({});
    expect(result.coveredShare).toBe(1);
    const byUnit = new Map(result.checkpoints.map((c) => [c.unitId, c.node]));
    expect([W2, WX]).toContain(byUnit.get('uw'));
    expect([E2, EX]).toContain(byUnit.get('ue'));
    for (const c of result.checkpoints) {
      // The unit is there no later than the vehicle can be.
      expect(c.unitEtaSec).toBeLessThanOrEqual(c.vehicleEarliestSec);
    }
    expect(result.checkpoints.reduce((s, c) => s + c.coveredShare, 0)).toBeCloseTo(1, 6);
  });

  it('with one unit covers the half it can reach: about half the routes', () => {
    const result = plan({ units: [unitAtNode('uw', UW)] });
    expect(result.checkpoints).toHaveLength(1);
    expect([W2, WX]).toContain(result.checkpoints[0]?.node);
    expect(result.coveredShare).toBeGreaterThan(0.35);
    expect(result.coveredShare).toBeLessThan(0.65);
  });

  it('sends no one when the report comes too late for any unit to get ahead', () => {
    // 150 s late: a unit reaches W2 at 250 s (vehicle 200 s) and WX at 350 s (vehicle 300 s).
    const result = plan({ elapsedSec: 150 });
    expect(result.checkpoints).toEqual([]);
    expect(result.coveredShare).toBe(0);
  });

  it('counts a safety margin: a unit must be there that long before the vehicle', () => {
    // A unit is at W2 100 s before the vehicle and at WX 100 s before: a 101 s margin rules both out.
    expect(plan({}, testSettings({ safetyMarginSec: 101 })).checkpoints).toEqual([]);
    expect(plan({}, testSettings({ safetyMarginSec: 99 })).coveredShare).toBe(1);
  });

  it('puts each checkpoint in the ring its junction lies in, and respects ring sizes', () => {
    const rings = testSettings({
      rings: [
        { maxVehicleSec: 250, maxCheckpoints: 5 },
        { maxVehicleSec: 3600, maxCheckpoints: 5 },
      ],
    });
    for (const c of plan({}, rings).checkpoints) {
      expect(c.layer).toBe(c.node === W2 || c.node === E2 ? 0 : 1);
    }
    // No room in the outer ring: only the inner junctions W2 and E2 may be used.
    const innerOnly = plan(
      {},
      testSettings({
        rings: [
          { maxVehicleSec: 250, maxCheckpoints: 5 },
          { maxVehicleSec: 3600, maxCheckpoints: 0 },
        ],
      }),
    );
    expect(innerOnly.checkpoints.map((c) => c.node).sort()).toEqual([W2, E2].sort());
  });

  it('keeps the last plan when a change would gain less than the change penalty', () => {
    // W2 and WX cover the same routes: whichever the unit had, it keeps.
    for (const previousNode of [W2, WX]) {
      const result = plan({ previous: new Map([['uw', previousNode]]) });
      expect(result.checkpoints.find((c) => c.unitId === 'uw')?.node).toBe(previousNode);
    }
  });

  it('follows the heading: a vehicle heading east mostly takes the east half', () => {
    const settings = testSettings();
    const east = plan(
      { units: [unitAtNode('uw', UW)], headingDeg: 90 },
      { ...settings, routeModel: { ...settings.routeModel, headingWeight: 3 } },
    );
    const west = plan(
      { units: [unitAtNode('uw', UW)], headingDeg: 270 },
      { ...settings, routeModel: { ...settings.routeModel, headingWeight: 3 } },
    );
    expect(east.coveredShare).toBeLessThan(0.2);
    expect(west.coveredShare).toBeGreaterThan(0.8);
  });

  it('samples routes that follow roads, in time order, away from the sighting', () => {
    const { routes } = plan({});
    for (let r = 0; r < routes.count; r++) {
      const a = routes.offsets[r] as number;
      const b = routes.offsets[r + 1] as number;
      expect(routes.nodes[a]).toBe(S);
      for (let k = a + 1; k < b; k++) {
        expect(
          bridges.findEdge(routes.nodes[k - 1] as number, routes.nodes[k] as number),
        ).toBeGreaterThanOrEqual(0);
        expect(routes.times[k]).toBeGreaterThan(routes.times[k - 1] as number);
      }
      expect([WX, EX]).toContain(routes.nodes[b - 1]);
    }
  });

  it('gives the same plan for the same seed', () => {
    const a = plan({ seed: 7 });
    const b = plan({ seed: 7 });
    expect(a.checkpoints).toEqual(b.checkpoints);
    expect(a.coveredShare).toBe(b.coveredShare);
  });
});

describe('findExits', () => {
  it('finds the edge of a street grid: its outer junctions, none inside', () => {
    const n = 9;
    const exits = new Set(findExits(gridGraph(n, 250)));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const outer = i === 0 || j === 0 || i === n - 1 || j === n - 1;
        expect(exits.has(i * n + j), `(${i}, ${j})`).toBe(outer);
      }
    }
  });
});
