/**
 * Reading and writing city packs on disk: `manifest.json`, `graph.bin` (the road graph as
 * little-endian typed arrays) and one GeoJSON FeatureCollection per layer. See docs/city-pack.md.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LonLat, Ring } from './geo.js';
import { RoadGraph } from './graph.js';
import {
  assignCellStations,
  type CellDraft,
  communityUnits,
  groupStationsIntoDistricts,
  jurisdictionProblems,
} from './jurisdiction.js';
import {
  type Camera,
  CITY_PACK_VERSION,
  type CityPack,
  type CityPackMeta,
  type District,
  type GridCell,
  type Post,
  type Station,
  UNIT_KINDS,
  type Unit,
  type UnitKind,
} from './pack.js';

export const GRAPH_MAGIC = 'FHCG';
export const GRAPH_FORMAT_VERSION = 1;
const HEADER_BYTES = 32;

export class CityPackError extends Error {
  readonly code = 'CITY_PACK_INVALID';
  readonly retriable = false;
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'CityPackError';
  }
}

const align8 = (n: number) => (n + 7) & ~7;

/** Serialises a graph: header, then node arrays, then edge arrays, each 8-byte aligned. */
export function encodeGraph(g: RoadGraph): Uint8Array {
  const n = g.nodeCount;
  const m = g.edgeCount;
  const sections: ArrayBufferView[] = [
    g.lon,
    g.lat,
    g.nodeId,
    g.firstOut,
    g.head,
    g.lengthM,
    g.speedKph,
    g.roadClass,
  ];
  let size = HEADER_BYTES;
  for (const s of sections) size += align8(s.byteLength);
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  buf.set(new TextEncoder().encode(GRAPH_MAGIC), 0);
  view.setUint32(4, GRAPH_FORMAT_VERSION, true);
  view.setUint32(8, n, true);
  view.setUint32(12, m, true);
  view.setFloat64(16, size, true);
  let offset = HEADER_BYTES;
  for (const s of sections) {
    buf.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), offset);
    offset += align8(s.byteLength);
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error('big-endian hosts are not supported');
  return buf;
}

/** Parses `graph.bin`; throws {@link CityPackError} on a bad magic, version or size. */
export function decodeGraph(bytes: Uint8Array, file = 'graph.bin'): RoadGraph {
  if (bytes.byteLength < HEADER_BYTES) throw new CityPackError('file too short for a graph header', file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== GRAPH_MAGIC)
    throw new CityPackError(`bad magic ${JSON.stringify(magic)}, expected ${GRAPH_MAGIC}`, file);
  const version = view.getUint32(4, true);
  if (version !== GRAPH_FORMAT_VERSION)
    throw new CityPackError(
      `graph format version ${version}, this build reads ${GRAPH_FORMAT_VERSION}`,
      file,
    );
  const n = view.getUint32(8, true);
  const m = view.getUint32(12, true);
  const size = view.getFloat64(16, true);
  if (size !== bytes.byteLength)
    throw new CityPackError(`size ${bytes.byteLength} bytes, header says ${size}`, file);
  let offset = HEADER_BYTES;
  // Copy each section into its own aligned buffer (the file buffer may be unaligned).
  const take = <T>(count: number, bytesPer: number, make: (b: ArrayBuffer) => T): T => {
    const len = count * bytesPer;
    const copy = bytes.slice(offset, offset + len);
    offset += align8(len);
    return make(copy.buffer);
  };
  const lon = take(n, 8, (b) => new Float64Array(b));
  const lat = take(n, 8, (b) => new Float64Array(b));
  const nodeId = take(n, 8, (b) => new Float64Array(b));
  const firstOut = take(n + 1, 4, (b) => new Int32Array(b));
  const to = take(m, 4, (b) => new Int32Array(b));
  const lengthM = take(m, 4, (b) => new Float32Array(b));
  const speedKph = take(m, 4, (b) => new Float32Array(b));
  const roadClass = take(m, 1, (b) => new Uint8Array(b));
  const from = new Int32Array(m);
  for (let u = 0; u < n; u++) {
    const a = firstOut[u] as number;
    const b = firstOut[u + 1] as number;
    if (b < a || b > m) throw new CityPackError(`corrupt adjacency at node ${u}`, file);
    from.fill(u, a, b);
  }
  for (let e = 0; e < m; e++) {
    const v = to[e] as number;
    if (v < 0 || v >= n) throw new CityPackError(`edge ${e} points to node ${v} of ${n}`, file);
  }
  return new RoadGraph({ lon, lat, nodeId, from, to, lengthM, speedKph, roadClass });
}

