/**
 * Judging a plan the way the scenario README does: a route counts as intercepted when some assigned
 * unit can be at one of its nodes (delay + its drive time from where it starts) no later than the
 * fugitive reaches that node.
 */
import { Dijkstra, type RoadGraph } from '@fenghuo/city';
import type { FugitiveRoute } from './fugitive.ts';

/** A unit sent to a node, leaving from `nodes` (reached after `seconds`). */
export interface Assignment {
  readonly nodes: readonly number[];
  readonly seconds: readonly number[];
  readonly node: number;
}

/** Seconds from each assignment's unit to its node (one search per unit). */
export function assignmentTimes(
  graph: RoadGraph,
  weights: Float64Array,
  assignments: readonly Assignment[],
): number[] {
  const engine = new Dijkstra(graph);
  return assignments.map((a) => {
    engine.run(a.nodes, a.seconds, { weights, onSettle: (v) => v === a.node });
    return engine.timeTo(a.node);
  });
}

/** Whether the route passes an assigned node no earlier than the unit is there. */
export function intercepts(
  route: FugitiveRoute,
  assignments: readonly Assignment[],
  unitSeconds: readonly number[],
  delaySec: number,
): boolean {
  for (let i = 0; i < assignments.length; i++) {
    const node = (assignments[i] as Assignment).node;
    const arrival = delaySec + (unitSeconds[i] as number);
    for (let k = 0; k < route.nodes.length; k++) {
      if (route.nodes[k] === node && arrival <= (route.times[k] as number)) return true;
    }
  }
  return false;
}

/** Share of `routes` intercepted by the assignments. */
export function interceptedShare(
  graph: RoadGraph,
  weights: Float64Array,
  assignments: readonly Assignment[],
  routes: readonly { nodes: Int32Array; times: Float64Array }[],
  delaySec: number,
): number {
  if (routes.length === 0) return 0;
  const secs = assignmentTimes(graph, weights, assignments);
  let hit = 0;
  for (const r of routes) if (intercepts(r, assignments, secs, delaySec)) hit++;
  return hit / routes.length;
}
