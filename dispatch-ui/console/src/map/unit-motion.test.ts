import { describe, expect, it } from 'vitest';
import { convexHull } from './hull.ts';
import { glideAt, UnitMotion } from './unit-motion.ts';

describe('units gliding between pushed positions', () => {
  it('appears where first seen, then glides linearly to the next position', () => {
    const m = new UnitMotion();
    m.moveTo('u1', 120, 30, 0, 500);
    expect(m.at('u1', 0)).toEqual([120, 30]);
    m.moveTo('u1', 120.01, 30.01, 1000, 500);
    const [x, y] = m.at('u1', 1250) as [number, number];
    expect(x).toBeCloseTo(120.005, 9);
    expect(y).toBeCloseTo(30.005, 9);
    expect(m.at('u1', 5000)).toEqual([120.01, 30.01]);
  });

  it('starts a new glide from where the unit is drawn, not from its last target', () => {
    const m = new UnitMotion();
    m.moveTo('u1', 0, 0, 0, 0);
    m.moveTo('u1', 0.01, 0, 0, 1000);
    m.moveTo('u1', 0.01, 0.01, 500, 1000);
    const [x, y] = m.at('u1', 500) as [number, number];
    expect(x).toBeCloseTo(0.005, 9);
    expect(y).toBeCloseTo(0, 9);
  });

  it('jumps across the map at once instead of gliding', () => {
    const m = new UnitMotion();
    m.moveTo('u1', 120, 30, 0, 500);
    m.moveTo('u1', 121, 31, 100, 500);
    expect(m.at('u1', 100)).toEqual([121, 31]);
  });

  it('writes moving units each step and stops once they arrive', () => {
    const m = new UnitMotion();
    m.moveTo('a', 0, 0, 0, 0);
    m.moveTo('b', 1, 1, 0, 0);
    const written: string[] = [];
    expect(m.step(0, (id) => written.push(id))).toBe(2);
    expect(m.movingCount).toBe(0);
    m.moveTo('a', 0.001, 0, 10, 100);
    expect(m.step(50, () => undefined)).toBe(1);
    expect(m.movingCount).toBe(1);
    m.step(200, () => undefined);
    expect(m.movingCount).toBe(0);
    expect(glideAt({ fromLon: 0, fromLat: 0, toLon: 1, toLat: 1, startMs: 0, durationMs: 0 }, 0)).toEqual([
      1, 1,
    ]);
  });

  it('rings checkpoints with their convex hull', () => {
    const hull = convexHull([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0.5, 0.5],
    ]);
    expect(hull).toHaveLength(4);
    expect(hull).not.toContainEqual([0.5, 0.5]);
  });
});
