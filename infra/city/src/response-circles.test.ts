import { describe, expect, it } from 'vitest';
import { City } from './city.js';
import { generateCity } from './generate.js';

describe('response circles', () => {
  // A small city with few posts so that coverage has gaps.
  const pack = generateCity({ targetNodes: 4000, posts: 4, units: 8, stations: 2, cellsPerSide: 8 });
  const city = new City(pack);
  const result = city.responseCoverage({ limitsS: [60, 180, 300] });

  it('draws 1, 3 and 5-minute circles for every post', () => {
    expect(result.circles.length).toBe(4);
    for (const c of result.circles) {
      expect(c.isochrones.map((i) => i.seconds)).toEqual([60, 180, 300]);
      const [a, b, d] = c.isochrones;
      expect(a && b && d && a.areaM2 < b.areaM2 && b.areaM2 <= d.areaM2).toBe(true);
    }
  });

  it('reports coverage growing with the limit, and gaps where roads are beyond 5 minutes', () => {
    const shares = result.coverage.map((c) => c.roadLengthShare);
    expect(shares[0]).toBeLessThan(shares[1] as number);
    expect(shares[1]).toBeLessThanOrEqual(shares[2] as number);
    for (const c of result.coverage) {
      expect(c.cellShare).toBeGreaterThanOrEqual(0);
      expect(c.cellShare).toBeLessThanOrEqual(1);
    }
    // Road length beyond 5 minutes exists here, so there must be gap polygons.
    const beyond = Array.from(result.nodeTimes).filter((t) => t > 300).length;
    if (beyond > 0) expect(result.gaps.length).toBeGreaterThan(0);
    expect(city.responseCoverage()).toBe(city.responseCoverage());
  });
});
