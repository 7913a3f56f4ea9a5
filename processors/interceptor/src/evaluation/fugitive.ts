/**
 * A fugitive the planner does not know, for judging plans (bench, simulation, dry run): it picks an
 * exit at random among the nodes near the edge of the map (a purely geometric edge: within a band
 * of the network's convex hull, not the planner's exits), draws a random factor for every edge time
 * (log-normal), and drives the shortest route there under those perturbed times, at the graph's true
 * drive times. The planner's own route model (road classes, logit choice, its exits) is different on
 * purpose: a plan is judged on routes it never saw, drawn from another model.
 */
import { Dijkstra, type RoadGraph } from '@fenghuo/city';
import type { Rng } from '../planner/rng.ts';

export interface FugitiveRoute {
  /** Graph nodes in driving order, the start first. */
  readonly nodes: Int32Array;
  /** Seconds after the start at which the fugitive reaches each node. */
  readonly times: Float64Array;
}

export interface FugitiveModelOptions {
  /**
   * Log-normal sigma of the per-edge random factor.
   * @defaultValue 0.3
   */
  readonly noise?: number;
  /**
   * Exits are nodes within this many metres of the convex hull of the network.
   * @defaultValue 3 % of the map's diagonal, at least 200
   */
  readonly hullBandM?: number;
  /**
   * `band`: every node in the band is an exit; `road-ends`: only the dead ends in it (roads the map
   * cut), or the whole band when it has fewer than 8.
   * @defaultValue 'band'
   */
  readonly exits?: 'band' | 'road-ends';
}

/** Nodes with one neighbour (either direction). */
function isRoadEnd(graph: RoadGraph, v: number): boolean {
  const around = new Set<number>();
  for (let e = graph.firstOut[v] as number; e < (graph.firstOut[v + 1] as number); e++)
    around.add(graph.head[e] as number);
  for (let i = graph.firstIn[v] as number; i < (graph.firstIn[v + 1] as number); i++)
    around.add(graph.tail[graph.inEdge[i] as number] as number);
  return around.size <= 1;
}

/** Nodes within `bandM` of the convex hull's boundary (the edge of the map, geometrically). */
export function hullBandNodes(graph: RoadGraph, bandM?: number): Int32Array {
  const n = graph.nodeCount;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, graph.x[i] as number);
    maxX = Math.max(maxX, graph.x[i] as number);
    minY = Math.min(minY, graph.y[i] as number);
    maxY = Math.max(maxY, graph.y[i] as number);
  }
  const band = bandM ?? Math.max(200, 0.03 * Math.hypot(maxX - minX, maxY - minY));
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort(
    (a, b) =>
      (graph.x[a] as number) - (graph.x[b] as number) || (graph.y[a] as number) - (graph.y[b] as number),
  );
  const cross = (o: number, a: number, b: number) =>
    ((graph.x[a] as number) - (graph.x[o] as number)) * ((graph.y[b] as number) - (graph.y[o] as number)) -
    ((graph.y[a] as number) - (graph.y[o] as number)) * ((graph.x[b] as number) - (graph.x[o] as number));
  const half = (order: number[]) => {
    const out: number[] = [];
    for (const p of order) {
      while (out.length >= 2 && cross(out[out.length - 2] as number, out[out.length - 1] as number, p) <= 0)
        out.pop();
      out.push(p);
    }
    return out.slice(0, -1);
  };
  const hull = half(idx).concat(half([...idx].reverse()));
  const out: number[] = [];
  for (let v = 0; v < n; v++) {
    let inside = Infinity;
    for (let i = 0; i < hull.length; i++) {
      const a = hull[i] as number;
      const b = hull[(i + 1) % hull.length] as number;
      const ax = graph.x[a] as number;
      const ay = graph.y[a] as number;
      const len = Math.hypot((graph.x[b] as number) - ax, (graph.y[b] as number) - ay);
      if (len === 0) continue;
      const d =
        (((graph.x[b] as number) - ax) * ((graph.y[v] as number) - ay) -
          ((graph.y[b] as number) - ay) * ((graph.x[v] as number) - ax)) /
        len;
      inside = Math.min(inside, d);
    }
    if (inside <= band) out.push(v);
  }
  return Int32Array.from(out);
}

/** Draws fugitive routes from one graph; reuse it for many routes. */
export class FugitiveModel {
  readonly exits: Int32Array;
  private readonly engine: Dijkstra;
  private readonly perturbed: Float64Array;
  private readonly noise: number;

  constructor(
    readonly graph: RoadGraph,
    readonly weights: Float64Array = graph.freeFlowS,
    options: FugitiveModelOptions = {},
  ) {
    const band = hullBandNodes(graph, options.hullBandM);
    const ends = band.filter((v) => isRoadEnd(graph, v));
    this.exits = options.exits === 'road-ends' && ends.length >= 8 ? ends : band;
    this.engine = new Dijkstra(graph);
    this.perturbed = new Float64Array(graph.edgeCount);
    this.noise = options.noise ?? 0.3;
  }

  /**
   * `count` routes from `start`, truncated at `horizonSec`: for every `perSearch` routes one set of
   * perturbed edge times and one search, then the shortest route under them to `perSearch` exits
   * drawn at random (exits it cannot reach are drawn again).
   */
  routes(start: number, horizonSec: number, count: number, rng: Rng, perSearch = 10): FugitiveRoute[] {
    const out: FugitiveRoute[] = [];
    if (this.exits.length === 0) return out;
    const w = this.weights;
    const s = this.noise;
    for (let round = 0; out.length < count && round < count; round++) {
      for (let e = 0; e < w.length; e++)
        this.perturbed[e] = (w[e] as number) * Math.exp(s * rng.normal() - (s * s) / 2);
      this.engine.run([start], [0], { weights: this.perturbed });
      for (let k = 0, tries = 0; k < perSearch && out.length < count && tries < perSearch * 4; tries++) {
        const target = this.exits[rng.int(this.exits.length)] as number;
        const edges = target === start ? undefined : this.engine.path(target);
        if (!edges) continue;
        k++;
        const nodes = [start];
        const times = [0];
        let t = 0;
        for (const e of edges) {
          t += w[e] as number;
          if (t > horizonSec) break;
          nodes.push(this.graph.head[e] as number);
          times.push(t);
        }
        out.push({ nodes: Int32Array.from(nodes), times: Float64Array.from(times) });
      }
    }
    return out;
  }
}
