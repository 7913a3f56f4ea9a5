/** Travel-time isochrones: the nodes reached within a limit and the area around their roads. */
import type { Ring } from './geo.js';
import { ringAreaM2 } from './geo.js';
import type { RoadGraph } from './graph.js';
import { Raster } from './raster-polygons.js';

export interface IsochroneOptions {
  /** Half-width of the area drawn around each reached road, in metres. @defaultValue 60 */
  bufferM?: number;
  /** Raster resolution in metres. @defaultValue 30 */
  cellM?: number;
}

export interface Isochrone {
  /** The drive-time limit in seconds. */
  readonly seconds: number;
  /** Nodes whose earliest arrival time is `<= seconds`, in no particular order. */
  readonly nodes: Int32Array;
  /** GeoJSON MultiPolygon coordinates (`[lon, lat]` rings, outer first then holes). */
  readonly polygons: Ring[][];
  /** Area of the polygons in square metres. */
  readonly areaM2: number;
}

/**
 * Builds one isochrone per limit from per-node earliest arrival times (`Infinity` = unreached),
 * e.g. {@link Dijkstra.copyTimes} after a forward search. Roads are drawn up to the point the
 * limit allows, so partly reached edges count partly.
 */
export function buildIsochrones(
  graph: RoadGraph,
  times: Float64Array,
  limitsS: readonly number[],
  weights: Float64Array = graph.freeFlowS,
  options: IsochroneOptions = {},
): Isochrone[] {
  return limitsS.map((limit) => buildIsochrone(graph, times, limit, weights, options));
}

export function buildIsochrone(
  graph: RoadGraph,
  times: Float64Array,
  limitS: number,
  weights: Float64Array = graph.freeFlowS,
  options: IsochroneOptions = {},
): Isochrone {
  const bufferM = options.bufferM ?? 60;
  const cellM = options.cellM ?? 30;
  const n = graph.nodeCount;
  let count = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if ((times[i] as number) > limitS) continue;
    count++;
    // Partial edges end within one edge of a reached node; include their heads in the box.
    for (let e = graph.firstOut[i] as number; e < (graph.firstOut[i + 1] as number); e++) {
      for (const v of [i, graph.head[e] as number]) {
        const x = graph.x[v] as number;
        const y = graph.y[v] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    const x = graph.x[i] as number;
    const y = graph.y[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const nodes = new Int32Array(count);
  if (count === 0) return { seconds: limitS, nodes, polygons: [], areaM2: 0 };
  let k = 0;
  for (let i = 0; i < n; i++) if ((times[i] as number) <= limitS) nodes[k++] = i;

  const pad = bufferM + 2 * cellM;
  const raster = new Raster(minX - pad, minY - pad, cellM, maxX - minX + 2 * pad, maxY - minY + 2 * pad);
  const radius = Math.max(0, Math.round(bufferM / cellM));
  for (let j = 0; j < count; j++) {
    const u = nodes[j] as number;
    const tu = times[u] as number;
    const ax = graph.x[u] as number;
    const ay = graph.y[u] as number;
    let drew = false;
    for (let e = graph.firstOut[u] as number; e < (graph.firstOut[u + 1] as number); e++) {
      const v = graph.head[e] as number;
      const w = weights[e] as number;
      const f = w > 0 ? Math.min(1, (limitS - tu) / w) : 1;
      if (f <= 0) continue;
      const bx = ax + f * ((graph.x[v] as number) - ax);
      const by = ay + f * ((graph.y[v] as number) - ay);
      raster.drawSegment(ax, ay, bx, by, radius);
      drew = true;
    }
    if (!drew) raster.drawSegment(ax, ay, ax, ay, radius);
  }
  const polygons = raster.toPolygons(graph.projection);
  let areaM2 = 0;
  for (const poly of polygons) for (const ring of poly) areaM2 += ringAreaM2(ring, graph.projection);
  return { seconds: limitS, nodes, polygons, areaM2 };
}
