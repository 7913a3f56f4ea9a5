/**
 * Response circles: the 1, 3 and 5-minute drive-time areas of every post, plus how much of the
 * city the posts cover together and where the gaps are.
 */
import type { Ring } from './geo.js';
import type { Isochrone, IsochroneOptions } from './isochrone.js';
import type { CityPack } from './pack.js';
import { Raster } from './raster-polygons.js';
import type { Router } from './router.js';
import { seedsLeaving } from './snap.js';

/** The limits drawn on the map, in seconds. */
export const RESPONSE_LIMITS_S: readonly number[] = [60, 180, 300];

export interface ResponseCircle {
  readonly postId: string;
  readonly isochrones: readonly Isochrone[];
}

export interface CoverageFigure {
  readonly limitS: number;
  /** Share (0-1) of grid cells whose centre is reached by some post within the limit. */
  readonly cellShare: number;
  /** Share (0-1) of road length (both directions) reached within the limit. */
  readonly roadLengthShare: number;
}

export interface ResponseCoverage {
  readonly circles: readonly ResponseCircle[];
  readonly coverage: readonly CoverageFigure[];
  /** Areas around roads that no post reaches within the largest limit (MultiPolygon coordinates). */
  readonly gaps: Ring[][];
  /** Earliest arrival from the nearest post at every node, in seconds. */
  readonly nodeTimes: Float64Array;
}

export interface ResponseOptions extends IsochroneOptions {
  /** @defaultValue RESPONSE_LIMITS_S */
  limitsS?: readonly number[];
  /** Hour of day for the speed profile. @defaultValue 12 */
  hour?: number;
}

/** Computes every post's circles and the city-wide coverage (call once at start and cache). */
export function computeResponseCoverage(
  pack: CityPack,
  router: Router,
  options: ResponseOptions = {},
): ResponseCoverage {
  const limits = options.limitsS ?? RESPONSE_LIMITS_S;
  const maxLimit = Math.max(...limits);
  const g = pack.graph;
  const w = router.weights(options.hour);
  const circles: ResponseCircle[] = pack.posts.map((post) => ({
    postId: post.id,
    isochrones: router.isochrones({ position: post.position }, limits, options),
  }));

  // One multi-source search from all posts gives the nearest-post time at every node.
  const seedNodes: number[] = [];
  const seedSeconds: number[] = [];
  for (const post of pack.posts) {
    const s = router.snap(post.position);
    if (!s) continue;
    const seeds = seedsLeaving(s, w);
    seedNodes.push(...seeds.nodes);
    seedSeconds.push(...seeds.seconds);
  }
  router.dijkstra.run(seedNodes, seedSeconds, { weights: w });
  const nodeTimes = router.dijkstra.copyTimes();

  const total = g.totalLengthM();
  const coverage: CoverageFigure[] = limits.map((limit) => {
    let reached = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      const tu = nodeTimes[g.tail[e] as number] as number;
      if (tu >= limit) continue;
      const f = Math.min(1, (limit - tu) / (w[e] as number));
      reached += f * (g.lengthM[e] as number);
    }
    let cellsReached = 0;
    for (const cell of pack.cells) {
      const ring = cell.polygon[0];
      if (!ring || ring.length < 2) continue;
      let cx = 0;
      let cy = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        cx += (ring[i] as Ring[number])[0];
        cy += (ring[i] as Ring[number])[1];
      }
      const s = router.snap([cx / (ring.length - 1), cy / (ring.length - 1)]);
      if (!s) continue;
      const t = Math.min(
        (nodeTimes[s.from] as number) + s.t * (w[s.edge] as number),
        s.twin >= 0
          ? (nodeTimes[s.to] as number) + (1 - s.t) * (w[s.twin] as number)
          : Number.POSITIVE_INFINITY,
      );
      if (t <= limit) cellsReached++;
    }
    return {
      limitS: limit,
      cellShare: pack.cells.length ? cellsReached / pack.cells.length : 0,
      roadLengthShare: total > 0 ? reached / total : 0,
    };
  });

  // Gaps: draw the parts of roads beyond the largest limit and trace them.
  const cellM = options.cellM ?? 50;
  const bufferM = options.bufferM ?? 60;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < g.nodeCount; i++) {
    minX = Math.min(minX, g.x[i] as number);
    maxX = Math.max(maxX, g.x[i] as number);
    minY = Math.min(minY, g.y[i] as number);
    maxY = Math.max(maxY, g.y[i] as number);
  }
  const pad = bufferM + 2 * cellM;
  const raster = new Raster(minX - pad, minY - pad, cellM, maxX - minX + 2 * pad, maxY - minY + 2 * pad);
  const radius = Math.max(0, Math.round(bufferM / cellM));
  for (let e = 0; e < g.edgeCount; e++) {
    const u = g.tail[e] as number;
    const v = g.head[e] as number;
    const tu = nodeTimes[u] as number;
    const f = tu >= maxLimit ? 0 : Math.min(1, (maxLimit - tu) / (w[e] as number));
    if (f >= 1) continue;
    const ax = g.x[u] as number;
    const ay = g.y[u] as number;
    const bx = g.x[v] as number;
    const by = g.y[v] as number;
    // The unreached part of u→v starts where the limit runs out; when the road is two-way and v
    // is reached in time, the far end is covered from v.
    const tv = nodeTimes[v] as number;
    const twin = g.findEdge(v, u, w);
    const g0 = f;
    const g1 =
      twin >= 0 && tv < maxLimit && (w[twin] as number) > 0
        ? Math.max(g0, 1 - (maxLimit - tv) / (w[twin] as number))
        : 1;
    if (g1 <= g0) continue;
    raster.drawSegment(
      ax + g0 * (bx - ax),
      ay + g0 * (by - ay),
      ax + g1 * (bx - ax),
      ay + g1 * (by - ay),
      radius,
    );
  }
  return { circles, coverage, gaps: raster.toPolygons(g.projection), nodeTimes };
}
