/** Snapping points to the nearest road segment, through a bucket grid over the edges. */
import type { RoadGraph } from './graph.js';

/** A point placed on the road graph. */
export interface Snap {
  /** The directed edge `from → to` the point lies on. */
  readonly edge: number;
  /** The opposite edge `to → from` when the road is two-way, else -1. */
  readonly twin: number;
  readonly from: number;
  readonly to: number;
  /** Position along `edge` from `from` (0) to `to` (1). */
  readonly t: number;
  /** Distance from the query point to the road in metres. */
  readonly distanceM: number;
  readonly lon: number;
  readonly lat: number;
}

export class SnapIndex {
  private readonly minX: number;
  private readonly minY: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly start: Int32Array;
  private readonly items: Int32Array;

  /**
   * @param cellM - bucket side in metres. @defaultValue 200
   */
  constructor(
    readonly graph: RoadGraph,
    cellM = 200,
  ) {
    const g = graph;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < g.nodeCount; i++) {
      const x = g.x[i] as number;
      const y = g.y[i] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (g.nodeCount === 0) minX = minY = maxX = maxY = 0;
    this.minX = minX;
    this.minY = minY;
    this.cell = cellM;
    this.cols = Math.max(1, Math.ceil((maxX - minX) / cellM) + 1);
    this.rows = Math.max(1, Math.ceil((maxY - minY) / cellM) + 1);
    // One entry per road: skip an edge whose twin (v → u) has a lower index.
    const counts = new Int32Array(this.cols * this.rows + 1);
    const keep = new Uint8Array(g.edgeCount);
    for (let e = 0; e < g.edgeCount; e++) {
      const u = g.tail[e] as number;
      const v = g.head[e] as number;
      const twin = g.findEdge(v, u);
      if (twin >= 0 && twin < e) continue;
      keep[e] = 1;
      this.forBuckets(e, (b) => {
        counts[b + 1] = (counts[b + 1] as number) + 1;
      });
    }
    for (let b = 0; b < this.cols * this.rows; b++)
      counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
    this.start = counts;
    this.items = new Int32Array(counts[this.cols * this.rows] as number);
    const cursor = counts.slice(0, this.cols * this.rows);
    for (let e = 0; e < g.edgeCount; e++) {
      if (!keep[e]) continue;
      this.forBuckets(e, (b) => {
        this.items[cursor[b] as number] = e;
        cursor[b] = (cursor[b] as number) + 1;
      });
    }
  }

  private forBuckets(e: number, fn: (bucket: number) => void): void {
    const g = this.graph;
    const u = g.tail[e] as number;
    const v = g.head[e] as number;
    const c0 = Math.floor((Math.min(g.x[u] as number, g.x[v] as number) - this.minX) / this.cell);
    const c1 = Math.floor((Math.max(g.x[u] as number, g.x[v] as number) - this.minX) / this.cell);
    const r0 = Math.floor((Math.min(g.y[u] as number, g.y[v] as number) - this.minY) / this.cell);
    const r1 = Math.floor((Math.max(g.y[u] as number, g.y[v] as number) - this.minY) / this.cell);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(r * this.cols + c);
  }

  /**
   * Nearest road to a point, or `undefined` when none lies within `maxDistanceM`.
   * @param maxDistanceM - @defaultValue 2000
   */
  snap(lon: number, lat: number, maxDistanceM = 2000): Snap | undefined {
    const g = this.graph;
    const px = g.projection.x(lon);
    const py = g.projection.y(lat);
    const pc = Math.floor((px - this.minX) / this.cell);
    const pr = Math.floor((py - this.minY) / this.cell);
    let best = -1;
    let bestD2 = maxDistanceM * maxDistanceM;
    let bestT = 0;
    const maxRing = Math.ceil(maxDistanceM / this.cell) + 1;
    for (let ring = 0; ring <= maxRing; ring++) {
      // Every segment in rings beyond this one is at least (ring - 1) cells away.
      const minDist = (ring - 1) * this.cell;
      if (best >= 0 && minDist > 0 && minDist * minDist > bestD2) break;
      for (let r = pr - ring; r <= pr + ring; r++) {
        if (r < 0 || r >= this.rows) continue;
        const edgeRow = r === pr - ring || r === pr + ring;
        for (let c = pc - ring; c <= pc + ring; c += edgeRow ? 1 : 2 * ring) {
          if (c >= 0 && c < this.cols) {
            const b = r * this.cols + c;
            for (let k = this.start[b] as number, end = this.start[b + 1] as number; k < end; k++) {
              const e = this.items[k] as number;
              const u = g.tail[e] as number;
              const v = g.head[e] as number;
              const ax = g.x[u] as number;
              const ay = g.y[u] as number;
              const dx = (g.x[v] as number) - ax;
              const dy = (g.y[v] as number) - ay;
              const len2 = dx * dx + dy * dy;
              let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
              t = t < 0 ? 0 : Math.min(t, 1);
              const qx = ax + t * dx - px;
              const qy = ay + t * dy - py;
              const d2 = qx * qx + qy * qy;
              if (d2 < bestD2 || (d2 === bestD2 && e < best)) {
                bestD2 = d2;
                best = e;
                bestT = t;
              }
            }
          }
          if (ring === 0) break;
        }
      }
    }
    if (best < 0) return undefined;
    const from = g.tail[best] as number;
    const to = g.head[best] as number;
    return {
      edge: best,
      twin: g.findEdge(to, from),
      from,
      to,
      t: bestT,
      distanceM: Math.sqrt(bestD2),
      lon: (g.lon[from] as number) + bestT * ((g.lon[to] as number) - (g.lon[from] as number)),
      lat: (g.lat[from] as number) + bestT * ((g.lat[to] as number) - (g.lat[from] as number)),
    };
  }

