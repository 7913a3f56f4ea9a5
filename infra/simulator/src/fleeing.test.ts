import { City, generateCity } from '@fenghuo/city';
import { Codecs } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { FLEEING_SPEED_FACTOR, planFleeing } from './fleeing.ts';
import { planSimulation } from './plan.ts';
import { Rng } from './rng.ts';
import { distanceM } from './units/path.ts';

describe('fleeing vehicles', () => {
  const pack = generateCity({ name: 'sim-fleeing', targetNodes: 2500, units: 10, seed: 9 });
  const roads = { router: new City(pack).router, cameras: pack.cameras };
  const start = Date.parse('2026-12-04T02:00:00Z');
  const plan = (seed: number) => {
    let n = 0;
    return planFleeing(new Rng(seed), () => `f${n++}`, roads, start, 86_400_000, 5);
  };

  it('drive past cameras in time order, each camera once, no faster than the roads allow', () => {
    const vehicles = plan(1);
    expect(vehicles.length).toBeGreaterThan(0);
    const top = Math.max(...roads.router.graph.speedKph) * FLEEING_SPEED_FACTOR;
    const cameraIds = new Set(pack.cameras.map((c) => c.id));
    for (const v of vehicles) {
      expect(v.sightings.length).toBeGreaterThanOrEqual(2);
      expect(new Set(v.cameraIds).size).toBe(v.cameraIds.length);
      for (const s of v.sightings) {
        expect(Codecs.VehicleSighting.validate(s.event).ok).toBe(true);
        expect(s.event.plate).toBe(v.plate);
        expect(cameraIds.has(s.event.cameraId)).toBe(true);
        expect(s.event.occurredAt).toBe(new Date(s.atMs).toISOString());
      }
      for (let i = 1; i < v.sightings.length; i++) {
        const a = v.sightings[i - 1]!;
        const b = v.sightings[i]!;
        expect(b.atMs).toBeGreaterThan(a.atMs);
        const m = distanceM(
          [a.event.location.lon, a.event.location.lat],
          [b.event.location.lon, b.event.location.lat],
        );
        // Straight-line distance over the time between two cameras is below the top road speed.
        expect((m / ((b.atMs - a.atMs) / 1000)) * 3.6).toBeLessThanOrEqual(top + 1);
      }
    }
  });

  it('the same seed makes the same vehicles; another seed others', () => {
    expect(plan(1)).toEqual(plan(1));
    expect(plan(2)).not.toEqual(plan(1));
  });

  it('in a plan, leave the residents and incidents of a seed as they were, and go to the ground truth', () => {
    const opts = {
      seed: 4,
      startMs: start,
      durationMin: 24 * 60,
      residents: 50,
      indicatorsPerResidentDay: 2,
      victimShare: 0.05,
      incidentsPerDay: 100,
      runId: 'r',
    };
    const cells = pack.cells.map((c) => ({ id: c.id, ring: c.polygon[0] ?? [] }));
    const without = planSimulation(opts, cells);
    const withFleeing = planSimulation({ ...opts, fleeingPerDay: 5 }, cells, roads);
    expect(withFleeing.events.filter((e) => e.kind !== 'sightings')).toEqual(without.events);
    expect(withFleeing.counts.fleeing).toBeGreaterThan(0);
    const truth = withFleeing.truth.filter((t) => t.type === 'fleeing');
    expect(truth.map((t) => t.plate)).toEqual(withFleeing.plates);
    const sightings = withFleeing.events.filter((e) => e.kind === 'sightings');
    expect(sightings.map((e) => e.event.eventId).sort()).toEqual(truth.flatMap((t) => t.sightingIds).sort());
  });
});
