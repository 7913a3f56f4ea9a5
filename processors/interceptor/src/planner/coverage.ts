/**
 * The maximum-coverage instance of one plan: candidate junctions (nodes on sampled routes, inside a
 * ring), and for each unit and junction the set of routes it covers, as bitsets. A unit covers a
 * route at a junction when it can be there (delay + its drive time + margin) no later than the
 * vehicle on that route.
 */
import type { EscapeRoutes } from './escape-routes.ts';

export interface CandidateSet {
  /** Graph node of each candidate. */
  readonly node: Int32Array;
  /** Ring (layer) of each candidate. */
  readonly ring: Int32Array;
  /** Candidate index of each graph node (-1: not a candidate). */
  readonly indexOf: Int32Array;
  /** Routes through candidate `c` are `routes[start[c] .. start[c+1])`, latest vehicle time first. */
  readonly start: Int32Array;
  readonly routes: Int32Array;
  readonly times: Float64Array;
}

/** Route indices fit below this in a sort key (with whole milliseconds above). */
const ROUTE_SPAN = 2 ** 20;

/**
 * Candidates: every node some route reaches, within the last ring's edge (by the vehicle's earliest
 * arrival), with the routes through it sorted by the vehicle's time there, latest first.
 */
export function buildCandidates(
  nodeCount: number,
  routes: EscapeRoutes,
  earliest: Float64Array,
  ringEdges: readonly number[],
): CandidateSet {
  const ringOfTime = (t: number) => {
    for (let i = 0; i < ringEdges.length; i++) if (t <= (ringEdges[i] as number)) return i;
    return -1;
  };
  const indexOf = new Int32Array(nodeCount).fill(-1);
  const counts: number[] = [];
  const nodes: number[] = [];
  const rings: number[] = [];
  const { nodes: rn, offsets } = routes;
  for (let k = 0; k < rn.length; k++) {
    const v = rn[k] as number;
    let c = indexOf[v] as number;
    if (c === -2) continue;
    if (c === -1) {
      const ring = ringOfTime(earliest[v] as number);
      if (ring < 0) {
        indexOf[v] = -2;
        continue;
      }
      c = nodes.length;
      indexOf[v] = c;
      nodes.push(v);
      rings.push(ring);
      counts.push(0);
    }
    counts[c] = (counts[c] as number) + 1;
  }
  for (let v = 0; v < nodeCount; v++) if (indexOf[v] === -2) indexOf[v] = -1;
  const m = nodes.length;
  const start = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) start[c + 1] = (start[c] as number) + (counts[c] as number);
  // Fill each candidate's slice with keys that sort by vehicle time: whole milliseconds (rounded
  // down, so a unit is never judged earlier than it is) above the route index.
  const total = start[m] as number;
  const keys = new Float64Array(total);
  const fill = start.slice(0, m);
  for (let r = 0; r < routes.count; r++) {
    for (let k = offsets[r] as number, end = offsets[r + 1] as number; k < end; k++) {
      const c = indexOf[rn[k] as number] as number;
      if (c < 0) continue;
      const slot = fill[c] as number;
      fill[c] = slot + 1;
      keys[slot] = Math.floor((routes.times[k] as number) * 1000) * ROUTE_SPAN + r;
    }
  }
  const routeIdx = new Int32Array(total);
  const times = new Float64Array(total);
  for (let c = 0; c < m; c++) {
    const a = start[c] as number;
    const b = start[c + 1] as number;
    const slice = keys.subarray(a, b).sort();
    // Latest first.
    for (let i = 0, n = b - a; i < n; i++) {
      const key = slice[n - 1 - i] as number;
      const r = key % ROUTE_SPAN;
      routeIdx[a + i] = r;
      times[a + i] = (key - r) / ROUTE_SPAN / 1000;
    }
  }
  return {
    node: Int32Array.from(nodes),
    ring: Int32Array.from(rings),
    indexOf,
    start,
    routes: routeIdx,
    times,
  };
}

/** Number of routes through candidate `c` whose vehicle time is at least `arrival`. */
export function coveredCount(cands: CandidateSet, c: number, arrival: number): number {
  let lo = cands.start[c] as number;
  let hi = cands.start[c + 1] as number;
  const first = lo;
  // times are descending: find the first index with time < arrival.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cands.times[mid] as number) >= arrival) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}

/** The (unit, candidate) pairs worth considering and the routes each covers, as bitsets. */
export interface CoverageInstance {
  readonly routeCount: number;
  /** 32-bit words per bitset. */
  readonly words: number;
  readonly unitCount: number;
  readonly pairUnit: Int32Array;
  readonly pairCand: Int32Array;
  /** Routes covered by the pair. */
  readonly pairSize: Int32Array;
  /** Seconds from the plan's time until the unit is at the junction. */
  readonly pairEta: Float64Array;
  /** Bitsets, `words` per pair. */
  readonly bits: Uint32Array;
  /** Pair index of (unit, candidate), -1 when not a pair: `pairOf[unit * candCount + cand]`. */
  readonly pairOf: Int32Array;
  readonly cands: CandidateSet;
}

/**
 * Builds the pairs from each unit's drive time to every candidate (`unitTimes[u][c]`, Infinity when
 * it cannot get there). A unit keeps its `maxPairsPerUnit` best candidates by routes covered, and
 * always the candidate `keep[u]` (its checkpoint in the last plan) when it still covers a route.
 */
export function buildCoverage(
  cands: CandidateSet,
  routeCount: number,
  unitTimes: readonly Float64Array[],
  delaySec: number,
  maxPairsPerUnit: number,
  keep?: Int32Array,
): CoverageInstance {
  const m = cands.node.length;
  const words = Math.max(1, Math.ceil(routeCount / 32));
  const pu: number[] = [];
  const pc: number[] = [];
  const ps: number[] = [];
  const pe: number[] = [];
  unitTimes.forEach((times, u) => {
    const list: { c: number; k: number }[] = [];
    for (let c = 0; c < m; c++) {
      const eta = times[c] as number;
      if (!Number.isFinite(eta)) continue;
      const k = coveredCount(cands, c, delaySec + eta);
      if (k > 0) list.push({ c, k });
    }
    if (list.length > maxPairsPerUnit) {
      const kept = keep?.[u] ?? -1;
      list.sort((a, b) => Number(b.c === kept) - Number(a.c === kept) || b.k - a.k || a.c - b.c);
      list.length = maxPairsPerUnit;
    }
    for (const { c, k } of list) {
      pu.push(u);
      pc.push(c);
      ps.push(k);
      pe.push(times[c] as number);
    }
  });
  const pairs = pu.length;
  const bits = new Uint32Array(pairs * words);
  const pairOf = new Int32Array(unitTimes.length * m).fill(-1);
  for (let p = 0; p < pairs; p++) {
    const c = pc[p] as number;
    pairOf[(pu[p] as number) * m + c] = p;
    const a = cands.start[c] as number;
    const base = p * words;
    for (let i = 0, k = ps[p] as number; i < k; i++) {
      const r = cands.routes[a + i] as number;
      bits[base + (r >>> 5)] = (bits[base + (r >>> 5)] as number) | (1 << (r & 31));
    }
  }
  return {
    routeCount,
    words,
    unitCount: unitTimes.length,
    pairUnit: Int32Array.from(pu),
    pairCand: Int32Array.from(pc),
    pairSize: Int32Array.from(ps),
    pairEta: Float64Array.from(pe),
    bits,
    pairOf,
    cands,
  };
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
