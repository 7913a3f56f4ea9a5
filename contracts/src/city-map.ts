/**
 * What the gateway serves the console about the city itself, made from the city pack: the offline
 * basemap (roads by class, grid cells, stations, districts, posts, cameras, water) as GeoJSON, the
 * unit roster, and the posts' 1-3-5 minute response circles with the coverage gaps. Coordinates are
 * WGS 84 `[longitude, latitude]` (GeoJSON order). Routes: `GET /api/city/basemap`,
 * `GET /api/city/units`, `GET /api/city/response-circles` (any signed-in person).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { GeoPoint, Id } from './common.ts';
import { UnitKind } from './events/unit.ts';

/** `[longitude, latitude]`. */
export const LonLatPair = Type.Unsafe<[number, number]>(
  Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '`[longitude, latitude]`' }),
);
export type LonLatPair = Static<typeof LonLatPair>;

const lines = Type.Array(Type.Array(LonLatPair));
const polygon = Type.Array(Type.Array(LonLatPair));

export const MultiLineStringGeometry = Type.Object(
  { type: Type.Literal('MultiLineString'), coordinates: lines },
  { additionalProperties: false },
);
export const PolygonGeometry = Type.Object(
  { type: Type.Literal('Polygon'), coordinates: polygon },
  { additionalProperties: false },
);
export const MultiPolygonGeometry = Type.Object(
  { type: Type.Literal('MultiPolygon'), coordinates: Type.Array(polygon) },
  { additionalProperties: false },
);
export const PointGeometry = Type.Object(
  { type: Type.Literal('Point'), coordinates: LonLatPair },
  { additionalProperties: false },
);

const feature = <G extends TSchema, P extends TSchema>(geometry: G, properties: P) =>
  Type.Object(
    {
      type: Type.Literal('Feature'),
      id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
      geometry,
      properties,
    },
    { additionalProperties: false },
  );

const collection = <F extends TSchema>(f: F, description: string) =>
  Type.Object(
    { type: Type.Literal('FeatureCollection'), features: Type.Array(f) },
    { additionalProperties: false, description },
  );

export const RoadClassName = Type.Union(
  [
    Type.Literal('motorway'),
    Type.Literal('trunk'),
    Type.Literal('primary'),
    Type.Literal('secondary'),
    Type.Literal('tertiary'),
    Type.Literal('residential'),
    Type.Literal('service'),
    Type.Literal('living_street'),
    Type.Literal('unclassified'),
  ],
  { description: 'Road class, from the largest to the smallest.' },
);
export type RoadClassName = Static<typeof RoadClassName>;
export const ROAD_CLASS_NAMES: readonly RoadClassName[] = RoadClassName.anyOf.map((s) => s.const);

/** The offline basemap of a city: every layer the console draws under the live ones. */
export const CityBasemap = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    bbox: Type.Unsafe<[number, number, number, number]>(
      Type.Array(Type.Number(), {
        minItems: 4,
        maxItems: 4,
        description: '`[minLon, minLat, maxLon, maxLat]`.',
      }),
    ),
    attribution: Type.Optional(Type.String({ maxLength: 500 })),
    roads: collection(
      feature(
        MultiLineStringGeometry,
        Type.Object(
          {
            roadClass: RoadClassName,
            rank: Type.Integer({ minimum: 0, maximum: 8, description: '0 for motorways … 8.' }),
          },
          { additionalProperties: false },
        ),
      ),
      'One feature per road class; each two-way street once.',
    ),
    cells: collection(
      feature(
        Type.Union([PolygonGeometry, MultiPolygonGeometry]),
        Type.Object({ id: Id, stationId: Id, officerId: Id }, { additionalProperties: false }),
      ),
      'Grid cells (网格) with their station and community officer.',
    ),
    stations: collection(
      feature(PointGeometry, Type.Object({ id: Id, name: Type.String() }, { additionalProperties: false })),
      'Police stations.',
    ),
    districts: Type.Array(
      Type.Object(
        { id: Id, name: Type.String(), stationIds: Type.Array(Id) },
        { additionalProperties: false },
      ),
    ),
    posts: collection(
      feature(
        PointGeometry,
        Type.Object({ id: Id, name: Type.String(), stationId: Id }, { additionalProperties: false }),
      ),
      'Police posts (where the response circles start).',
    ),
    cameras: collection(
      feature(PointGeometry, Type.Object({ id: Id }, { additionalProperties: false })),
      'Road cameras.',
    ),
    water: collection(
      feature(
        Type.Union([PolygonGeometry, MultiPolygonGeometry]),
        Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: false }),
      ),
      "Rivers and lakes: the pack's optional `water.geojson`; empty when the pack has none.",
    ),
  },
  { additionalProperties: false, $id: 'CityBasemap' },
);
export type CityBasemap = Static<typeof CityBasemap>;

/** One unit of the city pack as the console lists it (who it is; live state comes over the socket). */
export const RosterUnit = Type.Object(
  {
    unitId: Id,
    callSign: Type.String({ maxLength: 32 }),
    kind: UnitKind,
    stationId: Id,
    homeId: Id,
    gridCellId: Type.Optional(Id),
    home: GeoPoint,
  },
  { additionalProperties: false },
);
export type RosterUnit = Static<typeof RosterUnit>;

export const UnitRoster = Type.Object(
  { units: Type.Array(RosterUnit) },
  { additionalProperties: false, $id: 'UnitRoster' },
);
export type UnitRoster = Static<typeof UnitRoster>;

/** The posts' drive-time areas (1, 3, 5 minutes by default) and where no post reaches in time. */
export const ResponseCircles = Type.Object(
  {
    limitsS: Type.Array(Type.Number({ minimum: 0 }), { description: 'Drive-time limits, seconds.' }),
    circles: collection(
      feature(
        MultiPolygonGeometry,
        Type.Object(
          { postId: Id, stationId: Id, limitS: Type.Number({ minimum: 0 }) },
          { additionalProperties: false },
        ),
      ),
      "Each post's area reached within each limit, largest limit first (so smaller ones draw on top).",
    ),
    gaps: collection(
      feature(
        MultiPolygonGeometry,
        Type.Object({ limitS: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
      ),
      'Roads no post reaches within the largest limit.',
    ),
    coverage: Type.Array(
      Type.Object(
        {
          limitS: Type.Number({ minimum: 0 }),
          cellShare: Type.Number({ minimum: 0, maximum: 1, description: 'Share of grid cells reached.' }),
          roadLengthShare: Type.Number({ minimum: 0, maximum: 1, description: 'Share of road length.' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'ResponseCircles' },
);
export type ResponseCircles = Static<typeof ResponseCircles>;

/** `GET /api/city/route?from=lat,lon&to=lat,lon`: the fastest drive on the city's roads (free flow). */
export const DriveRoute = Type.Object(
  {
    seconds: Type.Number({ minimum: 0 }),
    meters: Type.Number({ minimum: 0 }),
    coordinates: Type.Array(LonLatPair, {
      description: 'Polyline from start to end, snapped ends included.',
    }),
  },
  { additionalProperties: false, $id: 'DriveRoute' },
);
export type DriveRoute = Static<typeof DriveRoute>;
