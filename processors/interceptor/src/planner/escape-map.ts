/**
 * Where a fleeing vehicle can leave the map, and how far every junction is from each way out.
 *
 * The exits are the road nodes at the edge of the road network, where a road runs off the map (see
 * {@link findExits}). Exits are grouped into stretches of the edge (k-means on position), and for
 * each stretch one reverse search gives every node's time to it as the driver sees it (edge times
 * times the road-class costs). These potentials guide the escape-route sampler; they depend only on
 * the graph, its edge times and the class costs, so they are built once and cached.
 */
import { Dijkstra, type RoadGraph } from '@fenghuo/city';

/** A stretch of the map's edge: exits close to each other. */
export interface ExitGroup {
  readonly nodes: Int32Array;
  /**
   * Distinct ways out in the stretch: exits closer than `placeM` to each other count once (a
   * village's outward-facing streets are one place to leave by).
   */
  readonly places: number;
  /** Centroid in the graph's projected metres. */
  readonly x: number;
  readonly y: number;
}

export interface EscapeMap {
  readonly exits: Int32Array;
  /** 1 for exit nodes. */
  readonly isExit: Uint8Array;
  /** Group index of each exit node (-1 elsewhere). */
  readonly groupOf: Int32Array;
  readonly groups: readonly ExitGroup[];
  /** Per group: perceived seconds from every node to the group's nearest exit (Infinity: cannot). */
  readonly potentials: readonly Float64Array[];
  /** Perceived seconds from every node to the nearest exit of any group. */
  readonly nearest: Float64Array;
  /** Per edge: the time as the driver weighs it (drive time × road-class cost). */
  readonly driverCost: Float64Array;
}

export interface EscapeMapOptions {
  /** The ways out, when the caller knows them (a pack that lists them, tests); else found by {@link findExits}. */
  readonly exits?: Int32Array;
  /**
   * How far ahead of a road's end the map must be empty for it to be an exit, in metres.
   * @defaultValue 15 % of the map's diagonal, between 500 and 5,000
   */
  readonly lookM?: number;
  /**
   * Half-angle of the empty cone ahead, in degrees.
   * @defaultValue 35
   */
  readonly coneDeg?: number;
  /**
   * Exits lie at most this far inside the convex hull of the network, in metres (a long rural road
   * can leave an empty cone ahead of a junction deep inside the map).
   * @defaultValue 8 % of the map's diagonal, at least 300
   */
  readonly hullBandM?: number;
  /**
   * Most stretches of edge the exits are grouped into.
   * @defaultValue 16
   */
  readonly maxGroups?: number;
  /**
   * Exits closer than this (metres) are one way out when weighing stretches of the edge.
   * @defaultValue 2 % of the map's diagonal, at least 300
   */
  readonly placeM?: number;
}

const cache = new WeakMap<Float64Array, Map<string, EscapeMap>>();

/**
 * The escape map of a graph under edge times `weights` and per-class cost multipliers
 * `classCost` (indexed by the city's `RoadClass`), cached per `weights` array and costs.
 */
export function escapeMapFor(
  graph: RoadGraph,
  weights: Float64Array,
  classCost: ArrayLike<number>,
  options: EscapeMapOptions = {},
): EscapeMap {
  if (options.exits) return buildEscapeMap(graph, weights, classCost, options);
  const key = `${Array.from(classCost).join(',')}|${options.lookM ?? ''}|${options.coneDeg ?? ''}|${options.hullBandM ?? ''}|${options.maxGroups ?? ''}|${options.placeM ?? ''}`;
  let perWeights = cache.get(weights);
  if (!perWeights) {
    perWeights = new Map();
    cache.set(weights, perWeights);
  }
  let map = perWeights.get(key);
  if (!map) {
    map = buildEscapeMap(graph, weights, classCost, options);
    perWeights.set(key, map);
  }
  return map;
}

export function buildEscapeMap(
  graph: RoadGraph,
  weights: Float64Array,
  classCost: ArrayLike<number>,
  options: EscapeMapOptions = {},
): EscapeMap {
  const n = graph.nodeCount;
  const exits = options.exits ?? findExits(graph, options);
  const isExit = new Uint8Array(n);
  for (const v of exits) isExit[v] = 1;
  const groups = groupExits(
    graph,
    exits,
    options.maxGroups ?? 16,
    options.placeM ?? Math.max(300, 0.02 * mapDiagonal(graph)),
  );
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((g, i) => {
    for (const v of g.nodes) groupOf[v] = i;
  });

  const driverCost = new Float64Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++) {
    driverCost[e] = (weights[e] as number) * ((classCost[graph.roadClass[e] as number] as number) || 1);
  }
  const engine = new Dijkstra(graph);
  const potentials = groups.map((g) => {
    engine.run(g.nodes, undefined, { weights: driverCost, direction: 'reverse' });
    return engine.copyTimes();
  });
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (const p of potentials) {
    for (let v = 0; v < n; v++) if ((p[v] as number) < (nearest[v] as number)) nearest[v] = p[v] as number;
  }
  return { exits, isExit, groupOf, groups, potentials, nearest, driverCost };
}

