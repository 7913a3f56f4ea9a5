/**
 * Import of OSMnx GraphML road graphs (directed multigraphs with `x`/`y` on nodes and
 * `length`, `travel_time`, `speed_kph`/`maxspeed`, `highway` on edges). Node ids are the OSMnx node
 * ids, so results can be compared with work done on the same file in Python. An edge's drive time is
 * its `travel_time` when the file has one (OSMnx rounds it to 0.1 s, so it can differ from length /
 * speed), else its length over its speed.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { filterGraphInput, largestStronglyConnectedComponent } from './components.js';
import { haversineM } from './geo.js';
import { RoadGraph, type RoadGraphInput } from './graph.js';
import { parseMaxspeed } from './osm-import.js';
import { OsmFormatError, type ProgressFn } from './osm-source.js';
import { RoadClass, roadClassFromHighway } from './road-class.js';

export interface GraphmlImportOptions {
  /** @defaultValue false (the file is taken as given) */
  largestComponentOnly?: boolean;
  onProgress?: ProgressFn;
}

const unescapeXml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|apos|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" })[e] ?? _m,
  );

function dataMap(body: string, keys: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<data key="([^"]+)"\s*>([\s\S]*?)<\/data>/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const name = keys.get(m[1] ?? '');
    if (name) out.set(name, unescapeXml(m[2] ?? ''));
  }
  return out;
}

/** `"['residential', 'tertiary']"` → `'residential'`; plain values unchanged. */
function firstOfList(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^\[\s*'([^']*)'/.exec(v.trim());
  return m ? m[1] : v;
}

export function importGraphml(file: string, options: GraphmlImportOptions = {}): RoadGraph {
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = new TextDecoder().decode(bytes);
  if (!text.includes('<graphml')) throw new OsmFormatError(`${file}: not a GraphML document`);
  const keys = new Map<string, string>();
  for (const m of text.matchAll(/<key\b([^>]*)\/?>/g)) {
    const attrs = m[1] ?? '';
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    const name = /\battr\.name="([^"]+)"/.exec(attrs)?.[1];
    const forWhat = /\bfor="([^"]+)"/.exec(attrs)?.[1];
    if (id && name && forWhat) keys.set(id, `${forWhat}:${name}`);
  }
  const ids: number[] = [];
  const lon: number[] = [];
  const lat: number[] = [];
  const index = new Map<string, number>();
  const nodeRe = /<node id="([^"]+)"\s*(?:\/>|>([\s\S]*?)<\/node>)/g;
  for (let m = nodeRe.exec(text); m; m = nodeRe.exec(text)) {
    const d = dataMap(m[2] ?? '', keys);
    const x = Number(d.get('node:x'));
    const y = Number(d.get('node:y'));
    const rawId = m[1] ?? '';
    const numeric = Number(d.get('node:osmid') ?? rawId);
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new OsmFormatError(`${file}: node ${rawId} has no x/y`);
    index.set(rawId, ids.length);
    ids.push(Number.isFinite(numeric) ? numeric : ids.length);
    lon.push(x);
    lat.push(y);
  }
  options.onProgress?.(text.length / 2, text.length);
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const kph: number[] = [];
  const cls: number[] = [];
  const edgeRe = /<edge\b([^>]*?)(?:\/>|>([\s\S]*?)<\/edge>)/g;
  for (let m = edgeRe.exec(text); m; m = edgeRe.exec(text)) {
    const attrs = m[1] ?? '';
    const s = index.get(/\bsource="([^"]+)"/.exec(attrs)?.[1] ?? '');
    const t = index.get(/\btarget="([^"]+)"/.exec(attrs)?.[1] ?? '');
    if (s === undefined || t === undefined)
      throw new OsmFormatError(`${file}: edge with unknown source or target`);
    const d = dataMap(m[2] ?? '', keys);
    const c = roadClassFromHighway(firstOfList(d.get('edge:highway')) ?? '') ?? RoadClass.unclassified;
    const length = Number(d.get('edge:length'));
    const speed = Number(d.get('edge:speed_kph'));
    const travelTime = Number(d.get('edge:travel_time') ?? Number.NaN);
    const meters = Number.isFinite(length)
      ? length
      : haversineM(lon[s] as number, lat[s] as number, lon[t] as number, lat[t] as number);
    from.push(s);
    to.push(t);
    len.push(meters);
    // The graph keeps lengths and speeds; a given travel time becomes the speed that drives the
    // edge in exactly that time (to float32 precision), so every router sees the file's times.
    kph.push(
      Number.isFinite(travelTime) && travelTime > 0 && meters > 0
        ? (meters / travelTime) * 3.6
        : Number.isFinite(speed) && speed > 0
          ? speed
          : parseMaxspeed(firstOfList(d.get('edge:maxspeed')), c as RoadClass),
    );
    cls.push(c);
  }
  options.onProgress?.(text.length, text.length);
  let input: RoadGraphInput = {
    lon: Float64Array.from(lon),
    lat: Float64Array.from(lat),
    nodeId: Float64Array.from(ids),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    lengthM: Float32Array.from(len),
    speedKph: Float32Array.from(kph),
    roadClass: Uint8Array.from(cls),
  };
  if (options.largestComponentOnly)
    input = filterGraphInput(
      input,
      largestStronglyConnectedComponent(ids.length, input.from, input.to),
    ).input;
  return new RoadGraph(input);
}
