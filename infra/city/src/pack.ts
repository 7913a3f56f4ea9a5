/** The city pack: everything the dispatch side needs to know about a city. */
import type { UnitKind as ContractUnitKind } from '@fenghuo/contracts';
import type { BBox, LonLat, Ring } from './geo.js';
import type { RoadGraph } from './graph.js';

/**
 * Version of the on-disk pack layout (see docs/city-pack.md). 2 added cells' stations, districts,
 * community officers and duty desks; version-1 packs are read and given them in memory.
 */
export const CITY_PACK_VERSION = 2;

/** A grid cell (网格) with the community officer responsible for it and the station it belongs to. */
export interface GridCell {
  readonly id: string;
  /** Id of the `community_officer` unit responsible for the cell. */
  readonly officerId: string;
  /** The station whose area holds the cell: a station's area is the cells naming it. */
  readonly stationId: string;
  /** GeoJSON Polygon coordinates: outer ring first, then holes. */
  readonly polygon: Ring[];
}

export interface Station {
  readonly id: string;
  readonly name: string;
  readonly position: LonLat;
}

/** A group of stations under one district command; an operator's region is a station or a district. */
export interface District {
  readonly id: string;
  readonly name: string;
  readonly stationIds: readonly string[];
}

export interface Post {
  readonly id: string;
  readonly name: string;
  readonly stationId: string;
  readonly position: LonLat;
}

/** The unit kinds a pack places: the contracts' `UnitKind`, every one of them. */
export const UNIT_KINDS = [
  'patrol_car',
  'motorcycle',
  'foot',
  'community_officer',
  'duty_desk',
] as const satisfies readonly ContractUnitKind[];
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Kinds that patrol and answer incidents by driving (or walking) there. */
export const PATROL_KINDS = ['patrol_car', 'motorcycle', 'foot'] as const satisfies readonly UnitKind[];

export interface Unit {
  readonly id: string;
  readonly callSign: string;
  readonly kind: UnitKind;
  /** Where the unit starts its shift: a post or station; a community officer's cell. */
  readonly homeId: string;
  readonly stationId: string;
  /** The cell a community officer answers for. */
  readonly gridCellId?: string;
  readonly position: LonLat;
}

export interface Camera {
  readonly id: string;
  /** External id of the graph node (intersection) the camera watches. */
  readonly nodeId: number;
  readonly position: LonLat;
}

export interface CityPackMeta {
  readonly name: string;
  /** Where the roads came from: `generated`, `osm-pbf`, `osm-xml` or `graphml`. */
  readonly source: string;
  /** Seed of the generator, for generated packs. */
  readonly seed?: number;
  /** Input file name for imported packs (base name only). */
  readonly input?: string;
  readonly bbox: BBox;
  /** Attribution to show on maps (ODbL for OpenStreetMap data). */
  readonly attribution?: string;
}

export interface CityPack {
  readonly version: number;
  readonly meta: CityPackMeta;
  readonly graph: RoadGraph;
  readonly cells: readonly GridCell[];
  readonly stations: readonly Station[];
  readonly districts: readonly District[];
  readonly posts: readonly Post[];
  readonly units: readonly Unit[];
  readonly cameras: readonly Camera[];
}
