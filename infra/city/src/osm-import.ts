/**
 * Builds a road graph from OpenStreetMap data: drivable ways, one-way rules, speeds from
 * `maxspeed` or the highway class, and the largest strongly connected component kept so every
 * node can reach and be reached from every other.
 */
import { filterGraphInput, largestStronglyConnectedComponent } from './components.js';
import { haversineM } from './geo.js';
import { RoadGraph, type RoadGraphInput } from './graph.js';
import { readOsmPbf } from './osm-pbf.js';
import { OsmFormatError, type OsmSink, type ProgressFn } from './osm-source.js';
import { readOsmXml } from './osm-xml.js';
import { DEFAULT_SPEED_KPH, type RoadClass, roadClassFromHighway } from './road-class.js';

export interface OsmImportOptions {
  /** Drop every node outside the largest strongly connected component. @defaultValue true */
  largestComponentOnly?: boolean;
  onProgress?: ProgressFn;
}

export interface OsmImportStats {
  osmNodes: number;
  osmWays: number;
  drivableWays: number;
  droppedNodes: number;
  oneWayWays: number;
}

/** Direction rule of a way: 1 forward only, -1 backward only, 0 both, or undefined to skip it. */
export function wayDirection(tags: Record<string, string>): -1 | 0 | 1 {
  const oneway = tags.oneway;
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 1;
  if (oneway === '-1' || oneway === 'reverse') return -1;
  if (oneway === 'no' || oneway === 'false' || oneway === '0') return 0;
  if (tags.junction === 'roundabout' || tags.junction === 'circular') return 1;
  if (tags.highway === 'motorway' || tags.highway === 'motorway_link') return 1;
  return 0;
}

/** Whether a way is a road a police car may drive on; returns its class. */
export function drivableClass(tags: Record<string, string>): RoadClass | undefined {
  const highway = tags.highway;
  if (!highway) return undefined;
  const cls = roadClassFromHighway(highway);
  if (cls === undefined) return undefined;
  if (tags.area === 'yes') return undefined;
  const no = (v: string | undefined) => v === 'no' || v === 'private';
  const yes = (v: string | undefined) =>
    v === 'yes' || v === 'designated' || v === 'permissive' || v === 'destination';
  if ((no(tags.motor_vehicle) || no(tags.motorcar)) && !yes(tags.motorcar)) return undefined;
  if (no(tags.access) && !yes(tags.motor_vehicle) && !yes(tags.motorcar)) return undefined;
  return cls;
}

/** Free-flow speed in km/h from `maxspeed`, falling back to the class default. */
export function parseMaxspeed(value: string | undefined, cls: RoadClass): number {
  const fallback = DEFAULT_SPEED_KPH[cls] ?? 30;
  if (!value) return fallback;
  const v = value.trim().toLowerCase();
  const num = Number.parseFloat(v);
  if (Number.isFinite(num) && num > 0)
    return v.includes('mph') ? num * 1.609344 : v.includes('knots') ? num * 1.852 : num;
  if (v === 'walk' || v.endsWith(':walk')) return 7;
  if (v.endsWith(':living_street')) return 20;
  if (v.endsWith(':urban') || v.endsWith(':zone30')) return v.endsWith(':zone30') ? 30 : 50;
  if (v.endsWith(':rural')) return 90;
  if (v.endsWith(':motorway')) return 120;
  return fallback;
}

/** Collects OSM entities and turns the drivable ways into a graph. */
export class OsmGraphBuilder implements OsmSink {
  private nodeIndex = new Map<number, number>();
  private lon = new Float64Array(1 << 16);
  private lat = new Float64Array(1 << 16);
  private nodeCount = 0;
  private ways: { refs: number[]; cls: RoadClass; dir: -1 | 0 | 1; kph: number }[] = [];
  readonly stats: OsmImportStats = {
    osmNodes: 0,
    osmWays: 0,
    drivableWays: 0,
    droppedNodes: 0,
    oneWayWays: 0,
  };

