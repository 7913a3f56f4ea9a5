/**
 * The map's style, built from the city pack's basemap (served by the gateway): no tiles, no glyphs,
 * no sprites, so nothing is fetched from anywhere. Labels are not drawn with map fonts; the few
 * that matter (stations) are HTML markers, everything else has a popup. A dark, quiet basemap so
 * the live layers (units by status, alerts by level) stand out at a glance.
 */
import type { CityBasemap, UnitState } from '@fenghuo/contracts';

/** Colours the whole console shares (legend, list chips, map). */
export const UNIT_COLOURS: Record<UnitState | 'unknown', string> = {
  available: '#22c55e',
  dispatched: '#f59e0b',
  en_route: '#38bdf8',
  on_scene: '#c084fc',
  busy: '#94a3b8',
  off_duty: '#475569',
  unknown: '#cbd5e1',
};

export const LEVEL_COLOURS = { urgent: '#ef4444', warning: '#f97316', notice: '#facc15' } as const;

export const CIRCLE_COLOURS: readonly [number, string][] = [
  [60, '#93c5fd'],
  [180, '#3b82f6'],
  [300, '#1e40af'],
];

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

/** Sources the console updates live (each one GeoJSON source, batched). */
export const LIVE_SOURCES = [
  'units',
  'alerts',
  'incidents',
  'circles',
  'gaps',
  'plan-area',
  'plan-track',
  'plan-points',
  'plan-links',
  'route',
  'pick',
] as const;
export type LiveSource = (typeof LIVE_SOURCES)[number];

/** Layers toggled together by the response-circles switch. */
export const CIRCLE_LAYERS = ['circles-fill', 'circles-line', 'gaps-fill'] as const;

// Style-spec objects are plain JSON; typed loosely here because the renderer's own types differ
// between maplibre-gl and mapbox-gl 1.x, and this file must suit both.
type Json = Record<string, unknown>;

