/**
 * Two plans a command centre might make without the planner, to measure it against:
 * - `nearest`: the junctions nearest the suspect by drive time (the first the vehicle can reach);
 * - `ring`: a fixed ring, one junction per sector of the compass at a set drive time from the suspect.
 * Either way each junction gets the free unit that reaches it first (greedy on drive time).
 */
import { Dijkstra, type RoadGraph } from '@fenghuo/city';
import type { Assignment } from './judge.ts';

export interface BaselineUnit {
  readonly nodes: readonly number[];
  readonly seconds: readonly number[];
}

/** Nodes where three or more roads meet. */
function isJunction(graph: RoadGraph, v: number): boolean {
  const around = new Set<number>();
  for (let e = graph.firstOut[v] as number; e < (graph.firstOut[v + 1] as number); e++)
    around.add(graph.head[e] as number);
  for (let i = graph.firstIn[v] as number; i < (graph.firstIn[v + 1] as number); i++)
    around.add(graph.tail[graph.inEdge[i] as number] as number);
  return around.size >= 3;
}

/** Each node gets the free unit that reaches it first, pairs taken fastest first. */
function assignNearestUnits(
  graph: RoadGraph,
  weights: Float64Array,
  units: readonly BaselineUnit[],
  nodes: readonly number[],
): Assignment[] {
  const engine = new Dijkstra(graph);
  const pairs: { u: number; k: number; t: number }[] = [];
  units.forEach((unit, u) => {
    engine.run(unit.nodes, unit.seconds, { weights });
    nodes.forEach((v, k) => {
      const t = engine.timeTo(v);
      if (Number.isFinite(t)) pairs.push({ u, k, t });
    });
  });
  pairs.sort((a, b) => a.t - b.t);
  const usedU = new Set<number>();
  const usedK = new Set<number>();
  const out: Assignment[] = [];
  for (const p of pairs) {
    if (usedU.has(p.u) || usedK.has(p.k)) continue;
    usedU.add(p.u);
    usedK.add(p.k);
    const unit = units[p.u] as BaselineUnit;
    out.push({ nodes: unit.nodes, seconds: unit.seconds, node: nodes[p.k] as number });
  }
  return out;
}

export function nearestJunctionsPlan(
  graph: RoadGraph,
  weights: Float64Array,
  start: number,
  units: readonly BaselineUnit[],
): Assignment[] {
  const engine = new Dijkstra(graph);
  const picked: number[] = [];
  engine.run([start], [0], {
    weights,
    onSettle: (v) => {
      if (v !== start && isJunction(graph, v)) picked.push(v);
      return picked.length >= units.length;
    },
  });
  return assignNearestUnits(graph, weights, units, picked);
}

export function fixedRingPlan(
  graph: RoadGraph,
  weights: Float64Array,
  start: number,
  units: readonly BaselineUnit[],
  ringSec: number,
): Assignment[] {
  const engine = new Dijkstra(graph);
  engine.run([start], [0], { weights, maxSeconds: ringSec * 2 });
  const k = units.length;
  const best = new Array<number>(k).fill(-1);
  const bestGap = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  const sx = graph.x[start] as number;
  const sy = graph.y[start] as number;
  for (const v of engine.settledNodes()) {
    if (v === start || !isJunction(graph, v)) continue;
    const angle = Math.atan2((graph.y[v] as number) - sy, (graph.x[v] as number) - sx) + Math.PI;
    const sector = Math.min(k - 1, Math.floor((angle / (2 * Math.PI)) * k));
    const gap = Math.abs(engine.timeTo(v) - ringSec);
    if (gap < (bestGap[sector] as number)) {
      bestGap[sector] = gap;
      best[sector] = v;
    }
  }
  return assignNearestUnits(
    graph,
    weights,
    units,
    best.filter((v) => v >= 0),
  );
}
