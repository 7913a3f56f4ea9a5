/**
 * Deterministic generator of a plausible city: a jittered street lattice with arterials every
 * 800 m, a one-way grid in the core, two ring roads with interchanges, a meandering river crossed
 * only on bridges, grid cells with officers, stations with their areas and duty desks, districts,
 * posts, units and intersection cameras.
 * The same options always give the same pack (node ids included).
 */
import { filterGraphInput, largestStronglyConnectedComponent } from './components.js';
import { bboxOfCoords, LocalProjection, type LonLat, type Ring } from './geo.js';
import { RoadGraph, type RoadGraphInput } from './graph.js';
import {
  assignCellStations,
  type CellDraft,
  communityUnits,
  groupStationsIntoDistricts,
  stationLocator,
} from './jurisdiction.js';
import { type Camera, CITY_PACK_VERSION, type CityPack, type Post, type Station, type Unit } from './pack.js';
import { SeededRandom } from './random.js';
import { DEFAULT_SPEED_KPH, RoadClass } from './road-class.js';
import { SnapIndex } from './snap.js';

export interface GenerateOptions {
  /** Pack name. @defaultValue 'default' */
  name?: string;
  /** Random seed. @defaultValue 1955 */
  seed?: number;
  /** Approximate number of road nodes. @defaultValue 22000 */
  targetNodes?: number;
  /** Grid cells per side (cells = side²). @defaultValue 20 */
  cellsPerSide?: number;
  /** @defaultValue 7 */
  stations?: number;
  /** @defaultValue 90 */
  posts?: number;
  /** Patrol units (community officers, one per cell, and duty desks, one per station, come on top). @defaultValue 200 */
  units?: number;
  /** Geographic centre of the city. @defaultValue [120.15, 30.27] */
  origin?: LonLat;
  /** Street spacing in metres. @defaultValue 100 */
  spacingM?: number;
}

export const DEFAULT_SEED = 1955;

const STATION_NAMES = [
  'Central',
  'North',
  'North-East',
  'East',
  'South',
  'South-West',
  'West',
  'Harbour',
  'Hill',
];

interface EdgeList {
  from: number[];
  to: number[];
  length: number[];
  cls: number[];
}

function addEdge(list: EdgeList, a: number, b: number, len: number, cls: number, both: boolean): void {
  list.from.push(a);
  list.to.push(b);
  list.length.push(len);
  list.cls.push(cls);
  if (both) {
    list.from.push(b);
    list.to.push(a);
    list.length.push(len);
    list.cls.push(cls);
  }
}

function lineClass(k: number): number {
  if (k % 16 === 0) return RoadClass.primary;
  if (k % 8 === 0) return RoadClass.secondary;
  if (k % 4 === 0) return RoadClass.tertiary;
  return RoadClass.residential;
}

