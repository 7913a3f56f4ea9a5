/** Where a unit at a position can leave from: the ends of the road it is snapped to. */
import type { Snap } from '@fenghuo/city';
import type { PlanUnit } from './plan.ts';

/** A unit on a snapped point: it reaches the edge's head after the rest of the edge, and its tail (two-way roads) after the part behind it. */
export function unitFromSnap(id: string, snap: Snap, weights: Float64Array): PlanUnit {
  const nodes = [snap.to];
  const seconds = [(1 - snap.t) * (weights[snap.edge] as number)];
  if (snap.twin >= 0) {
    nodes.push(snap.from);
    seconds.push(snap.t * (weights[snap.twin] as number));
  }
  return { id, nodes, seconds };
}

/** A unit standing on a node. */
export function unitAtNode(id: string, node: number): PlanUnit {
  return { id, nodes: [node], seconds: [0] };
}
