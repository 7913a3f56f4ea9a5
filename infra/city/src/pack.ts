/** The city pack: everything the dispatch side needs to know about a city. */
import type { UnitKind as ContractUnitKind } from '@fenghuo/contracts';
import type { BBox, LonLat, Ring } from './geo.js';
import type { RoadGraph } from './graph.js';

/** Version of the on-disk pack layout (see docs/city-pack.md). */
export const CITY_PACK_VERSION = 1;

/** A grid cell (网格) with the community officer responsible for it. */
export interface GridCell {
  readonly id: string;
  readonly officerId: string;
  /** GeoJSON Polygon coordinates: outer ring first, then holes. */
  readonly polygon: Ring[];
}

export interface Station {
  readonly id: string;
  readonly name: string;
  readonly position: LonLat;
}

export interface Post {
  readonly id: string;
  readonly name: string;
  readonly stationId: string;
  readonly position: LonLat;
}

/** The unit kinds a pack places; the same names as the contracts' `UnitKind`. */
export const UNIT_KINDS = ['patrol_car', 'motorcycle', 'foot'] as const satisfies readonly ContractUnitKind[];
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface Unit {
  readonly id: string;
  readonly callSign: string;
  readonly kind: UnitKind;
  /** The post (or station) the unit starts its shift from. */
  readonly homeId: string;
  readonly stationId: string;
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
  readonly posts: readonly Post[];
  readonly units: readonly Unit[];
  readonly cameras: readonly Camera[];
}