export function cityStyle(basemap: CityBasemap): Json {
  const sources: Json = {
    water: { type: 'geojson', data: basemap.water },
    cells: { type: 'geojson', data: basemap.cells },
    roads: { type: 'geojson', data: basemap.roads },
    posts: { type: 'geojson', data: basemap.posts },
    stations: { type: 'geojson', data: basemap.stations },
    cameras: { type: 'geojson', data: basemap.cameras },
  };
  for (const s of LIVE_SOURCES) sources[s] = { type: 'geojson', data: EMPTY };
  const width = (small: number, large: number) => [
    'interpolate',
    ['exponential', 1.6],
    ['zoom'],
    11,
    small,
    17,
    large,
  ];
  const rank = ['get', 'rank'];
  return {
    version: 8,
    name: `fenghuo-${basemap.name}`,
    sources,
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } },
      {
        id: 'cells-fill',
        type: 'fill',
        source: 'cells',
        paint: { 'fill-color': '#0f1a2e', 'fill-opacity': 0.9 },
      },
      { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': '#0c3057' } },
      {
        id: 'cells-line',
        type: 'line',
        source: 'cells',
        paint: { 'line-color': '#22314d', 'line-width': 0.6 },
      },
      {
        id: 'circles-fill',
        type: 'fill',
        source: 'circles',
        layout: { visibility: 'none' },
        paint: {
          'fill-color': ['step', ['get', 'limitS'], '#93c5fd', 120, '#3b82f6', 240, '#1e40af'],
          // Posts' areas overlap a lot: faint fills that add up where coverage is dense.
          'fill-opacity': ['step', ['get', 'limitS'], 0.14, 120, 0.05, 240, 0.03],
        },
      },
      {
        id: 'circles-line',
        type: 'line',
        source: 'circles',
        layout: { visibility: 'none' },
        paint: {
          'line-color': ['step', ['get', 'limitS'], '#bfdbfe', 120, '#60a5fa', 240, '#3b82f6'],
          'line-width': ['step', ['get', 'limitS'], 1.4, 120, 0.8, 240, 0.6],
          'line-opacity': ['step', ['get', 'limitS'], 0.9, 120, 0.45, 240, 0.3],
        },
      },
      {
        id: 'gaps-fill',
        type: 'fill',
        source: 'gaps',
        layout: { visibility: 'none' },
        paint: { 'fill-color': '#dc2626', 'fill-opacity': 0.45 },
      },
      {
        id: 'roads-minor',
        type: 'line',
        source: 'roads',
        // Side streets from one zoom level in, as cameras: at the whole-city view (zoom ~12) they are
        // sub-pixel clutter, yet four in five of the road vertices, and most of a frame's drawing
        // where WebGL runs in software.
        minzoom: 13,
        filter: ['>=', rank, 5],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#26344f', 'line-width': width(0.4, 4) },
      },
      {
        id: 'roads-middle',
        type: 'line',
        source: 'roads',
        filter: ['all', ['>=', rank, 3], ['<', rank, 5]],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#3b4d6e', 'line-width': width(0.9, 7) },
      },
      {
        id: 'roads-major',
        type: 'line',
        source: 'roads',
        filter: ['<', rank, 3],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': ['match', rank, 0, '#8b6f3d', 1, '#7a6a45', '#5b6b88'],
          'line-width': width(1.6, 10),
        },
      },
      {
        id: 'cameras',
        type: 'circle',
        source: 'cameras',
        minzoom: 13,
        paint: { 'circle-radius': 1.6, 'circle-color': '#64748b' },
      },
      {
        id: 'posts',
        type: 'circle',
        source: 'posts',
        paint: {
          'circle-radius': width(1.5, 5),
          'circle-color': '#1e3a8a',
          'circle-stroke-color': '#3b82f6',
          'circle-stroke-width': 1,
          'circle-opacity': 0.8,
        },
      },
      {
        id: 'stations',
        type: 'circle',
        source: 'stations',
        paint: {
          'circle-radius': width(5, 11),
          'circle-color': '#1e3a8a',
          'circle-stroke-color': '#e0e7ff',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'plan-area',
        type: 'fill',
        source: 'plan-area',
        paint: { 'fill-color': '#ef4444', 'fill-opacity': 0.1 },
      },
      {
        id: 'plan-area-line',
        type: 'line',
        source: 'plan-area',
        paint: { 'line-color': '#f87171', 'line-width': 1.5, 'line-dasharray': [3, 2] },
      },
      {
        id: 'plan-links',
        type: 'line',
        source: 'plan-links',
        paint: { 'line-color': '#fde047', 'line-width': 1.2, 'line-opacity': 0.7 },
      },
      {
        id: 'plan-track',
        type: 'line',
        source: 'plan-track',
        paint: { 'line-color': '#f87171', 'line-width': 3 },
      },
      {
        id: 'route',
        type: 'line',
        source: 'route',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#22d3ee', 'line-width': 5, 'line-opacity': 0.9 },
      },
      {
        id: 'incidents',
        type: 'circle',
        source: 'incidents',
        paint: {
          'circle-radius': 7,
          'circle-color': '#e11d48',
          'circle-opacity': 0.85,
          'circle-stroke-color': '#fff1f2',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'alerts-halo',
        type: 'circle',
        source: 'alerts',
        paint: {
          'circle-radius': ['match', ['get', 'level'], 'urgent', 22, 'warning', 17, 13],
          'circle-color': [
            'match',
            ['get', 'level'],
            'urgent',
            LEVEL_COLOURS.urgent,
            'warning',
            LEVEL_COLOURS.warning,
            LEVEL_COLOURS.notice,
          ],
          'circle-opacity': 0.22,
        },
      },
      {
        id: 'alerts',
        type: 'circle',
        source: 'alerts',
        paint: {
          'circle-radius': ['match', ['get', 'level'], 'urgent', 9, 'warning', 8, 7],
          'circle-color': [
            'match',
            ['get', 'level'],
            'urgent',
            LEVEL_COLOURS.urgent,
            'warning',
            LEVEL_COLOURS.warning,
            LEVEL_COLOURS.notice,
          ],
          'circle-stroke-color': ['case', ['get', 'selected'], '#ffffff', '#111827'],
          'circle-stroke-width': ['case', ['get', 'selected'], 3, 1.5],
        },
      },
      {
        id: 'units',
        type: 'circle',
        source: 'units',
        paint: {
          'circle-radius': [
            'interpolate',
            ['linear'],
            ['zoom'],
            11,
            ['case', ['get', 'mine'], 8, 3],
            17,
            ['case', ['get', 'mine'], 12, 7],
          ],
          'circle-color': [
            'match',
            ['get', 'status'],
            ...Object.entries(UNIT_COLOURS).flatMap(([k, v]) => (k === 'unknown' ? [] : [k, v])),
            UNIT_COLOURS.unknown,
          ],
          'circle-stroke-color': ['case', ['get', 'mine'], '#ffffff', '#0b1220'],
          'circle-stroke-width': ['case', ['get', 'mine'], 3, 1],
        },
      },
      {
        id: 'plan-points',
        type: 'circle',
        source: 'plan-points',
        paint: {
          'circle-radius': ['match', ['get', 'role'], 'vehicle', 9, 6],
          'circle-color': ['match', ['get', 'role'], 'vehicle', '#ef4444', '#fde047'],
          'circle-stroke-color': '#111827',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'pick',
        type: 'circle',
        source: 'pick',
        paint: {
          'circle-radius': 8,
          'circle-color': '#ffffff',
          'circle-stroke-color': '#e11d48',
          'circle-stroke-width': 3,
        },
      },
    ],
  };
}
