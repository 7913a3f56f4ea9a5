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

/**
 * The last drive-time ranking, kept so that a decision asking again at the same place with fewer
 * units free is answered without another search: the second unit of a two-unit incident (asked
 * with its first unit now excluded), an escalation that climbs from one patrol rung to the next.
 *
 * Exact, not approximate: a ranking of the `asked` fastest units of a free set F, filtered to a
 * subset F' of F, is the start of F''s ranking (a unit of F' outside the list is no faster than
 * every unit in it), so its first `k` are the answer whenever at least `k` are left, or when the
 * ranking held every reachable unit of F (fewer than `asked` came back). Otherwise, or when F' has
 * a unit F lacked, or the place differs, it searches again.
 */
export class RankMemo {
  private last:
    | {
        readonly place: string;
        readonly free: ReadonlySet<string>;
        readonly asked: number;
        readonly list: readonly DispatchCandidate[];
      }
    | undefined;

  /** Searches run (not answered from the last ranking). */
  searches = 0;

  /**
   * The `k` fastest of `free` to `place`; `ahead` more are ranked when a search runs, for a caller
   * that will ask again without the one it picks. `search(k)` ranks `free` (fastest first, at most
   * `k`, unreachable units left out).
   */
  rank(
    place: string,
    free: readonly { readonly id: string }[],
    k: number,
    ahead: number,
    search: (k: number) => DispatchCandidate[],
  ): DispatchCandidate[] {
    const last = this.last;
    if (last !== undefined && last.place === place && free.every((u) => last.free.has(u.id))) {
      const ids = new Set(free.map((u) => u.id));
      const left = last.list.filter((c) => ids.has(c.unitId));
      if (left.length >= k || last.list.length < last.asked) return left.slice(0, k);
    }
    const asked = k + Math.max(0, ahead);
    const list = free.length === 0 ? [] : search(asked);
    if (free.length > 0) this.searches++;
    this.last = { place, free: new Set(free.map((u) => u.id)), asked, list };
    return list.slice(0, k);
  }
}

/** Local hour of day at an epoch ms, for a city `utcOffsetHours` from UTC. */
export function hourOfDay(ms: number, utcOffsetHours: number): number {
  const h = (ms / 3_600_000 + utcOffsetHours) % 24;
  return h < 0 ? h + 24 : h;
}
