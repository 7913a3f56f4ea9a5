/**
 * Drive-time ranking of units: the units read from Redis (nearest by air, a generous pool) are
 * ranked by their drive time to the destination on the road network with `@fenghuo/city`'s router
 * (one reverse search from the destination that stops once no other unit can beat the k-th), never
 * by straight-line distance. Snaps of unit positions onto roads are cached per unit and position.
 */
import type { Router, Snap } from '@fenghuo/city';
import type { DispatchCandidate, GeoPoint } from '@fenghuo/contracts';

export interface PoolUnit {
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
}

export interface RankerOptions {
  /** Hour of day (0–24, local) at an epoch ms, for the speed profile. */
  readonly hourAt: (ms: number) => number;
}

export class Ranker {
  private readonly snaps = new Map<string, { lon: number; lat: number; snap: Snap | undefined }>();

  constructor(
    private readonly router: Router,
    private readonly opts: RankerOptions,
  ) {}

  private snapOf(u: PoolUnit): Snap | undefined {
    const cached = this.snaps.get(u.id);
    if (cached && cached.lon === u.lon && cached.lat === u.lat) return cached.snap;
    const snap = this.router.snap([u.lon, u.lat]);
    this.snaps.set(u.id, { lon: u.lon, lat: u.lat, snap });
    return snap;
  }

  /** The `k` units of `pool` that reach `to` first at time `now`, fastest first; unreachable ones left out. */
  rank(to: GeoPoint, pool: readonly PoolUnit[], k: number, now: number): DispatchCandidate[] {
    if (k <= 0 || pool.length === 0) return [];
    const movers = [];
    for (const u of pool) {
      const snap = this.snapOf(u);
      if (snap) movers.push({ id: u.id, snap });
    }
    const best = this.router.nearestByEta({ position: [to.lon, to.lat] }, movers, {
      k,
      hour: this.opts.hourAt(now),
    });
    return best.map((b) => ({ unitId: b.id, etaSec: Math.round(b.etaS * 10) / 10 }));
  }
}

/** Local hour of day at an epoch ms, for a city `utcOffsetHours` from UTC. */
export function hourOfDay(ms: number, utcOffsetHours: number): number {
  const h = (ms / 3_600_000 + utcOffsetHours) % 24;
  return h < 0 ? h + 24 : h;
}
