/**
 * What the router asks of the city: the grid cell (with its station and community officer) of a
 * place, a station's duty desk, the roster of units. A thin view over `@fenghuo/city`'s `City`, so
 * the decisions can be unit-tested on a hand-made city.
 */
import type { City } from '@fenghuo/city';
import type { GeoPoint, UnitKind } from '@fenghuo/contracts';

export interface CellInfo {
  readonly id: string;
  readonly stationId: string;
  /** The cell's community officer (a unit id). */
  readonly officerId: string;
}

export interface RosterUnit {
  readonly id: string;
  readonly kind: UnitKind;
  readonly stationId: string;
  readonly position: GeoPoint;
}

export interface CityView {
  cellAt(point: GeoPoint): CellInfo | undefined;
  cell(id: string): CellInfo | undefined;
  /** The centre of a cell's outer ring, for a warning that names a cell but no position. */
  cellCentre(id: string): GeoPoint | undefined;
  /** The duty desk unit of a station. */
  dutyDeskOf(stationId: string): string | undefined;
  unit(id: string): RosterUnit | undefined;
  /** Every unit of the pack (seeded into Redis at start). */
  roster(): readonly RosterUnit[];
}

export function cityView(city: City): CityView {
  const info = (c: { id: string; stationId: string; officerId: string }): CellInfo => ({
    id: c.id,
    stationId: c.stationId,
    officerId: c.officerId,
  });
  const roster: RosterUnit[] = city.pack.units.map((u) => ({
    id: u.id,
    kind: u.kind,
    stationId: u.stationId,
    position: { lon: u.position[0], lat: u.position[1] },
  }));
  const byId = new Map(roster.map((u) => [u.id, u]));
  return {
    cellAt(p) {
      const c = city.cellAt([p.lon, p.lat]);
      return c ? info(c) : undefined;
    },
    cell(id) {
      const c = city.cell(id);
      return c ? info(c) : undefined;
    },
    cellCentre(id) {
      const ring = city.cell(id)?.polygon[0];
      if (!ring || ring.length === 0) return undefined;
      // A closed ring repeats its first point; leave it out of the mean.
      const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
      const lon = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const lat = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      return { lon, lat };
    },
    dutyDeskOf: (stationId) => city.dutyDesk(stationId)?.id,
    unit: (id) => byId.get(id),
    roster: () => roster,
  };
}