interface Feature<P> {
  type: 'Feature';
  id?: string;
  geometry: { type: 'Point'; coordinates: LonLat } | { type: 'Polygon'; coordinates: Ring[] };
  properties: P;
}
interface FeatureCollection<P> {
  type: 'FeatureCollection';
  features: Feature<P>[];
}

const point = (p: LonLat) => ({ type: 'Point' as const, coordinates: p });
const fc = <P>(features: Feature<P>[]): FeatureCollection<P> => ({ type: 'FeatureCollection', features });

export const PACK_FILES = {
  manifest: 'manifest.json',
  graph: 'graph.bin',
  cells: 'cells.geojson',
  stations: 'stations.geojson',
  districts: 'districts.json',
  posts: 'posts.geojson',
  units: 'units.geojson',
  cameras: 'cameras.geojson',
} as const;

export interface PackManifest {
  format: 'fenghuo-city-pack';
  version: number;
  meta: CityPackMeta;
  counts: {
    nodes: number;
    edges: number;
    cells: number;
    stations: number;
    districts: number;
    posts: number;
    units: number;
    cameras: number;
  };
  files: Partial<Record<keyof typeof PACK_FILES, string>>;
}

/**
 * Writes a pack into `dir` (created if needed); each file is written then renamed into place.
 * Refuses (with {@link CityPackError}) a pack whose layers disagree, which no reader would accept.
 */
export function writeCityPack(pack: CityPack, dir: string): void {
  const problems = jurisdictionProblems(pack);
  if (problems.length > 0)
    throw new CityPackError(
      `${problems.length} inconsistencies, first: ${problems.slice(0, 3).join('; ')}`,
      dir,
    );
  mkdirSync(dir, { recursive: true });
  const put = (name: string, data: string | Uint8Array) => {
    // One temporary name per process: two processes writing the same pack never share a file.
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, name));
  };
  const json = (v: unknown) => `${JSON.stringify(v)}\n`;
  put(PACK_FILES.graph, encodeGraph(pack.graph));
  put(
    PACK_FILES.cells,
    json(
      fc(
        pack.cells.map((c) => ({
          type: 'Feature',
          id: c.id,
          geometry: { type: 'Polygon', coordinates: c.polygon },
          properties: { id: c.id, officerId: c.officerId, stationId: c.stationId },
        })),
      ),
    ),
  );
  put(
    PACK_FILES.stations,
    json(
      fc(
        pack.stations.map((s) => ({
          type: 'Feature',
          id: s.id,
          geometry: point(s.position),
          properties: { id: s.id, name: s.name },
        })),
      ),
    ),
  );
  put(
    PACK_FILES.posts,
    json(
      fc(
        pack.posts.map((p) => ({
          type: 'Feature',
          id: p.id,
          geometry: point(p.position),
          properties: { id: p.id, name: p.name, stationId: p.stationId },
        })),
      ),
    ),
  );
  put(
    PACK_FILES.units,
    json(
      fc(
        pack.units.map((u) => ({
          type: 'Feature',
          id: u.id,
          geometry: point(u.position),
          properties: {
            id: u.id,
            callSign: u.callSign,
            kind: u.kind,
            homeId: u.homeId,
            stationId: u.stationId,
            ...(u.gridCellId === undefined ? {} : { gridCellId: u.gridCellId }),
          },
        })),
      ),
    ),
  );
  put(
    PACK_FILES.districts,
    json({ districts: pack.districts.map((d) => ({ id: d.id, name: d.name, stationIds: d.stationIds })) }),
  );
  put(
    PACK_FILES.cameras,
    json(
      fc(
        pack.cameras.map((c) => ({
          type: 'Feature',
          id: c.id,
          geometry: point(c.position),
          properties: { id: c.id, nodeId: c.nodeId },
        })),
      ),
    ),
  );
  const manifest: PackManifest = {
    format: 'fenghuo-city-pack',
    version: CITY_PACK_VERSION,
    meta: pack.meta,
    counts: {
      nodes: pack.graph.nodeCount,
      edges: pack.graph.edgeCount,
      cells: pack.cells.length,
      stations: pack.stations.length,
      districts: pack.districts.length,
      posts: pack.posts.length,
      units: pack.units.length,
      cameras: pack.cameras.length,
    },
    files: PACK_FILES,
  };
  // The manifest goes last: a folder with a manifest is a complete pack.
  put(PACK_FILES.manifest, json(manifest));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CityPackError('cannot read JSON', file, { cause });
  }
}

