/**
 * Reading and writing city packs on disk: `manifest.json`, `graph.bin` (the road graph as
 * little-endian typed arrays) and one GeoJSON FeatureCollection per layer. See docs/city-pack.md.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LonLat, Ring } from './geo.js';
import { RoadGraph } from './graph.js';
import {
  type Camera,
  CITY_PACK_VERSION,
  type CityPack,
  type CityPackMeta,
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
    posts: number;
    units: number;
    cameras: number;
  };
  files: typeof PACK_FILES;
}

/** Writes a pack into `dir` (created if needed); each file is written then renamed into place. */
export function writeCityPack(pack: CityPack, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, data: string | Uint8Array) => {
    const tmp = join(dir, `.${name}.tmp`);
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
          properties: { id: c.id, officerId: c.officerId },
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
          },
        })),
      ),
    ),
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
      position: lonLat(f.coordinates, file, i),
    };
  });
}

export function readCells(file: string): GridCell[] {
  return features(file, 'Polygon').map((f, i) => {
    if (!Array.isArray(f.coordinates)) throw new CityPackError(`feature ${i}: bad polygon`, file);
    return {
      id: str(f.props, 'id', file, i),
      officerId: str(f.props, 'officerId', file, i),
      polygon: f.coordinates as Ring[],
    };
  });
}

export function readCameras(file: string): Camera[] {
  return features(file, 'Point').map((f, i) => {
    const nodeId = f.props.nodeId;
    if (typeof nodeId !== 'number') throw new CityPackError(`feature ${i}: "nodeId" must be a number`, file);
    return { id: str(f.props, 'id', file, i), nodeId, position: lonLat(f.coordinates, file, i) };
  });
}

/** Reads a pack folder written by {@link writeCityPack}. */
export function readCityPack(dir: string): CityPack {
  const manifestFile = join(dir, PACK_FILES.manifest);
  const manifest = readJson(manifestFile) as Partial<PackManifest>;
  if (manifest.format !== 'fenghuo-city-pack')
    throw new CityPackError('not a fenghuo city pack manifest', manifestFile);
  if (manifest.version !== CITY_PACK_VERSION)
    throw new CityPackError(
      `pack version ${manifest.version}, this build reads ${CITY_PACK_VERSION}`,
      manifestFile,
    );
  if (!manifest.meta) throw new CityPackError('missing "meta"', manifestFile);
  const graphFile = join(dir, PACK_FILES.graph);
  return {
    version: manifest.version,
    meta: manifest.meta,
    graph: decodeGraph(new Uint8Array(readFileSync(graphFile)), graphFile),
    cells: readCells(join(dir, PACK_FILES.cells)),
    stations: readStations(join(dir, PACK_FILES.stations)),
    posts: readPosts(join(dir, PACK_FILES.posts)),
    units: readUnits(join(dir, PACK_FILES.units)),
    cameras: readCameras(join(dir, PACK_FILES.cameras)),
  };
}
