/**
 * The city as the console draws it, made from the city pack (pure functions, no HTTP): the offline
 * basemap (roads by class, each two-way street once; grid cells; stations; districts; posts;
 * cameras; water from the pack folder's optional `water.geojson`), the unit roster, and the posts'
 * response circles with the coverage gaps. Coordinates are rounded to 6 decimals (~0.1 m).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CityPack, ResponseCoverage } from '@fenghuo/city';
import {
  type CityBasemap,
  Codecs,
  type LonLatPair,
  type ResponseCircles,
  ROAD_CLASS_NAMES,
  type UnitRoster,
} from '@fenghuo/contracts';

type Ring = readonly (readonly [number, number])[];

const round = (v: number) => Math.round(v * 1e6) / 1e6;
const pair = (p: readonly [number, number]): LonLatPair => [round(p[0]), round(p[1])];
const ring = (r: Ring): LonLatPair[] => r.map(pair);

/** Roads: one MultiLineString per class; a two-way street (two directed edges) is drawn once. */
export function roadFeatures(pack: Pick<CityPack, 'graph'>): CityBasemap['roads'] {
  const g = pack.graph;
  const byClass: LonLatPair[][][] = ROAD_CLASS_NAMES.map(() => []);
  for (let u = 0; u < g.nodeCount; u++) {
    const from = g.firstOut[u] as number;
    const to = g.firstOut[u + 1] as number;
    for (let e = from; e < to; e++) {
      const v = g.head[e] as number;
      if (v === u) continue;
      // Draw u→v once: skip it when v < u and the street is two-way (v→u exists).
      if (v < u && hasEdge(g, v, u)) continue;
      const cls = Math.min(g.roadClass[e] as number, ROAD_CLASS_NAMES.length - 1);
      (byClass[cls] as LonLatPair[][]).push([
        [round(g.lon[u] as number), round(g.lat[u] as number)],
        [round(g.lon[v] as number), round(g.lat[v] as number)],
      ]);
    }
  }
  return {
    type: 'FeatureCollection',
    features: ROAD_CLASS_NAMES.flatMap((roadClass, rank) => {
      const coordinates = mergeSegments(byClass[rank] as LonLatPair[][]);
      return coordinates.length === 0
        ? []
        : [
            {
              type: 'Feature' as const,
              id: `road-${roadClass}`,
              geometry: { type: 'MultiLineString' as const, coordinates },
              properties: { roadClass, rank },
            },
          ];
    }),
  };
}

function hasEdge(g: CityPack['graph'], u: number, v: number): boolean {
  const to = g.firstOut[u + 1] as number;
  for (let e = g.firstOut[u] as number; e < to; e++) if (g.head[e] === v) return true;
  return false;
}

/** Joins segments that meet end to start into longer lines (fewer, shorter coordinates lists). */
function mergeSegments(segments: LonLatPair[][]): LonLatPair[][] {
  const key = (p: LonLatPair) => `${p[0]},${p[1]}`;
  const startingAt = new Map<string, number[]>();
  segments.forEach((s, i) => {
    const k = key(s[0] as LonLatPair);
    const list = startingAt.get(k);
    if (list) list.push(i);
    else startingAt.set(k, [i]);
  });
  const used = new Uint8Array(segments.length);
  const out: LonLatPair[][] = [];
  for (let i = 0; i < segments.length; i++) {
    if (used[i]) continue;
    used[i] = 1;
    const line = [...(segments[i] as LonLatPair[])];
    for (;;) {
      const next = startingAt.get(key(line[line.length - 1] as LonLatPair))?.find((j) => !used[j]);
      if (next === undefined) break;
      used[next] = 1;
      line.push((segments[next] as LonLatPair[])[1] as LonLatPair);
    }
    out.push(line);
  }
  return out;
}

/** Rivers and lakes from `<packDir>/water.geojson` when the pack has one (a FeatureCollection). */
export function readWater(packDir: string | undefined): CityBasemap['water'] {
  const empty: CityBasemap['water'] = { type: 'FeatureCollection', features: [] };
  if (packDir === undefined) return empty;
  const file = join(packDir, 'water.geojson');
  if (!existsSync(file)) return empty;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { features?: unknown[] };
  const features = (parsed.features ?? []).flatMap((f) => {
    const geometry = (f as { geometry?: { type?: string } }).geometry;
    if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') return [];
    const name = (f as { properties?: { name?: unknown } }).properties?.name;
    return [
      {
        type: 'Feature' as const,
        geometry: geometry as CityBasemap['water']['features'][number]['geometry'],
        properties: typeof name === 'string' ? { name } : {},
      },
    ];
  });
  return { type: 'FeatureCollection', features };
}