/**
 * The nodes where a road runs off the map: near the convex hull of the network (within
 * `hullBandM`), and some road into the node, carried on straight past it, meets no other node within
 * a cone (half-angle `coneDeg`) of length `lookM`. A cul-de-sac in a town has streets ahead of it; a
 * road cut where the map ends has none.
 */
export function findExits(graph: RoadGraph, options: EscapeMapOptions = {}): Int32Array {
  const n = graph.nodeCount;
  if (n === 0) return new Int32Array(0);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = graph.x[i] as number;
    const y = graph.y[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const diag = Math.hypot(maxX - minX, maxY - minY);
  const look = options.lookM ?? Math.min(5000, Math.max(500, 0.15 * diag));
  const cosCone = Math.cos(((options.coneDeg ?? 35) * Math.PI) / 180);
  // Bucket grid of nodes.
  const cell = Math.max(look / 6, 1);
  const cols = Math.floor((maxX - minX) / cell) + 1;
  const rows = Math.floor((maxY - minY) / cell) + 1;
  const bucketOf = (i: number) =>
    Math.floor(((graph.y[i] as number) - minY) / cell) * cols +
    Math.floor(((graph.x[i] as number) - minX) / cell);
  const start = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i) + 1;
    start[b] = (start[b] as number) + 1;
  }
  for (let b = 0; b < cols * rows; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const fill = start.slice(0, cols * rows);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    items[fill[b] as number] = i;
    fill[b] = (fill[b] as number) + 1;
  }
  const look2 = look * look;
  const spread = look * Math.sqrt(1 - cosCone * cosCone);
  const coneIsEmpty = (v: number, dx: number, dy: number): boolean => {
    const vx = graph.x[v] as number;
    const vy = graph.y[v] as number;
    const ex = vx + dx * look;
    const ey = vy + dy * look;
    const c0 = Math.max(0, Math.floor((Math.min(vx, ex) - spread - minX) / cell));
    const c1 = Math.min(cols - 1, Math.floor((Math.max(vx, ex) + spread - minX) / cell));
    const r0 = Math.max(0, Math.floor((Math.min(vy, ey) - spread - minY) / cell));
    const r1 = Math.min(rows - 1, Math.floor((Math.max(vy, ey) + spread - minY) / cell));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const b = r * cols + c;
        for (let k = start[b] as number, end = start[b + 1] as number; k < end; k++) {
          const w = items[k] as number;
          const wx = (graph.x[w] as number) - vx;
          const wy = (graph.y[w] as number) - vy;
          const d2 = wx * wx + wy * wy;
          if (d2 === 0 || d2 > look2) continue;
          if (wx * dx + wy * dy >= cosCone * Math.sqrt(d2)) return false;
        }
      }
    }
    return true;
  };
  const hull = convexHull(graph);
  const band = options.hullBandM ?? Math.max(300, 0.08 * diag);
  const out: number[] = [];
  for (let v = 0; v < n; v++) {
    if (distanceInsideHull(hull, graph.x[v] as number, graph.y[v] as number) > band) continue;
    let exit = false;
    const check = (u: number) => {
      if (exit || u === v) return;
      const dx = (graph.x[v] as number) - (graph.x[u] as number);
      const dy = (graph.y[v] as number) - (graph.y[u] as number);
      const len = Math.hypot(dx, dy);
      if (len > 0 && coneIsEmpty(v, dx / len, dy / len)) exit = true;
    };
    for (let e = graph.firstOut[v] as number; e < (graph.firstOut[v + 1] as number); e++)
      check(graph.head[e] as number);
    for (let i = graph.firstIn[v] as number; i < (graph.firstIn[v + 1] as number); i++)
      check(graph.tail[graph.inEdge[i] as number] as number);
    if (exit) out.push(v);
  }
  return Int32Array.from(out);
}

/** Convex hull (counter-clockwise, projected metres) by Andrew's monotone chain. */
function convexHull(graph: RoadGraph): Float64Array {
  const idx = Array.from({ length: graph.nodeCount }, (_, i) => i);
  idx.sort(
    (a, b) =>
      (graph.x[a] as number) - (graph.x[b] as number) || (graph.y[a] as number) - (graph.y[b] as number),
  );
  const cross = (o: number, a: number, b: number) =>
    ((graph.x[a] as number) - (graph.x[o] as number)) * ((graph.y[b] as number) - (graph.y[o] as number)) -
    ((graph.y[a] as number) - (graph.y[o] as number)) * ((graph.x[b] as number) - (graph.x[o] as number));
  const lower: number[] = [];
  for (const p of idx) {
    while (
      lower.length >= 2 &&
      cross(lower[lower.length - 2] as number, lower[lower.length - 1] as number, p) <= 0
    )
      lower.pop();
    lower.push(p);
  }
  const upper: number[] = [];
  for (let i = idx.length - 1; i >= 0; i--) {
    const p = idx[i] as number;
    while (
      upper.length >= 2 &&
      cross(upper[upper.length - 2] as number, upper[upper.length - 1] as number, p) <= 0
    )
      upper.pop();
    upper.push(p);
  }
  const ring = lower.slice(0, -1).concat(upper.slice(0, -1));
  const out = new Float64Array(ring.length * 2);
  ring.forEach((v, i) => {
    out[2 * i] = graph.x[v] as number;
    out[2 * i + 1] = graph.y[v] as number;
  });
  return out;
}

