/**
 * The escape-route distribution: routes a fleeing vehicle may drive from where it was last seen,
 * sampled toward the edge of the map (after van Droffelaar et al.). Each route first picks the
 * stretch of edge it heads for: the nearest one (a share of the routes), or any stretch in
 * proportion to its distinct ways out, pulled toward the vehicle's heading. It then drives
 * a near-shortest route there: at every junction each way on is weighed by its perceived cost (edge
 * time × road-class cost × a random log-normal factor) plus the time left from there to the
 * stretch, and one is drawn with probability falling off by `detourSec` per second of detour (a
 * logit route choice) among the ways that bring it nearer the stretch (so a route never loops or
 * turns into a cul-de-sac). It ends at an exit of its stretch or at the horizon.
 *
 * Each route costs a few microseconds per junction (the per-stretch times are in the cached
 * {@link EscapeMap}), so thousands of routes fit in a plan's time budget on a city graph.
 */
import type { RoadGraph } from '@fenghuo/city';
import type { EscapeMap } from './escape-map.ts';
import type { Rng } from './rng.ts';

/** Sampled routes, flat: route `r` is `nodes[offsets[r] .. offsets[r+1])`, reached at `times[...]`. */
export interface EscapeRoutes {
  readonly count: number;
  readonly offsets: Int32Array;
  readonly nodes: Int32Array;
  /** Seconds after the sighting at which the vehicle reaches each node (the graph's drive times). */
  readonly times: Float64Array;
}

export interface RouteSamplingOptions {
  readonly samples: number;
  /** Log-normal sigma of the random factor on each edge cost. */
  readonly edgeNoise: number;
  /** Seconds of detour that make a way on e times less likely. */
  readonly detourSec: number;
  /** Share of routes heading for the nearest exit. */
  readonly nearestExitShare: number;
  /** Pull of the heading on the stretch of edge chosen (0: none). */
  readonly headingWeight: number;
  /** Routes end past this many seconds. */
  readonly horizonSec: number;
  /** The vehicle's heading in degrees (0 north, clockwise), when known. */
  readonly headingDeg?: number;
}

