/** Small hand-made road graphs for the planner's unit tests (not exported from the package). */
import { RoadClass, RoadGraph } from '@fenghuo/city';
import { builtinInterceptionSettings } from './builtin-settings.ts';
import type { PlannerSettings } from './plan.ts';

const M_PER_DEG = 111_195;

/**
 * A graph from node positions in metres and roads `[a, b]` (two-way unless `oneWay`), every road
 * driven at `speedMps` (10 m/s unless given), so a road's time is its length / speed.
 */
export function graphFromMetres(
  nodes: readonly (readonly [number, number])[],
  roads: readonly { a: number; b: number; oneWay?: boolean; speedMps?: number; roadClass?: number }[],
): RoadGraph {
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const kph: number[] = [];
  const cls: number[] = [];
  for (const r of roads) {
    const [ax, ay] = nodes[r.a] as readonly [number, number];
    const [bx, by] = nodes[r.b] as readonly [number, number];
    const d = Math.hypot(bx - ax, by - ay);
    const pairs: [number, number][] = r.oneWay
      ? [[r.a, r.b]]
      : [
          [r.a, r.b],
          [r.b, r.a],
        ];
    for (const [u, v] of pairs) {
      from.push(u);
      to.push(v);
      len.push(d);
      kph.push((r.speedMps ?? 10) * 3.6);
      cls.push(r.roadClass ?? RoadClass.residential);
    }
  }
  return new RoadGraph({
    lon: Float64Array.from(nodes, (p) => p[0] / M_PER_DEG),
    lat: Float64Array.from(nodes, (p) => p[1] / M_PER_DEG),
    nodeId: Float64Array.from(nodes, (_, i) => 1000 + i),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    lengthM: Float32Array.from(len),
    speedKph: Float32Array.from(kph),
    roadClass: Uint8Array.from(cls),
  });
}

/** An `n` × `n` street grid with `spacingM` between junctions; node `i * n + j` is at column j, row i. */
export function gridGraph(n: number, spacingM: number): RoadGraph {
  const nodes: [number, number][] = [];
  const roads: { a: number; b: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      nodes.push([j * spacingM, i * spacingM]);
      if (j > 0) roads.push({ a: i * n + j - 1, b: i * n + j });
      if (i > 0) roads.push({ a: (i - 1) * n + j, b: i * n + j });
    }
  }
  return graphFromMetres(nodes, roads);
}

/** Settings for small graphs: every class weighed alike, one ring, a short budget. */
export function testSettings(overrides: Partial<PlannerSettings> = {}): PlannerSettings {
  const base = builtinInterceptionSettings;
  return {
    ...base,
    rings: [{ maxVehicleSec: 3600, maxCheckpoints: 12 }],
    horizonSec: 3600,
    backstopWeight: 0,
    planBudgetMs: 200,
    routeModel: {
      ...base.routeModel,
      samples: 400,
      nearestExitShare: 0,
      roadClassCost: {
        motorway: 1,
        trunk: 1,
        primary: 1,
        secondary: 1,
        tertiary: 1,
        residential: 1,
        service: 1,
        livingStreet: 1,
        unclassified: 1,
      },
    },
    ...overrides,
  };
}
