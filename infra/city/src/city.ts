/** A loaded city: the pack plus its router, grid-cell index and cached response circles. */
import type { LonLat } from './geo.js';
import { PolygonIndex } from './grid-index.js';
import type { CityPack, GridCell } from './pack.js';
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
  private coverage: ResponseCoverage | undefined;
  private homeUnits: PreparedMover[] | undefined;

  constructor(
    readonly pack: CityPack,
    options: RouterOptions = {},
  ) {
    this.router = new Router(pack.graph, options);
    this.cellIndex = new PolygonIndex(pack.cells.map((c) => c.polygon));
    for (const c of pack.cells) this.cellById.set(c.id, c);
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

  /**
   * Units that can reach `position` first. Pass live positions (`movers`) when known; without
   * them the pack's unit positions are used (prepared once).
   */
  nearestUnits(position: LonLat, movers?: readonly Mover[], options: NearestOptions = {}): UnitEta[] {
    if (!movers && !this.homeUnits) this.homeUnits = this.router.prepare(this.pack.units);
    const prepared = movers ? this.router.prepare(movers) : (this.homeUnits ?? []);
    return this.router.nearestByEta({ position }, prepared, options);
  }

  /** Response circles of every post and coverage figures, computed on first call and cached. */
  responseCoverage(options?: ResponseOptions): ResponseCoverage {
    if (!this.coverage || options) this.coverage = computeResponseCoverage(this.pack, this.router, options);
    return this.coverage;
  }
}