type Props = Record<string, unknown>;

function features(file: string, geometry: 'Point' | 'Polygon'): { coordinates: unknown; props: Props }[] {
  const doc = readJson(file) as { type?: unknown; features?: unknown };
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new CityPackError('not a GeoJSON FeatureCollection', file);
  return doc.features.map(
    (f: { geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown }, i: number) => {
      if (f.geometry?.type !== geometry)
        throw new CityPackError(`feature ${i}: geometry must be a ${geometry}`, file);
      return { coordinates: f.geometry.coordinates, props: (f.properties ?? {}) as Props };
    },
  );
}

function str(props: Props, key: string, file: string, i: number): string {
  const v = props[key];
  if (typeof v !== 'string' || v === '')
    throw new CityPackError(`feature ${i}: property "${key}" must be a non-empty string`, file);
  return v;
}

function lonLat(c: unknown, file: string, i: number): LonLat {
  if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number')
    throw new CityPackError(`feature ${i}: bad point coordinates`, file);
  return [c[0], c[1]];
}

/** Parses a GeoJSON layer of stations/posts/units from a file (used for user-supplied layers too). */
export function readStations(file: string): Station[] {
  return features(file, 'Point').map((f, i) => ({
    id: str(f.props, 'id', file, i),
    name: String(f.props.name ?? f.props.id),
    position: lonLat(f.coordinates, file, i),
  }));
}

export function readPosts(file: string): Post[] {
  return features(file, 'Point').map((f, i) => ({
    id: str(f.props, 'id', file, i),
    name: String(f.props.name ?? f.props.id),
    stationId: str(f.props, 'stationId', file, i),
    position: lonLat(f.coordinates, file, i),
  }));
}

export function readUnits(file: string): Unit[] {
  return features(file, 'Point').map((f, i) => {
    const kind = f.props.kind;
    if (!UNIT_KINDS.includes(kind as UnitKind))
      throw new CityPackError(`feature ${i}: "kind" must be one of ${UNIT_KINDS.join(', ')}`, file);
    return {
      id: str(f.props, 'id', file, i),
      callSign: String(f.props.callSign ?? f.props.id),
      kind: kind as UnitKind,
      homeId: str(f.props, 'homeId', file, i),
      stationId: str(f.props, 'stationId', file, i),
      ...(f.props.gridCellId === undefined ? {} : { gridCellId: str(f.props, 'gridCellId', file, i) }),
      position: lonLat(f.coordinates, file, i),
    };
  });
}

/** Reads grid cells; `stationId` is required unless `withStations` is false (version-1 packs). */
export function readCells(file: string, withStations = true): CellDraft[] {
  return features(file, 'Polygon').map((f, i) => {
    if (!Array.isArray(f.coordinates)) throw new CityPackError(`feature ${i}: bad polygon`, file);
    const stationId =
      withStations || f.props.stationId !== undefined ? str(f.props, 'stationId', file, i) : undefined;
    return {
      id: str(f.props, 'id', file, i),
      officerId: str(f.props, 'officerId', file, i),
      ...(stationId === undefined ? {} : { stationId }),
      polygon: f.coordinates as Ring[],
    };
  });
}

