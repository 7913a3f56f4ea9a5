// Public surface of @fenghuo/city: the city model (road graph, grid cells, posts, units,
// cameras), pack files, generation and import, and drive-time routing.
export { City } from './city.js';
export { largestStronglyConnectedComponent } from './components.js';
export { Dijkstra, type DijkstraOptions, type SearchDirection } from './dijkstra.js';
export { DEFAULT_SEED, type GenerateOptions, generateCity } from './generate.js';
export { type BBox, haversineM, LocalProjection, type LonLat, pointInPolygon, type Ring } from './geo.js';
export { RoadGraph, type RoadGraphInput } from './graph.js';
export { type GraphmlImportOptions, importGraphml } from './graphml-import.js';
export { PolygonIndex, type PolygonIndexOptions } from './grid-index.js';
export { buildIsochrone, buildIsochrones, type Isochrone, type IsochroneOptions } from './isochrone.js';
export {
  assignCellStations,
  type CellDraft,
  communityUnits,
  groupStationsIntoDistricts,
  jurisdictionProblems,
  stationLocator,
} from './jurisdiction.js';
export { importOsmGraph, OsmGraphBuilder, type OsmImportOptions, type OsmImportStats } from './osm-import.js';
export { OsmFormatError, type ProgressFn } from './osm-source.js';
export {
  type Camera,
  CITY_PACK_VERSION,
  type CityPack,
  type CityPackMeta,
  type District,
  type GridCell,
  PATROL_KINDS,
  type Post,
  type Station,
  UNIT_KINDS,
  type Unit,
  type UnitKind,
} from './pack.js';
export {
  CityPackError,
  decodeGraph,
  encodeGraph,
  PACK_FILES,
  type PackManifest,
  packVersion,
  READABLE_PACK_VERSIONS,
  readCityPack,
  readDistricts,
  readPosts,
  readStations,
  readUnits,
  writeCityPack,
} from './pack-format.js';
export {
  DEFAULT_PACK_NAME,
  DEFAULT_PACKS_DIR,
  type DefaultPackResult,
  loadCityPack,
  loadOrGenerateDefaultPack,
  packDir,
  packExists,
} from './pack-store.js';
export { completePack, type PlacementOptions, squareGridCells } from './placement.js';
export {
  type CoverageFigure,
  computeResponseCoverage,
  RESPONSE_LIMITS_S,
  type ResponseCircle,
  type ResponseCoverage,
  type ResponseOptions,
} from './response-circles.js';
export {
  FREE_FLOW_PROFILE,
  ROAD_CLASS_NAMES,
  RoadClass,
  type SpeedProfile,
  urbanWeekdayProfile,
} from './road-class.js';
export {
  type Mover,
  type NearestOptions,
  type Place,
  type PreparedMover,
  type Route,
  Router,
  type RouterOptions,
  type SearchOptions,
  type UnitEta,
  type WhenOptions,
} from './router.js';
export { type Snap, SnapIndex } from './snap.js';
