/**
 * Filling in what imported road data lacks: square grid cells over the area, stations and posts
 * spread over the roads (farthest-point sampling), each cell given to a station, districts, units at
 * posts, a community officer per cell and a duty desk per station, cameras at intersections.
 * All deterministic for a given graph.
 */
import { bboxOfCoords, type LonLat, type Ring } from './geo.js';
import type { RoadGraph } from './graph.js';
import {
  assignCellStations,
  type CellDraft,
  communityUnits,
  groupStationsIntoDistricts,
  stationLocator,
} from './jurisdiction.js';
import {
  type Camera,
  CITY_PACK_VERSION,
  type CityPack,
  type CityPackMeta,
  type District,
  type Post,
  type Station,
  type Unit,
} from './pack.js';
import { RoadClass } from './road-class.js';

export interface PlacementOptions {
  /** Side of a square grid cell in metres. @defaultValue chosen so there are at most ~400 cells, never below 250 m */
  cellSizeM?: number;
  /** Number of posts when none are supplied. @defaultValue nodes / 250, between 3 and 90 */
  posts?: number;
  /**
   * Layers supplied by the user (e.g. read with `readPosts`); they replace the generated ones.
   * Cells without a `stationId` go to the station standing in them, else the nearest; community
   * officers and duty desks missing from `units` are added.
   */
  cells?: CellDraft[];
  stations?: Station[];
  districts?: District[];
  postsLayer?: Post[];
  units?: Unit[];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const r7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** Square grid cells over the graph's bounding box; only cells with at least one road node are kept. */
export function squareGridCells(graph: RoadGraph, cellSizeM?: number): CellDraft[] {
  const [minLon, minLat, maxLon, maxLat] = bboxOfCoords(graph.lon, graph.lat);
  const p = graph.projection;
  const x0 = p.x(minLon);
  const y0 = p.y(minLat);
  const w = p.x(maxLon) - x0;
  const h = p.y(maxLat) - y0;
  const size = cellSizeM ?? Math.max(250, Math.sqrt((w * h) / 400));
  const cols = Math.max(1, Math.ceil(w / size + 1e-9));
  const rows = Math.max(1, Math.ceil(h / size + 1e-9));
  const hasNode = new Uint8Array(cols * rows);
  for (let i = 0; i < graph.nodeCount; i++) {
    const c = Math.min(cols - 1, Math.floor(((graph.x[i] as number) - x0) / size));
    const r = Math.min(rows - 1, Math.floor(((graph.y[i] as number) - y0) / size));
    hasNode[r * cols + c] = 1;
  }
  const cells: CellDraft[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!hasNode[r * cols + c]) continue;
      const v = (cc: number, rr: number): LonLat => [r7(p.lon(x0 + cc * size)), r7(p.lat(y0 + rr * size))];
      const ring: Ring = [v(c, r), v(c + 1, r), v(c + 1, r + 1), v(c, r + 1), v(c, r)];
      cells.push({
        id: `cell-${pad(r + 1, 3)}${pad(c + 1, 3)}`,
        officerId: `officer-${pad(cells.length + 1, 4)}`,
        polygon: [ring],
      });
    }
  }
  return cells;
}

/** Picks `k` nodes spread over the graph: start near the centroid, then always the farthest. */
export function farthestPointNodes(graph: RoadGraph, k: number): number[] {
  const n = graph.nodeCount;
  if (n === 0 || k <= 0) return [];
  let start = 0;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const d = (graph.x[i] as number) ** 2 + (graph.y[i] as number) ** 2;
    if (d < bestD) {
      bestD = d;
      start = i;
    }
  }
  const minD = new Float64Array(n).fill(Infinity);
  const chosen = [start];
  for (;;) {
    const last = chosen[chosen.length - 1] as number;
    let far = -1;
    let farD = -1;
    for (let i = 0; i < n; i++) {
      const d =
        ((graph.x[i] as number) - (graph.x[last] as number)) ** 2 +
        ((graph.y[i] as number) - (graph.y[last] as number)) ** 2;
      if (d < (minD[i] as number)) minD[i] = d;
      if ((minD[i] as number) > farD) {
        farD = minD[i] as number;
        far = i;
      }
    }
    if (chosen.length >= k || farD <= 0) break;
    chosen.push(far);
  }
  return chosen;
}

/** Intersections (3+ distinct neighbours) on tertiary or larger roads. */
export function intersectionCameras(graph: RoadGraph): Camera[] {
  const cams: Camera[] = [];
  const neighbours = new Set<number>();
  for (let v = 0; v < graph.nodeCount; v++) {
    neighbours.clear();
    let major = false;
    for (let e = graph.firstOut[v] as number; e < (graph.firstOut[v + 1] as number); e++) {
      neighbours.add(graph.head[e] as number);
      if ((graph.roadClass[e] as number) <= RoadClass.tertiary) major = true;
    }
    for (let k = graph.firstIn[v] as number; k < (graph.firstIn[v + 1] as number); k++) {
      const e = graph.inEdge[k] as number;
      neighbours.add(graph.tail[e] as number);
      if ((graph.roadClass[e] as number) <= RoadClass.tertiary) major = true;
    }
    if (major && neighbours.size >= 3) {
      cams.push({
        id: `cam-${pad(cams.length + 1, 5)}`,
        nodeId: graph.nodeId[v] as number,
        position: [graph.lon[v] as number, graph.lat[v] as number],
      });
    }
  }
  return cams;
}

/** Completes a pack around an imported graph. */
export function completePack(
  graph: RoadGraph,
  meta: Omit<CityPackMeta, 'bbox'>,
  options: PlacementOptions = {},
): CityPack {
  const at = (i: number): LonLat => [graph.lon[i] as number, graph.lat[i] as number];
  const postCount = options.posts ?? Math.max(3, Math.min(90, Math.round(graph.nodeCount / 250)));
  const stations =
    options.stations ??
    farthestPointNodes(graph, Math.max(1, Math.ceil(postCount / 13))).map((node, i) => ({
      id: `station-${pad(i + 1, 2)}`,
      name: `Station ${i + 1}`,
      position: at(node),
    }));
  const cells = assignCellStations(
    graph,
    options.cells ?? squareGridCells(graph, options.cellSizeM),
    stations,
  );
  const stationAt = stationLocator(graph, cells, stations);
  const posts =
    options.postsLayer ??
    farthestPointNodes(graph, postCount).map((node, i) => ({
      id: `post-${pad(i + 1, 3)}`,
      name: `Post ${i + 1}`,
      stationId: stationAt(at(node)),
      position: at(node),
    }));
  const homes: (Post | Station)[] = [...posts.flatMap((p) => [p, p]), ...stations];
  const patrols: Unit[] =
    options.units ??
    homes.map((home, i): Unit => {
      const stationId = 'stationId' in home ? home.stationId : home.id;
      const kind = i % 5 === 4 ? 'motorcycle' : 'patrol_car';
      return {
        id: `unit-${pad(i + 1, 3)}`,
        callSign: `${kind === 'motorcycle' ? 'M' : 'P'}-${pad(i + 1, 3)}`,
        kind,
        homeId: home.id,
        stationId,
        position: home.position,
      };
    });
  return {
    version: CITY_PACK_VERSION,
    meta: { ...meta, bbox: bboxOfCoords(graph.lon, graph.lat) },
    graph,
    cells,
    stations,
    districts: options.districts ?? groupStationsIntoDistricts(graph, stations),
    posts,
    units: [...patrols, ...communityUnits(graph, cells, stations, patrols)],
    cameras: intersectionCameras(graph),
  };
}
