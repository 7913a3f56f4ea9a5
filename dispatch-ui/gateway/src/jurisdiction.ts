/**
 * Who answers for which part of the city, from the city pack: a grid cell's station, a station's
 * district, a unit's home station, and the station (and cell) of any point. The gateway decides
 * every room from these; nothing a client sends takes part.
 */
import { type CityPack, PolygonIndex, stationLocator } from '@fenghuo/city';
import type { GeoPoint, Region } from '@fenghuo/contracts';

export class Jurisdiction {
  private readonly stationOfCellId = new Map<string, string>();
  private readonly districtOfStationId = new Map<string, string>();
  private readonly unitStation = new Map<string, string>();
  private readonly unitKinds = new Map<string, CityPack['units'][number]>();
  private readonly locate: (position: [number, number]) => string;
  private readonly cellIndex: PolygonIndex;
  private readonly cellIds: readonly string[];

  constructor(pack: Pick<CityPack, 'graph' | 'cells' | 'stations' | 'districts' | 'units'>) {
    for (const c of pack.cells) this.stationOfCellId.set(c.id, c.stationId);
    for (const d of pack.districts) for (const s of d.stationIds) this.districtOfStationId.set(s, d.id);
    for (const u of pack.units) {
      this.unitStation.set(u.id, u.stationId);
      this.unitKinds.set(u.id, u);
    }
    this.locate = stationLocator(pack.graph, pack.cells, pack.stations);
    this.cellIndex = new PolygonIndex(pack.cells.map((c) => c.polygon));
    this.cellIds = pack.cells.map((c) => c.id);
  }

  stationOfCell(cellId: string | undefined): string | undefined {
    return cellId === undefined ? undefined : this.stationOfCellId.get(cellId);
  }

  districtOf(stationId: string): string | undefined {
    return this.districtOfStationId.get(stationId);
  }

  stationAt(point: GeoPoint): string {
    return this.locate([point.lon, point.lat]);
  }

  cellAt(point: GeoPoint): string | undefined {
    const i = this.cellIndex.lookupLonLat([point.lon, point.lat]);
    return i >= 0 ? this.cellIds[i] : undefined;
  }

  stationOfUnit(unitId: string): string | undefined {
    return this.unitStation.get(unitId);
  }

  unit(unitId: string): CityPack['units'][number] | undefined {
    return this.unitKinds.get(unitId);
  }

  /** The station of a matter: its own station, else its cell's, else the one holding its location. */
  stationOf(where: { stationId?: string; gridCellId?: string; location?: GeoPoint }): string | undefined {
    if (where.stationId !== undefined && this.districtOfStationId.has(where.stationId))
      return where.stationId;
    return (
      this.stationOfCell(where.gridCellId) ??
      (where.location === undefined ? undefined : this.stationAt(where.location))
    );
  }

  /** Whether a region names a station or district of this city. */
  knowsRegion(region: Region): boolean {
    return region.kind === 'station'
      ? this.districtOfStationId.has(region.id)
      : [...this.districtOfStationId.values()].includes(region.id);
  }

  knowsCell(cellId: string): boolean {
    return this.stationOfCellId.has(cellId);
  }
}
