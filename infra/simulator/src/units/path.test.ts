import { City, generateCity, type LonLat } from '@fenghuo/city';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import { MovingUnit } from './moving-unit.ts';
import { bearingDeg, distanceM, Path, pathOfRoute } from './path.ts';

describe('Path', () => {
  // Two segments east then north, ~111 m each at the equator.
  const a: LonLat = [0, 0];
  const b: LonLat = [0.001, 0];
  const c: LonLat = [0.001, 0.001];
  const path = new Path([a, b, c], [10, 40]);

  it('interpolates position, heading and speed along each segment', () => {
    expect(path.totalS).toBe(50);
    const mid1 = path.at(5);
    expect(mid1.lon).toBeCloseTo(0.0005, 9);
    expect(mid1.lat).toBe(0);
    expect(mid1.headingDeg).toBeCloseTo(90, 3);
    expect(mid1.speedKph).toBeCloseTo((distanceM(a, b) / 10) * 3.6, 6);
    const mid2 = path.at(30);
    expect(mid2.lon).toBeCloseTo(0.001, 9);
    expect(mid2.lat).toBeCloseTo(0.0005, 9);
    expect(mid2.headingDeg).toBeCloseTo(0, 3);
    expect(mid2.speedKph).toBeCloseTo((distanceM(b, c) / 40) * 3.6, 6);
  });

  it('stops at the end and stands still before the start', () => {
    expect(path.at(500)).toMatchObject({ lon: 0.001, lat: 0.001, speedKph: 0 });
    expect(path.at(-3)).toMatchObject({ lon: 0, lat: 0 });
    expect(Path.still([1, 2]).at(10)).toEqual({ lon: 1, lat: 2, headingDeg: 0, speedKph: 0 });
  });

  it('bearings run clockwise from north', () => {
    expect(bearingDeg([0, 0], [0, 1])).toBeCloseTo(0, 6);
    expect(bearingDeg([0, 0], [1, 0])).toBeCloseTo(90, 6);
    expect(bearingDeg([0, 0], [0, -1])).toBeCloseTo(180, 6);
    expect(bearingDeg([0, 0], [-1, 0])).toBeCloseTo(270, 6);
  });
});

describe('driving the city at road speed', () => {
  const pack = generateCity({ name: 'sim-movement', targetNodes: 1500, units: 10, seed: 5 });
  const city = new City(pack);
  const router = city.router;
  const from = pack.units[0]!.position;
  const to = pack.units[pack.units.length - 1]!.position;

  it('a path of a route takes the route time and ends at the destination', () => {
    const route = router.route({ position: from }, { position: to })!;
    expect(route.edges.length).toBeGreaterThan(2);
    const path = pathOfRoute(route, router.graph);
    // The edges at free-flow speed plus the partial ends at the mean speed: the router's own time.
    expect(path.totalS).toBeCloseTo(route.seconds, 0);
    expect(path.end).toEqual(route.coordinates[route.coordinates.length - 1]);
    // Never faster than the fastest road of the graph.
    let top = 0;
    for (let t = 0; t < path.totalS; t += 2) top = Math.max(top, path.at(t).speedKph);
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThanOrEqual(Math.max(...router.graph.speedKph) + 0.5);
  });

  it('a unit on foot walks at most at its top speed', () => {
    const route = router.route({ position: from }, { position: to })!;
    const path = pathOfRoute(route, router.graph, 5);
    expect(path.totalS).toBeGreaterThanOrEqual(route.meters / (5 / 3.6) - 1);
    expect(path.at(path.totalS / 2).speedKph).toBeLessThanOrEqual(5.0001);
  });

  it('a patrolling unit stays near home, moves on after parking, and is deterministic per seed', () => {
    const run = (seed: number) => {
      const unit = new MovingUnit('u', from, router, new Rng(seed), 0, { radiusM: 1500, parkSec: [10, 20] });
      const fixes: [number, number][] = [];
      for (let t = 0; t <= 3_600_000; t += 10_000) {
        unit.tick(t);
        const f = unit.fix(t);
        fixes.push([f.lon, f.lat]);
      }
      return fixes;
    };
    const fixes = run(3);
    expect(run(3)).toEqual(fixes);
    expect(run(4)).not.toEqual(fixes);
    const moved = new Set(fixes.map((f) => f.join(','))).size;
    expect(moved).toBeGreaterThan(100);
    // Destinations lie within the radius; a route there may bend a little further out.
    for (const f of fixes) expect(distanceM(f, from)).toBeLessThan(3_000);
  });

  it('a unit sent to a place drives there and reports its arrival', () => {
    const unit = new MovingUnit('u', from, router, new Rng(1), 0);
    unit.tick(0);
    const seconds = unit.driveTo(to, 5_000)!;
    expect(unit.driving).toBe('order');
    expect(unit.arrived(5_000 + seconds * 500)).toBe(false);
    expect(unit.arrived(5_000 + seconds * 1000 + 1)).toBe(true);
    const end = unit.fix(5_000 + seconds * 1000 + 1);
    expect(distanceM([end.lon, end.lat], to)).toBeLessThan(300);
    // An order unit does not wander off on a patrol leg.
    unit.tick(5_000 + seconds * 1000 + 60_000);
    expect(unit.fix(5_000 + seconds * 1000 + 60_000)).toEqual(end);
    unit.patrol(5_000 + seconds * 1000 + 60_000);
    expect(unit.driving).toBe('patrol');
  });
});