/** Samples escape routes from `start`. `weights` are the true drive times of the edges. */
export function sampleEscapeRoutes(
  graph: RoadGraph,
  weights: Float64Array,
  map: EscapeMap,
  start: number,
  options: RouteSamplingOptions,
  rng: Rng,
): EscapeRoutes {
  const samples = Math.max(0, Math.floor(options.samples));
  const groupWeights = targetWeights(graph, map, start, options);
  const cumulative = new Float64Array(groupWeights.length);
  let total = 0;
  groupWeights.forEach((w, i) => {
    total += w;
    cumulative[i] = total;
  });
  const reachable = total > 0;

  let nodes = new Int32Array(Math.max(64, samples * 64));
  let times = new Float64Array(nodes.length);
  const offsets = new Int32Array(samples + 1);
  let size = 0;
  const push = (v: number, t: number) => {
    if (size === nodes.length) {
      const n2 = new Int32Array(nodes.length * 2);
      n2.set(nodes);
      nodes = n2;
      const t2 = new Float64Array(times.length * 2);
      t2.set(times);
      times = t2;
    }
    nodes[size] = v;
    times[size] = t;
    size++;
  };

  const visited = new Uint32Array(graph.nodeCount);
  const noise = options.edgeNoise;
  const theta = Math.max(options.detourSec, 1e-6);
  const horizon = options.horizonSec;
  let maxOut = 0;
  for (let u = 0; u < graph.nodeCount; u++)
    maxOut = Math.max(maxOut, (graph.firstOut[u + 1] as number) - (graph.firstOut[u] as number));
  const costs = new Float64Array(maxOut);
  const edges = new Int32Array(maxOut);
  const heading = headingVector(options.headingDeg);
  // Log-normal factors with mean 1, drawn once per plan and picked at random per edge.
  const factors = new Float64Array(FACTOR_TABLE);
  for (let i = 0; i < FACTOR_TABLE; i++) factors[i] = Math.exp(noise * rng.normal() - (noise * noise) / 2);

  for (let r = 0; r < samples; r++) {
    offsets[r] = size;
    const stamp = r + 1;
    let potential: Float64Array = map.nearest;
    let group = -1;
    if (reachable && rng.next() >= options.nearestExitShare) {
      const x = rng.next() * total;
      group = 0;
      while (group < cumulative.length - 1 && (cumulative[group] as number) <= x) group++;
      potential = map.potentials[group] as Float64Array;
    }
    let u = start;
    let t = 0;
    visited[u] = stamp;
    push(u, 0);
    for (let step = 0; ; step++) {
      if (group < 0 ? map.isExit[u] : map.groupOf[u] === group) {
        if (step > 0) break;
      }
      let count = 0;
      const pu = potential[u] as number;
      let best = Infinity;
      for (let e = graph.firstOut[u] as number, end = graph.firstOut[u + 1] as number; e < end; e++) {
        const v = graph.head[e] as number;
        if (visited[v] === stamp) continue;
        const pv = potential[v] as number;
        // Every step gets nearer the target as the driver sees it: no loops, no cul-de-sacs.
        if (!(pv < pu)) continue;
        let c = (map.driverCost[e] as number) * (factors[(rng.next() * FACTOR_TABLE) | 0] as number);
        c += pv - pu;
        // Leaving the last sighting: a turn against the heading costs up to one more detour.
        if (heading && step === 0) c += options.headingWeight * theta * turnAgainst(graph, u, v, heading);
        costs[count] = c;
        edges[count] = e;
        count++;
        if (c < best) best = c;
      }
      if (count === 0) break;
      let sum = 0;
      for (let i = 0; i < count; i++) {
        const p = Math.exp(-((costs[i] as number) - best) / theta);
        costs[i] = p;
        sum += p;
      }
      let x = rng.next() * sum;
      let pick = 0;
      while (pick < count - 1 && x >= (costs[pick] as number)) {
        x -= costs[pick] as number;
        pick++;
      }
      const e = edges[pick] as number;
      const v = graph.head[e] as number;
      t += weights[e] as number;
      if (t > horizon) break;
      visited[v] = stamp;
      push(v, t);
      u = v;
    }
  }
  offsets[samples] = size;
  return { count: samples, offsets, nodes: nodes.slice(0, size), times: times.slice(0, size) };
}

/** Random edge-cost factors drawn per plan; each edge of each route picks one. */
const FACTOR_TABLE = 4096;

/** Unit vector (east, north) of a heading, or undefined. */
function headingVector(deg: number | undefined): [number, number] | undefined {
  if (deg === undefined || !Number.isFinite(deg)) return undefined;
  const rad = (deg * Math.PI) / 180;
  return [Math.sin(rad), Math.cos(rad)];
}

/** 0 straight ahead, 1 straight back. */
function turnAgainst(graph: RoadGraph, u: number, v: number, heading: [number, number]): number {
  const dx = (graph.x[v] as number) - (graph.x[u] as number);
  const dy = (graph.y[v] as number) - (graph.y[u] as number);
  const len = Math.hypot(dx, dy);
  if (len === 0) return 0;
  return (1 - (dx * heading[0] + dy * heading[1]) / len) / 2;
}

/** Weight of each stretch of edge as a target: its ways out, pulled toward the heading; 0 when unreachable. */
export function targetWeights(
  graph: RoadGraph,
  map: EscapeMap,
  start: number,
  options: Pick<RouteSamplingOptions, 'headingDeg' | 'headingWeight'>,
): Float64Array {
  const heading = headingVector(options.headingDeg);
  const sx = graph.x[start] as number;
  const sy = graph.y[start] as number;
  return Float64Array.from(map.groups, (g, i) => {
    if (!Number.isFinite(map.potentials[i]?.[start] ?? Infinity)) return 0;
    let w = g.places;
    if (heading && options.headingWeight > 0) {
      const dx = g.x - sx;
      const dy = g.y - sy;
      const len = Math.hypot(dx, dy);
      if (len > 0) w *= Math.exp(options.headingWeight * ((dx * heading[0] + dy * heading[1]) / len));
    }
    return w;
  });
}
