/**
 * The city's grid cells as reports need them: a cell's centre (a report's location unless the
 * reporter gives one), its community officer and station, and who may see what was reported in it.
 */
import type { CityPack } from '@fenghuo/city';
import type { GeoPoint, UserIdentity } from '@fenghuo/contracts';

export interface CellInfo {
  readonly id: string;
  readonly officerId: string;
  readonly stationId: string;
  readonly centre: GeoPoint;
}

export class CellDirectory {
  private readonly byId = new Map<string, CellInfo>();
  private readonly districtOfStation = new Map<string, string>();
  private readonly stationOfUnit = new Map<string, string>();

  constructor(pack: Pick<CityPack, 'cells' | 'districts' | 'units'>) {
    for (const c of pack.cells) {
      const ring = c.polygon[0] ?? [];
      // A closed ring repeats its first point; leave it out of the mean (as the router does).
      const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
      const centre = {
        lon: pts.reduce((s, p) => s + p[0], 0) / Math.max(1, pts.length),
        lat: pts.reduce((s, p) => s + p[1], 0) / Math.max(1, pts.length),
      };
      this.byId.set(c.id, { id: c.id, officerId: c.officerId, stationId: c.stationId, centre });
    }
    for (const d of pack.districts) for (const s of d.stationIds) this.districtOfStation.set(s, d.id);
    for (const u of pack.units) this.stationOfUnit.set(u.id, u.stationId);
  }

  cell(id: string): CellInfo | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * Who may see a cell's reports (their photos, the daily summary): supervisors and admins; an
   * operator whose region holds the cell; an officer of the cell's station (its community officer
   * first); the cell's own grid worker. Analysts never (they see redacted data only).
   */
  maySee(user: UserIdentity, cellId: string): boolean {
    const cell = this.byId.get(cellId);
    if (!cell) return false;
    switch (user.role) {
      case 'supervisor':
      case 'admin':
        return true;
      case 'operator':
        return (
          user.region !== undefined &&
          (user.region.kind === 'station'
            ? user.region.id === cell.stationId
            : user.region.id === this.districtOfStation.get(cell.stationId))
        );
      case 'officer':
        return (
          user.unitId !== undefined &&
          (user.unitId === cell.officerId || this.stationOfUnit.get(user.unitId) === cell.stationId)
        );
      case 'grid_worker':
        return user.gridCellId === cellId;
      case 'analyst':
        return false;
      default: {
        const unknown: never = user.role;
        return unknown;
      }
    }
  }
}