export function cityBasemap(pack: CityPack, water: CityBasemap['water']): CityBasemap {
  const point = (p: readonly [number, number]) => ({ type: 'Point' as const, coordinates: pair(p) });
  const basemap: CityBasemap = {
    name: pack.meta.name,
    bbox: [...pack.meta.bbox] as [number, number, number, number],
    roads: roadFeatures(pack),
    cells: {
      type: 'FeatureCollection',
      features: pack.cells.map((c) => ({
        type: 'Feature',
        id: c.id,
        geometry: { type: 'Polygon', coordinates: c.polygon.map(ring) },
        properties: { id: c.id, stationId: c.stationId, officerId: c.officerId },
      })),
    },
    stations: {
      type: 'FeatureCollection',
      features: pack.stations.map((s) => ({
        type: 'Feature',
        id: s.id,
        geometry: point(s.position),
        properties: { id: s.id, name: s.name },
      })),
    },
    districts: pack.districts.map((d) => ({ id: d.id, name: d.name, stationIds: [...d.stationIds] })),
    posts: {
      type: 'FeatureCollection',
      features: pack.posts.map((p) => ({
        type: 'Feature',
        id: p.id,
        geometry: point(p.position),
        properties: { id: p.id, name: p.name, stationId: p.stationId },
      })),
    },
    cameras: {
      type: 'FeatureCollection',
      features: pack.cameras.map((c) => ({
        type: 'Feature',
        id: c.id,
        geometry: point(c.position),
        properties: { id: c.id },
      })),
    },
    water,
  };
  if (pack.meta.attribution !== undefined) basemap.attribution = pack.meta.attribution;
  return basemap;
}

export function unitRoster(pack: Pick<CityPack, 'units'>): UnitRoster {
  return {
    units: pack.units.map((u) => ({
      unitId: u.id,
      callSign: u.callSign,
      kind: u.kind,
      stationId: u.stationId,
      homeId: u.homeId,
      ...(u.gridCellId === undefined ? {} : { gridCellId: u.gridCellId }),
      home: { lon: round(u.position[0]), lat: round(u.position[1]) },
    })),
  };
}

export function responseCircles(
  pack: Pick<CityPack, 'posts'>,
  coverage: Pick<ResponseCoverage, 'circles' | 'coverage' | 'gaps'>,
): ResponseCircles {
  const stationOf = new Map(pack.posts.map((p) => [p.id, p.stationId]));
  const limits = [...new Set(coverage.circles.flatMap((c) => c.isochrones.map((i) => i.seconds)))].sort(
    (a, b) => b - a,
  );
  const maxLimit = limits[0] ?? 0;
  const circles: ResponseCircles['circles']['features'] = [];
  for (const limitS of limits) {
    for (const c of coverage.circles) {
      const iso = c.isochrones.find((i) => i.seconds === limitS);
      if (!iso || iso.polygons.length === 0) continue;
      circles.push({
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates: iso.polygons.map((p) => p.map(ring)) },
        properties: { postId: c.postId, stationId: stationOf.get(c.postId) ?? 'unknown', limitS },
      });
    }
  }
  return {
    limitsS: [...limits].reverse(),
    circles: { type: 'FeatureCollection', features: circles },
    gaps: {
      type: 'FeatureCollection',
      features:
        coverage.gaps.length === 0
          ? []
          : [
              {
                type: 'Feature',
                geometry: { type: 'MultiPolygon', coordinates: coverage.gaps.map((p) => p.map(ring)) },
                properties: { limitS: maxLimit },
              },
            ],
    },
    coverage: coverage.coverage.map((f) => ({
      limitS: f.limitS,
      cellShare: f.cellShare,
      roadLengthShare: f.roadLengthShare,
    })),
  };
}

/** Checks a body against its contract before it is served (a bug here must not reach a console). */
export function checked<K extends 'CityBasemap' | 'UnitRoster' | 'ResponseCircles'>(
  name: K,
  body: unknown,
): void {
  const result = Codecs[name].validate(body);
  if (!result.ok) {
    const first = result.errors[0];
    throw new Error(`${name} does not match its contract: ${first?.path} ${first?.message}`);
  }
}