/** Generates a city pack in memory (see {@link GenerateOptions}). */
export function generateCity(options: GenerateOptions = {}): CityPack {
  const seed = options.seed ?? DEFAULT_SEED;
  const rnd = new SeededRandom(seed);
  const target = options.targetNodes ?? 22_000;
  const s = options.spacingM ?? 100;
  const origin = options.origin ?? [120.15, 30.27];
  const proj = new LocalProjection(origin[0], origin[1]);
  const L = Math.ceil(Math.sqrt(target * 1.04));
  const H = ((L - 1) * s) / 2;

  // River centreline y(x) and half-width.
  const riverPhase = rnd.range(0, Math.PI * 2);
  const riverY = (x: number) =>
    0.12 * H * Math.sin((Math.PI * x) / (1.3 * H) + riverPhase) +
    0.04 * H * Math.sin((Math.PI * x) / (0.37 * H)) -
    0.08 * H;
  const riverHalf = 0.8 * s;
  const side = (x: number, y: number) => (y > riverY(x) ? 1 : -1);

  const xs: number[] = [];
  const ys: number[] = [];
  const ids: number[] = [];
  const lattice = new Int32Array(L * L).fill(-1);
  for (let j = 0; j < L; j++) {
    for (let i = 0; i < L; i++) {
      const jitter =
        lineClass(i) === RoadClass.residential && lineClass(j) === RoadClass.residential
          ? 0.18 * s
          : 0.05 * s;
      const x = (i - (L - 1) / 2) * s + rnd.range(-jitter, jitter);
      const y = (j - (L - 1) / 2) * s + rnd.range(-jitter, jitter);
      if (Math.abs(y - riverY(x)) < riverHalf) continue;
      lattice[j * L + i] = xs.length;
      xs.push(x);
      ys.push(y);
      ids.push(j * L + i + 1);
    }
  }
  const core = 0.35 * H;
  const edges: EdgeList = { from: [], to: [], length: [], cls: [] };
  const dist = (a: number, b: number) =>
    Math.hypot((xs[a] as number) - (xs[b] as number), (ys[a] as number) - (ys[b] as number));
  const crossesRiver = (a: number, b: number) =>
    side(xs[a] as number, ys[a] as number) !== side(xs[b] as number, ys[b] as number);
  for (let j = 0; j < L; j++) {
    for (let i = 0; i < L; i++) {
      const a = lattice[j * L + i] as number;
      if (a < 0) continue;
      // East neighbour along row j.
      if (i + 1 < L) {
        const b = lattice[j * L + i + 1] as number;
        const cls = lineClass(j);
        if (b >= 0 && !crossesRiver(a, b) && !(cls === RoadClass.residential && rnd.chance(0.08))) {
          const inCore = Math.abs(xs[a] as number) < core && Math.abs(ys[a] as number) < core;
          if (cls === RoadClass.residential && inCore) {
            if (j % 2 === 0) addEdge(edges, a, b, dist(a, b), cls, false);
            else addEdge(edges, b, a, dist(a, b), cls, false);
          } else addEdge(edges, a, b, dist(a, b), cls, true);
        }
      }
      // North neighbour along column i (bridges on every 16th column).
      if (j + 1 < L) {
        const cls = lineClass(i);
        let b = lattice[(j + 1) * L + i] as number;
        let bridge = false;
        if (b < 0 && i % 16 === 8) {
          for (let jj = j + 1; jj < L && b < 0; jj++) b = lattice[jj * L + i] as number;
          bridge = b >= 0;
        }
        if (
          b >= 0 &&
          (bridge || !crossesRiver(a, b)) &&
          !(cls === RoadClass.residential && rnd.chance(0.08))
        ) {
          const inCore = Math.abs(xs[a] as number) < core && Math.abs(ys[a] as number) < core;
          if (cls === RoadClass.residential && inCore) {
            if (i % 2 === 0) addEdge(edges, a, b, dist(a, b), cls, false);
            else addEdge(edges, b, a, dist(a, b), cls, false);
          } else addEdge(edges, a, b, dist(a, b), bridge ? RoadClass.secondary : cls, true);
        }
      }
    }
  }

  // Ring roads (elevated: they cross the river on their own viaducts).
  const rings = [
    { radius: 0.34 * H, cls: RoadClass.trunk, squash: 0.9 },
    { radius: 0.7 * H, cls: RoadClass.motorway, squash: 0.85 },
  ];
  const ringIdBase = L * L + 1;
  for (const [r, ring] of rings.entries()) {
    const count = Math.max(16, Math.round((2 * Math.PI * ring.radius) / 150));
    const first = xs.length;
    const wobble = rnd.range(0, Math.PI * 2);
    for (let k = 0; k < count; k++) {
      const a = (2 * Math.PI * k) / count;
      const rr = ring.radius * (1 + 0.04 * Math.sin(3 * a + wobble));
      xs.push(rr * Math.cos(a));
      ys.push(rr * ring.squash * Math.sin(a));
      ids.push(ringIdBase + r * 100_000 + k);
    }
    for (let k = 0; k < count; k++) {
      const a = first + k;
      const b = first + ((k + 1) % count);
      addEdge(edges, a, b, dist(a, b), ring.cls, true);
    }
    // Interchanges: ring nodes close to an arterial lattice node, at most one per arterial crossing.
    const linked = new Set<number>();
    for (let k = 0; k < count; k++) {
      const a = first + k;
      const i = Math.round((xs[a] as number) / s + (L - 1) / 2);
      const j = Math.round((ys[a] as number) / s + (L - 1) / 2);
      if (i < 0 || j < 0 || i >= L || j >= L) continue;
      if (!(i % 8 === 0 || j % 8 === 0)) continue;
      const b = lattice[j * L + i] as number;
      if (b < 0 || linked.has(b) || linked.has(b - 1) || linked.has(b + 1) || dist(a, b) > 0.7 * s) continue;
      if (crossesRiver(a, b)) continue;
      linked.add(b);
      addEdge(edges, a, b, dist(a, b), RoadClass.secondary, true);
    }
  }

  const n = xs.length;
  const m = edges.from.length;
  const raw: RoadGraphInput = {
    lon: Float64Array.from(xs, (x) => proj.lon(x)),
    lat: Float64Array.from(ys, (y) => proj.lat(y)),
    nodeId: Float64Array.from(ids),
    from: Int32Array.from(edges.from),
    to: Int32Array.from(edges.to),
    lengthM: Float32Array.from(edges.length),
    speedKph: new Float32Array(m),
    roadClass: Uint8Array.from(edges.cls),
  };
  for (let e = 0; e < m; e++) raw.speedKph[e] = DEFAULT_SPEED_KPH[raw.roadClass[e] as number] as number;
  const mask = largestStronglyConnectedComponent(n, raw.from, raw.to);
  const graph = new RoadGraph(filterGraphInput(raw, mask).input);
  const snapIndex = new SnapIndex(graph);
  const toLonLat = (x: number, y: number): LonLat => [round7(proj.lon(x)), round7(proj.lat(y))];
  const onRoad = (x: number, y: number): LonLat => {
    const node = snapIndex.nearestNode(proj.lon(x), proj.lat(y), 5 * H);
    return [graph.lon[node] as number, graph.lat[node] as number];
  };

  // Grid cells: a jittered lattice of shared vertices, so the cells tile the city exactly.
  const side2 = options.cellsPerSide ?? 20;
  const ext = H + s;
  const cellSize = (2 * ext) / side2;
  const vx = new Float64Array((side2 + 1) * (side2 + 1));
  const vy = new Float64Array((side2 + 1) * (side2 + 1));
  for (let j = 0; j <= side2; j++) {
    for (let i = 0; i <= side2; i++) {
      const interior = i > 0 && j > 0 && i < side2 && j < side2;
      vx[j * (side2 + 1) + i] = -ext + i * cellSize + (interior ? rnd.range(-0.2, 0.2) * cellSize : 0);
      vy[j * (side2 + 1) + i] = -ext + j * cellSize + (interior ? rnd.range(-0.2, 0.2) * cellSize : 0);
    }
  }
  const cellDrafts: CellDraft[] = [];
  for (let j = 0; j < side2; j++) {
    for (let i = 0; i < side2; i++) {
      const v = (ii: number, jj: number): LonLat => {
        const k = jj * (side2 + 1) + ii;
        return toLonLat(vx[k] as number, vy[k] as number);
      };
      const ring: Ring = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)];
      const index = j * side2 + i;
      cellDrafts.push({
        id: `cell-${pad(j + 1, 2)}${pad(i + 1, 2)}`,
        officerId: `officer-${pad(index + 1, 4)}`,
        polygon: [ring],
      });
    }
  }

  const stationCount = options.stations ?? 7;
  const stations: Station[] = [];
  for (let k = 0; k < stationCount; k++) {
    const a = (2 * Math.PI * (k - 1)) / Math.max(1, stationCount - 1);
    const [x, y] = k === 0 ? [0, 0] : [0.55 * H * Math.cos(a), 0.55 * H * Math.sin(a)];
    stations.push({
      id: `station-${pad(k + 1, 2)}`,
      name: `${STATION_NAMES[k] ?? `District ${k + 1}`} Station`,
      position: onRoad(x, y),
    });
  }

  // Each cell belongs to the station standing in it, else the nearest; posts to their cell's station.
  const cells = assignCellStations(graph, cellDrafts, stations);
  const stationAt = stationLocator(graph, cells, stations);

  const postCount = options.posts ?? 90;
  const cols = Math.ceil(Math.sqrt(postCount));
  const rows = Math.ceil(postCount / cols);
  const posts: Post[] = [];
  for (let k = 0; k < postCount; k++) {
    const i = k % cols;
    const j = Math.floor(k / cols);
    const x = -H + ((i + 0.5) * 2 * H) / cols + rnd.range(-0.25, 0.25) * ((2 * H) / cols);
    const y = -H + ((j + 0.5) * 2 * H) / rows + rnd.range(-0.25, 0.25) * ((2 * H) / rows);
    const position = onRoad(x, y);
    posts.push({
      id: `post-${pad(k + 1, 3)}`,
      name: `Post ${pad(k + 1, 3)}`,
      stationId: stationAt(position),
      position,
    });
  }

  // Units: two per post, the rest spread over stations; each on patrol near its home.
  const unitCount = options.units ?? 200;
  const units: Unit[] = [];
  const homes: { id: string; stationId: string; position: LonLat }[] = [];
  for (const p of posts)
    homes.push(
      { id: p.id, stationId: p.stationId, position: p.position },
      { id: p.id, stationId: p.stationId, position: p.position },
    );
  for (let k = 0; homes.length < unitCount && stations.length > 0; k++) {
    const st = stations[k % stations.length] as Station;
    homes.push({ id: st.id, stationId: st.id, position: st.position });
  }
  for (let k = 0; k < unitCount && k < homes.length; k++) {
    const home = homes[k] as { id: string; stationId: string; position: LonLat };
    const kind = k % 5 === 4 ? 'motorcycle' : k % 11 === 10 ? 'foot' : 'patrol_car';
    const hx = proj.x(home.position[0]) + rnd.range(-600, 600);
    const hy = proj.y(home.position[1]) + rnd.range(-600, 600);
    units.push({
      id: `unit-${pad(k + 1, 3)}`,
      callSign: `${kind === 'motorcycle' ? 'M' : kind === 'foot' ? 'F' : 'P'}-${pad(k + 1, 3)}`,
      kind,
      homeId: home.id,
      stationId: home.stationId,
      position: onRoad(hx, hy),
    });
  }

  // Cameras: every intersection of two arterials, plus some other busy intersections.
  const cameras: Camera[] = [];
  for (let v = 0; v < graph.nodeCount; v++) {
    const classes = new Set<number>();
    let degree = 0;
    for (let e = graph.firstOut[v] as number; e < (graph.firstOut[v + 1] as number); e++) {
      degree++;
      classes.add(graph.roadClass[e] as number);
    }
    for (let k = graph.firstIn[v] as number; k < (graph.firstIn[v + 1] as number); k++) {
      degree++;
      classes.add(graph.roadClass[graph.inEdge[k] as number] as number);
    }
    const arterial = [...classes].filter((c) => c <= RoadClass.secondary).length;
    const crossing = arterial >= 2 || (classes.has(RoadClass.primary) && classes.has(RoadClass.secondary));
    if (crossing || (degree >= 6 && rnd.chance(0.03))) {
      cameras.push({
        id: `cam-${pad(cameras.length + 1, 5)}`,
        nodeId: graph.nodeId[v] as number,
        position: [graph.lon[v] as number, graph.lat[v] as number],
      });
    }
  }

  return {
    version: CITY_PACK_VERSION,
    meta: {
      name: options.name ?? 'default',
      source: 'generated',
      seed,
      bbox: bboxOfCoords(graph.lon, graph.lat),
    },
    graph,
    cells,
    stations,
    districts: groupStationsIntoDistricts(graph, stations),
    posts,
    units: [...units, ...communityUnits(graph, cells, stations, units)],
    cameras,
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
