import { describe, expect, it } from 'vitest';
import { largestStronglyConnectedComponent } from './components.js';
import { generateCity } from './generate.js';
import { encodeGraph } from './pack-format.js';
import { RoadClass } from './road-class.js';
import { defaultPack } from './test-support.js';

describe('generated default city', () => {
  const pack = defaultPack();
  const g = pack.graph;

  it('has the size the issue asks for', () => {
    expect(g.nodeCount).toBeGreaterThanOrEqual(20_000);
    expect(pack.cells.length).toBe(400);
    expect(pack.stations.length).toBe(7);
    expect(pack.posts.length).toBe(90);
    const kinds = (...k: string[]) => pack.units.filter((u) => k.includes(u.kind)).length;
    expect(kinds('patrol_car', 'motorcycle', 'foot')).toBe(200);
    expect(kinds('community_officer')).toBe(400);
    expect(kinds('duty_desk')).toBe(7);
    expect(pack.units.length).toBe(607);
    expect(pack.districts.length).toBe(3);
    expect(pack.cameras.length).toBeGreaterThan(100);
    expect(new Set(pack.cells.map((c) => c.officerId)).size).toBe(400);
  });

  it('has arterials, ring roads and one-way streets, and is strongly connected', () => {
    const classes = new Set(g.roadClass);
    for (const c of [
      RoadClass.motorway,
      RoadClass.trunk,
      RoadClass.primary,
      RoadClass.secondary,
      RoadClass.residential,
    ])
      expect(classes.has(c)).toBe(true);
    let oneWay = 0;
    for (let e = 0; e < g.edgeCount; e++)
      if (g.findEdge(g.head[e] as number, g.tail[e] as number) < 0) oneWay++;
    expect(oneWay).toBeGreaterThan(1000);
    const mask = largestStronglyConnectedComponent(g.nodeCount, g.tail, g.head);
    expect(mask.every((m) => m === 1)).toBe(true);
  });

  it('has a river crossed only on a few bridges', () => {
    // Count edges crossing the latitude band the river meanders through: far fewer than streets.
    const ys = Array.from(g.y).sort((a, b) => a - b);
    const span = (ys[ys.length - 1] as number) - (ys[0] as number);
    const emptyBands = [];
    for (let y = (ys[0] as number) + 0.2 * span; y < (ys[0] as number) + 0.8 * span; y += 50) {
      let crossing = 0;
      for (let e = 0; e < g.edgeCount; e++) {
        const a = g.y[g.tail[e] as number] as number;
        const b = g.y[g.head[e] as number] as number;
        if (a < y !== b < y) crossing++;
      }
      emptyBands.push(crossing);
    }
    const columns = Math.sqrt(g.nodeCount);
    // Some horizontal line through the city crosses far fewer roads than a lattice would give.
    expect(Math.min(...emptyBands)).toBeLessThan(columns * 2);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const first = generateCity({ targetNodes: 3000 });
    const second = generateCity({ targetNodes: 3000 });
    const a = encodeGraph(first.graph);
    const b = encodeGraph(second.graph);
    const c = encodeGraph(generateCity({ targetNodes: 3000, seed: 2 }).graph);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    const { graph: _g1, ...layers1 } = first;
    const { graph: _g2, ...layers2 } = second;
    expect(layers2).toEqual(layers1);
  });

  it('scales with targetNodes', () => {
    const small = generateCity({ targetNodes: 5000, posts: 10, units: 20 });
    expect(small.graph.nodeCount).toBeGreaterThan(4000);
    expect(small.graph.nodeCount).toBeLessThan(6000);
    expect(small.units.filter((u) => u.kind !== 'community_officer' && u.kind !== 'duty_desk')).toHaveLength(
      20,
    );
  });
});
