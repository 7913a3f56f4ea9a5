/**
 * A unit on the road: it patrols (drives to a random crossroads within a radius of its home post,
 * parks a few minutes, drives on) until it is sent somewhere, then drives there by the fastest
 * route. Pure over simulated time: the caller says what time it is.
 */
import type { LonLat, Router } from '@fenghuo/city';
import type { Rng } from '../rng.ts';
import { distanceM, type Fix, Path, pathOfRoute } from './path.ts';

export interface PatrolOptions {
  /** Patrol destinations lie within this distance of home, in metres. @defaultValue `2500` */
  readonly radiusM?: number;
  /** Seconds parked between patrol legs: uniform in [min, max]. @defaultValue `[30, 300]` */
  readonly parkSec?: readonly [number, number];
  /** Top speed (foot patrols walk). @defaultValue no cap */
  readonly maxKph?: number;
}

export type Mode = 'patrol' | 'order';

export class MovingUnit {
  private path: Path;
  private startedMs: number;
  private nextLegMs: number;
  private mode: Mode = 'patrol';
  private readonly radiusM: number;
  private readonly parkSec: readonly [number, number];
  private readonly maxKph: number;

  constructor(
    readonly id: string,
    readonly home: LonLat,
    private readonly router: Router,
    private readonly rng: Rng,
    nowMs: number,
    opts: PatrolOptions = {},
  ) {
    this.radiusM = opts.radiusM ?? 2_500;
    this.parkSec = opts.parkSec ?? [30, 300];
    this.maxKph = opts.maxKph ?? Number.POSITIVE_INFINITY;
    this.path = Path.still(home);
    this.startedMs = nowMs;
    this.nextLegMs = nowMs;
  }

  get driving(): Mode {
    return this.mode;
  }

  /** Where the unit is at `nowMs`. */
  fix(nowMs: number): Fix {
    return this.path.at((nowMs - this.startedMs) / 1000);
  }

  /** True once the current path has been driven to its end. */
  arrived(nowMs: number): boolean {
    return (nowMs - this.startedMs) / 1000 >= this.path.totalS;
  }

  /** Drives from where it is to `to` by the fastest route; the drive time in seconds, or undefined. */
  driveTo(to: LonLat, nowMs: number): number | undefined {
    const here = this.fix(nowMs);
    const route = this.router.route({ position: [here.lon, here.lat] }, { position: to });
    if (route === undefined) return undefined;
    this.path = pathOfRoute(route, this.router.graph, this.maxKph);
    this.startedMs = nowMs;
    this.mode = 'order';
    return this.path.totalS;
  }

  /** Back to patrolling from where it is (after an order): the next leg starts at once. */
  patrol(nowMs: number): void {
    const here = this.fix(nowMs);
    this.path = Path.still([here.lon, here.lat]);
    this.startedMs = nowMs;
    this.nextLegMs = nowMs;
    this.mode = 'patrol';
  }

  /** Time passes: a patrolling unit that has parked long enough sets off on its next leg. */
  tick(nowMs: number): void {
    if (this.mode !== 'patrol' || !this.arrived(nowMs)) return;
    if (nowMs < this.nextLegMs) return;
    const g = this.router.graph;
    const here = this.path.end;
    for (let attempt = 0; attempt < 30; attempt++) {
      const node = this.rng.int(0, g.nodeCount - 1);
      const to: LonLat = [g.lon[node] as number, g.lat[node] as number];
      if (distanceM(to, this.home) > this.radiusM) continue;
      const route = this.router.route({ position: here }, { position: to });
      if (route === undefined || route.seconds <= 0) continue;
      // Leaves when it has parked long enough: the leg starts now, then it parks at its end.
      this.path = pathOfRoute(route, g, this.maxKph);
      this.startedMs = nowMs;
      const [min, max] = this.parkSec;
      this.nextLegMs = nowMs + Math.round((this.path.totalS + min + this.rng.next() * (max - min)) * 1000);
      return;
    }
    this.nextLegMs = nowMs + 60_000;
  }
}
