/**
 * A loaded city: the pack plus its router, grid-cell index, who answers where (stations' areas,
 * districts, community officers, duty desks) and cached response circles.
 */
import type { Region } from '@fenghuo/contracts';
import type { LonLat } from './geo.js';
import { PolygonIndex } from './grid-index.js';
import {
  type CityPack,
  type District,
  type GridCell,
  PATROL_KINDS,
  type Station,
  type Unit,
} from './pack.js';
import { computeResponseCoverage, type ResponseCoverage, type ResponseOptions } from './response-circles.js';
import {
  type Mover,
  type NearestOptions,
  type PreparedMover,
  Router,
  type RouterOptions,
  type UnitEta,
} from './router.js';

export class City {
  readonly router: Router;
  readonly cellIndex: PolygonIndex;
  private readonly cellById = new Map<string, GridCell>();
  private readonly stationById = new Map<string, Station>();
  private readonly districtById = new Map<string, District>();
  private readonly districtOfStation = new Map<string, District>();
  private readonly unitById = new Map<string, Unit>();
  private readonly deskOfStation = new Map<string, Unit>();
  private readonly cellsOfStation = new Map<string, GridCell[]>();
  private coverage: ResponseCoverage | undefined;
  private homeUnits: PreparedMover[] | undefined;

  constructor(
    readonly pack: CityPack,
    options: RouterOptions = {},
  ) {
    this.router = new Router(pack.graph, options);
    this.cellIndex = new PolygonIndex(pack.cells.map((c) => c.polygon));
    for (const c of pack.cells) {
      this.cellById.set(c.id, c);
      const list = this.cellsOfStation.get(c.stationId) ?? [];
      list.push(c);
      this.cellsOfStation.set(c.stationId, list);
    }
    for (const s of pack.stations) this.stationById.set(s.id, s);
    for (const d of pack.districts) {
      this.districtById.set(d.id, d);
      for (const s of d.stationIds) this.districtOfStation.set(s, d);
    }
    for (const u of pack.units) {
      this.unitById.set(u.id, u);
      if (u.kind === 'duty_desk') this.deskOfStation.set(u.stationId, u);
    }
  }

  /** The grid cell containing a position, or `undefined` outside every cell. */
  cellAt(position: LonLat): GridCell | undefined {
    const i = this.cellIndex.lookup(position[0], position[1]);
    return i >= 0 ? this.pack.cells[i] : undefined;
  }

  /** The community officer responsible for a position, or `undefined`. */
  officerAt(position: LonLat): string | undefined {
    return this.cellAt(position)?.officerId;
  }

  cell(id: string): GridCell | undefined {
    return this.cellById.get(id);
  }

  station(id: string): Station | undefined {
    return this.stationById.get(id);
  }

  district(id: string): District | undefined {
    return this.districtById.get(id);
  }

  /** The district a station belongs to. */
  districtOf(stationId: string): District | undefined {
    return this.districtOfStation.get(stationId);
  }

  unit(id: string): Unit | undefined {
    return this.unitById.get(id);
  }

  /** The community officer (a `community_officer` unit) of a grid cell. */
  officerOf(cellId: string): Unit | undefined {
    const cell = this.cellById.get(cellId);
    return cell ? this.unitById.get(cell.officerId) : undefined;
  }

  /** A station's duty desk (a `duty_desk` unit at the station). */
  dutyDesk(stationId: string): Unit | undefined {
    return this.deskOfStation.get(stationId);
  }

  /** The station whose area holds a position (through its grid cell), or `undefined` outside every cell. */
  stationAt(position: LonLat): Station | undefined {
    const cell = this.cellAt(position);
    return cell ? this.stationById.get(cell.stationId) : undefined;
  }

  /** The grid cells of a region: a station's area, or every station's area in a district. */
  cellsIn(region: Region): readonly GridCell[] {
    if (region.kind === 'station') return this.cellsOfStation.get(region.id) ?? [];
    return (this.districtById.get(region.id)?.stationIds ?? []).flatMap(
      (s) => this.cellsOfStation.get(s) ?? [],
    );
  }

  /** Whether a grid cell lies in a region (what an operator of that region may see). */
  regionHoldsCell(region: Region, cellId: string): boolean {
    const stationId = this.cellById.get(cellId)?.stationId;
    if (stationId === undefined) return false;
    return region.kind === 'station'
      ? stationId === region.id
      : this.districtOfStation.get(stationId)?.id === region.id;
  }

  /** Whether a position lies in a region. */
  regionHolds(region: Region, position: LonLat): boolean {
    const cell = this.cellAt(position);
    return cell !== undefined && this.regionHoldsCell(region, cell.id);
  }

  /**
   * Units that can reach `position` first. Pass live positions (`movers`) when known; without
   * them the pack's patrol units (cars, motorcycles, foot) at their home positions are used
   * (prepared once).
   */
  nearestUnits(position: LonLat, movers?: readonly Mover[], options: NearestOptions = {}): UnitEta[] {
    if (!movers && !this.homeUnits) {
      const patrols = this.pack.units.filter((u) => (PATROL_KINDS as readonly string[]).includes(u.kind));
      this.homeUnits = this.router.prepare(patrols);
    }
    const prepared = movers ? this.router.prepare(movers) : (this.homeUnits ?? []);
    return this.router.nearestByEta({ position }, prepared, options);
  }

  /** Response circles of every post and coverage figures, computed on first call and cached. */
  responseCoverage(options?: ResponseOptions): ResponseCoverage {
    if (!this.coverage || options) this.coverage = computeResponseCoverage(this.pack, this.router, options);
    return this.coverage;
  }
}
