/**
 * Smooth movement of many units between the positions the gateway pushes (a few times a second):
 * each unit glides from where it is drawn now to its new position over the push interval, and one
 * call per animation frame writes every moving unit's current position into its GeoJSON feature.
 * Pure arithmetic over plain arrays; the map calls `setData` once per frame with all units.
 */
export interface Glide {
  fromLon: number;
  fromLat: number;
  toLon: number;
  toLat: number;
  startMs: number;
  durationMs: number;
}

/** Where a glide is at `nowMs` (linear, clamped to its end). */
export function glideAt(g: Glide, nowMs: number): [number, number] {
  const f = g.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, (nowMs - g.startMs) / g.durationMs));
  return [g.fromLon + (g.toLon - g.fromLon) * f, g.fromLat + (g.toLat - g.fromLat) * f];
}

/** A jump this far (degrees, ~5 km) is drawn at once rather than glided across the map. */
const TELEPORT_DEG = 0.05;

export class UnitMotion {
  private readonly glides = new Map<string, Glide>();
  private readonly moving = new Set<string>();

  /** A new position for a unit: glide there from where it is drawn now. */
  moveTo(unitId: string, lon: number, lat: number, nowMs: number, durationMs: number): void {
    const g = this.glides.get(unitId);
    if (!g) {
      this.glides.set(unitId, {
        fromLon: lon,
        fromLat: lat,
        toLon: lon,
        toLat: lat,
        startMs: nowMs,
        durationMs: 0,
      });
      this.moving.add(unitId);
      return;
    }
    const [cx, cy] = glideAt(g, nowMs);
    const far = Math.abs(cx - lon) > TELEPORT_DEG || Math.abs(cy - lat) > TELEPORT_DEG;
    g.fromLon = far ? lon : cx;
    g.fromLat = far ? lat : cy;
    g.toLon = lon;
    g.toLat = lat;
    g.startMs = nowMs;
    g.durationMs = far ? 0 : durationMs;
    this.moving.add(unitId);
  }

  has(unitId: string): boolean {
    return this.glides.has(unitId);
  }

  /** The drawn position of a unit now. */
  at(unitId: string, nowMs: number): [number, number] | undefined {
    const g = this.glides.get(unitId);
    return g ? glideAt(g, nowMs) : undefined;
  }

  /**
   * Calls `write` for every unit still moving at `nowMs` with its drawn position; units that
   * reached their target are written one last time and stop. Returns how many were written.
   */
  step(nowMs: number, write: (unitId: string, lon: number, lat: number) => void): number {
    let n = 0;
    for (const id of this.moving) {
      const g = this.glides.get(id) as Glide;
      const [x, y] = glideAt(g, nowMs);
      write(id, x, y);
      n++;
      if (nowMs >= g.startMs + g.durationMs) this.moving.delete(id);
    }
    return n;
  }

  get movingCount(): number {
    return this.moving.size;
  }
}