/** Distance from a point inside a convex polygon to its boundary (0 on or outside it). */
function distanceInsideHull(hull: Float64Array, x: number, y: number): number {
  const m = hull.length / 2;
  if (m < 3) return 0;
  let best = Infinity;
  for (let i = 0; i < m; i++) {
    const ax = hull[2 * i] as number;
    const ay = hull[2 * i + 1] as number;
    const bx = hull[(2 * i + 2) % hull.length] as number;
    const by = hull[(2 * i + 3) % hull.length] as number;
    const len = Math.hypot(bx - ax, by - ay);
    if (len === 0) continue;
    // Signed distance to the edge's line, positive inside a counter-clockwise ring.
    const d = ((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / len;
    if (d < best) best = d;
  }
  return Math.max(0, best);
}

function mapDiagonal(graph: RoadGraph): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < graph.nodeCount; i++) {
    minX = Math.min(minX, graph.x[i] as number);
    maxX = Math.max(maxX, graph.x[i] as number);
    minY = Math.min(minY, graph.y[i] as number);
    maxY = Math.max(maxY, graph.y[i] as number);
  }
  return graph.nodeCount > 0 ? Math.hypot(maxX - minX, maxY - minY) : 0;
}

/** Number of places among `nodes`: greedy cover by discs of radius `placeM`. */
function countPlaces(graph: RoadGraph, nodes: readonly number[], placeM: number): number {
  const centres: number[] = [];
  for (const v of nodes) {
    const near = centres.some(
      (c) =>
        Math.hypot(
          (graph.x[v] as number) - (graph.x[c] as number),
          (graph.y[v] as number) - (graph.y[c] as number),
        ) < placeM,
    );
    if (!near) centres.push(v);
  }
  return centres.length;
}

/** k-means on exit positions, seeded by farthest-point sampling (deterministic). */
function groupExits(graph: RoadGraph, exits: Int32Array, maxGroups: number, placeM: number): ExitGroup[] {
  const m = exits.length;
  if (m === 0) return [];
  const k = Math.max(1, Math.min(maxGroups, m));
  const px = Float64Array.from(exits, (v) => graph.x[v] as number);
  const py = Float64Array.from(exits, (v) => graph.y[v] as number);
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  cx[0] = px[0] as number;
  cy[0] = py[0] as number;
  const best = new Float64Array(m).fill(Infinity);
  for (let j = 1; j < k; j++) {
    let far = 0;
    for (let i = 0; i < m; i++) {
      const d =
        ((px[i] as number) - (cx[j - 1] as number)) ** 2 + ((py[i] as number) - (cy[j - 1] as number)) ** 2;
      if (d < (best[i] as number)) best[i] = d;
      if ((best[i] as number) > (best[far] as number)) far = i;
    }
    cx[j] = px[far] as number;
    cy[j] = py[far] as number;
  }
  const label = new Int32Array(m);
  for (let iter = 0; iter < 12; iter++) {
    for (let i = 0; i < m; i++) {
      let bj = 0;
      let bd = Infinity;
      for (let j = 0; j < k; j++) {
        const d = ((px[i] as number) - (cx[j] as number)) ** 2 + ((py[i] as number) - (cy[j] as number)) ** 2;
        if (d < bd) {
          bd = d;
          bj = j;
        }
      }
      label[i] = bj;
    }
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const cnt = new Int32Array(k);
    for (let i = 0; i < m; i++) {
      const j = label[i] as number;
      sx[j] = (sx[j] as number) + (px[i] as number);
      sy[j] = (sy[j] as number) + (py[i] as number);
      cnt[j] = (cnt[j] as number) + 1;
    }
    for (let j = 0; j < k; j++) {
      if (cnt[j]) {
        cx[j] = (sx[j] as number) / (cnt[j] as number);
        cy[j] = (sy[j] as number) / (cnt[j] as number);
      }
    }
  }
  const groups: ExitGroup[] = [];
  for (let j = 0; j < k; j++) {
    const nodes: number[] = [];
    for (let i = 0; i < m; i++) if (label[i] === j) nodes.push(exits[i] as number);
    if (nodes.length > 0)
      groups.push({
        nodes: Int32Array.from(nodes),
        places: countPlaces(graph, nodes, placeM),
        x: cx[j] as number,
        y: cy[j] as number,
      });
  }
  return groups;
}