  node(id: number, lon: number, lat: number): void {
    if (this.nodeCount === this.lon.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.lon = grow(this.lon);
      this.lat = grow(this.lat);
    }
    this.nodeIndex.set(id, this.nodeCount);
    this.lon[this.nodeCount] = lon;
    this.lat[this.nodeCount] = lat;
    this.nodeCount++;
    this.stats.osmNodes++;
  }

  way(_id: number, refs: number[], tags: Record<string, string>): void {
    this.stats.osmWays++;
    const cls = drivableClass(tags);
    if (cls === undefined || refs.length < 2) return;
    const dir = wayDirection(tags);
    if (dir !== 0) this.stats.oneWayWays++;
    this.stats.drivableWays++;
    this.ways.push({ refs, cls, dir, kph: parseMaxspeed(tags.maxspeed, cls) });
  }

  build(options: OsmImportOptions = {}): RoadGraph {
    // Graph nodes: every existing node used by a drivable way, ordered by OSM id.
    const used = new Set<number>();
    for (const w of this.ways) for (const r of w.refs) if (this.nodeIndex.has(r)) used.add(r);
    const ids = Float64Array.from(used).sort();
    if (ids.length === 0) throw new OsmFormatError('no drivable roads found in the input');
    const index = new Map<number, number>();
    ids.forEach((id, i) => {
      index.set(id, i);
    });
    const lon = new Float64Array(ids.length);
    const lat = new Float64Array(ids.length);
    ids.forEach((id, i) => {
      const k = this.nodeIndex.get(id) as number;
      lon[i] = this.lon[k] as number;
      lat[i] = this.lat[k] as number;
    });
    const from: number[] = [];
    const to: number[] = [];
    const len: number[] = [];
    const kph: number[] = [];
    const cls: number[] = [];
    for (const w of this.ways) {
      let prev = -1;
      for (const r of w.refs) {
        const cur = index.get(r) ?? -1;
        if (cur < 0) {
          prev = -1; // a missing node (clipped extract) breaks the way
          continue;
        }
        if (prev >= 0 && prev !== cur) {
          const d = haversineM(
            lon[prev] as number,
            lat[prev] as number,
            lon[cur] as number,
            lat[cur] as number,
          );
          if (w.dir >= 0) {
            from.push(prev);
            to.push(cur);
            len.push(d);
            kph.push(w.kph);
            cls.push(w.cls);
          }
          if (w.dir <= 0) {
            from.push(cur);
            to.push(prev);
            len.push(d);
            kph.push(w.kph);
            cls.push(w.cls);
          }
        }
        prev = cur;
      }
    }
    let input: RoadGraphInput = {
      lon,
      lat,
      nodeId: ids,
      from: Int32Array.from(from),
      to: Int32Array.from(to),
      lengthM: Float32Array.from(len),
      speedKph: Float32Array.from(kph),
      roadClass: Uint8Array.from(cls),
    };
    if (options.largestComponentOnly ?? true) {
      const mask = largestStronglyConnectedComponent(ids.length, input.from, input.to);
      input = filterGraphInput(input, mask).input;
      this.stats.droppedNodes = ids.length - input.lon.length;
    }
    return new RoadGraph(input);
  }
}

export type OsmInputFormat = 'pbf' | 'xml';

export function detectOsmFormat(file: string): OsmInputFormat {
  if (/\.pbf$/i.test(file)) return 'pbf';
  if (/\.osm(\.gz)?$/i.test(file) || /\.xml(\.gz)?$/i.test(file)) return 'xml';
  throw new OsmFormatError(`${file}: expected .osm.pbf, .osm or .osm.gz`);
}

/** Reads an OSM file (PBF or XML, gzipped or not) into a road graph. */
export function importOsmGraph(
  file: string,
  options: OsmImportOptions = {},
): { graph: RoadGraph; stats: OsmImportStats; format: OsmInputFormat } {
  const builder = new OsmGraphBuilder();
  const format = detectOsmFormat(file);
  if (format === 'pbf') readOsmPbf(file, builder, options.onProgress);
  else readOsmXml(file, builder, options.onProgress);
  const graph = builder.build(options);
  return { graph, stats: builder.stats, format };
}