  /** Nearest graph node to a point (through the nearest road), or -1. */
  nearestNode(lon: number, lat: number, maxDistanceM = 2000): number {
    const s = this.snap(lon, lat, maxDistanceM);
    if (!s) return -1;
    return s.t < 0.5 ? s.from : s.to;
  }
}

/** Seeds (nodes and initial seconds) for a search that starts at a snapped point. */
export function seedsLeaving(snap: Snap, w: Float64Array): { nodes: number[]; seconds: number[] } {
  const nodes = [snap.to];
  const seconds = [(1 - snap.t) * (w[snap.edge] as number)];
  if (snap.twin >= 0) {
    nodes.push(snap.from);
    seconds.push(snap.t * (w[snap.twin] as number));
  }
  return { nodes, seconds };
}

/** Seeds for a reverse search towards a snapped point (times to reach the point). */
export function seedsArriving(snap: Snap, w: Float64Array): { nodes: number[]; seconds: number[] } {
  const nodes = [snap.from];
  const seconds = [snap.t * (w[snap.edge] as number)];
  if (snap.twin >= 0) {
    nodes.push(snap.to);
    seconds.push((1 - snap.t) * (w[snap.twin] as number));
  }
  return { nodes, seconds };
}

/**
 * Time to leave a snapped point and reach the seeds, given `timeTo(node)` from a reverse search
 * (the same formula gives arrival time at the point from forward-search times).
 */
export function timeViaSnap(
  snap: Snap,
  w: Float64Array,
  timeTo: (node: number) => number,
  leaving: boolean,
): number {
  if (leaving) {
    let best = (1 - snap.t) * (w[snap.edge] as number) + timeTo(snap.to);
    if (snap.twin >= 0) best = Math.min(best, snap.t * (w[snap.twin] as number) + timeTo(snap.from));
    return best;
  }
  let best = timeTo(snap.from) + snap.t * (w[snap.edge] as number);
  if (snap.twin >= 0) best = Math.min(best, timeTo(snap.to) + (1 - snap.t) * (w[snap.twin] as number));
  return best;
}

/**
 * Drive time from snapped point `a` to snapped point `b` without leaving their road, when both
 * lie on the same road and `b` is ahead in an allowed direction; otherwise Infinity. Searches
 * through nodes miss this case, so callers take the minimum of both.
 */
export function sameRoadSeconds(a: Snap, b: Snap, w: Float64Array): number {
  let best = Number.POSITIVE_INFINITY;
  if (a.edge === b.edge && b.t >= a.t) best = (b.t - a.t) * (w[a.edge] as number);
  // a on edge e (u→v) at t; b on twin (v→u) at s means b is at 1-s along e.
  if (a.twin >= 0 && a.twin === b.edge && 1 - b.t <= a.t)
    best = Math.min(best, (a.t - (1 - b.t)) * (w[a.twin] as number));
  if (a.twin >= 0 && a.twin === b.twin && b.t <= a.t)
    best = Math.min(best, (a.t - b.t) * (w[a.twin] as number));
  if (b.twin >= 0 && a.edge === b.twin && 1 - b.t >= a.t)
    best = Math.min(best, (1 - b.t - a.t) * (w[a.edge] as number));
  return best;
}