/** Reads `districts.json` (also the `--districts` file of an import): `{"districts":[{id,name,stationIds}]}`. */
export function readDistricts(file: string): District[] {
  const doc = readJson(file) as { districts?: unknown };
  if (!Array.isArray(doc.districts)) throw new CityPackError('expected {"districts": [...]}', file);
  return doc.districts.map((d: Props, i: number): District => {
    const stationIds = d.stationIds;
    if (!Array.isArray(stationIds) || !stationIds.every((s) => typeof s === 'string' && s !== ''))
      throw new CityPackError(`district ${i}: "stationIds" must be a list of station ids`, file);
    return { id: str(d, 'id', file, i), name: String(d.name ?? d.id), stationIds };
  });
}

export function readCameras(file: string): Camera[] {
  return features(file, 'Point').map((f, i) => {
    const nodeId = f.props.nodeId;
    if (typeof nodeId !== 'number') throw new CityPackError(`feature ${i}: "nodeId" must be a number`, file);
    return { id: str(f.props, 'id', file, i), nodeId, position: lonLat(f.coordinates, file, i) };
  });
}

/** Versions of the pack layout this build reads: the current one, and 1 (upgraded in memory). */
export const READABLE_PACK_VERSIONS: readonly number[] = [1, CITY_PACK_VERSION];

/** The layout version a pack folder's manifest declares, or `undefined` without a readable manifest. */
export function packVersion(dir: string): number | undefined {
  try {
    const manifest = JSON.parse(
      readFileSync(join(dir, PACK_FILES.manifest), 'utf8'),
    ) as Partial<PackManifest>;
    return typeof manifest.version === 'number' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a pack folder written by {@link writeCityPack}. A version-1 pack (no stations on cells, no
 * districts, no community officers or duty desks) is given them in memory, as an import would.
 * Throws {@link CityPackError} naming the file when a layer is malformed or the layers disagree.
 */
export function readCityPack(dir: string): CityPack {
  const manifestFile = join(dir, PACK_FILES.manifest);
  const manifest = readJson(manifestFile) as Partial<PackManifest>;
  if (manifest.format !== 'fenghuo-city-pack')
    throw new CityPackError('not a fenghuo city pack manifest', manifestFile);
  if (!READABLE_PACK_VERSIONS.includes(manifest.version as number))
    throw new CityPackError(
      `pack version ${manifest.version}, this build reads ${READABLE_PACK_VERSIONS.join(' and ')}`,
      manifestFile,
    );
  if (!manifest.meta) throw new CityPackError('missing "meta"', manifestFile);
  const graphFile = join(dir, PACK_FILES.graph);
  const graph = decodeGraph(new Uint8Array(readFileSync(graphFile)), graphFile);
  const current = manifest.version === CITY_PACK_VERSION;
  const stations = readStations(join(dir, PACK_FILES.stations));
  const drafts = readCells(join(dir, PACK_FILES.cells), current);
  const cells = current ? (drafts as GridCell[]) : assignCellStations(graph, drafts, stations);
  const posts = readPosts(join(dir, PACK_FILES.posts));
  const units = readUnits(join(dir, PACK_FILES.units));
  const pack: CityPack = {
    version: CITY_PACK_VERSION,
    meta: manifest.meta,
    graph,
    cells,
    stations,
    districts: current
      ? readDistricts(join(dir, PACK_FILES.districts))
      : groupStationsIntoDistricts(graph, stations),
    posts,
    units: current ? units : [...units, ...communityUnits(graph, cells, stations, units)],
    cameras: readCameras(join(dir, PACK_FILES.cameras)),
  };
  const problems = jurisdictionProblems(pack);
  if (problems.length > 0)
    throw new CityPackError(
      `${problems.length} inconsistencies, first: ${problems.slice(0, 3).join('; ')}`,
      manifestFile,
    );
  return pack;
}
