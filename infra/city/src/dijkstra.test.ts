import { describe, expect, it } from 'vitest';
import { Dijkstra } from './dijkstra.js';
import { RoadGraph } from './graph.js';
import { importOsmGraph } from './osm-import.js';
import { urbanWeekdayProfile } from './road-class.js';
import { Router } from './router.js';
import { defaultPack, referenceTimes, sampleNodes, sharedRoadFile } from './test-support.js';

function checkAgainstReference(graph: RoadGraph, sources: number[]) {
  const engine = new Dijkstra(graph);
  for (const reverse of [false, true]) {
    for (const s of sources) {
      engine.run([s], [0], { direction: reverse ? 'reverse' : 'forward' });
      const ref = referenceTimes(graph, graph.freeFlowS, [s], [0], reverse);
      let mismatches = 0;
      for (let v = 0; v < graph.nodeCount; v++) {
        const a = engine.timeTo(v);
        const b = ref[v] as number;
        if (!(a === b || Math.abs(a - b) < 1e-6)) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
  }
}

function checkRoutes(graph: RoadGraph, pairs: [number, number][]) {
  const router = new Router(graph);
  const w = graph.freeFlowS;
  for (const [a, b] of pairs) {
    const route = router.route({ node: a }, { node: b });
    expect(route).toBeDefined();
    if (!route) continue;
    // Time equals the sum of its edge times; edges chain from a to b along their direction.
    let sum = 0;
    let at = a;
    for (const e of route.edges) {
      expect(graph.tail[e]).toBe(at);
      at = graph.head[e] as number;
      sum += w[e] as number;
    }
    expect(at).toBe(b);
    expect(route.seconds).toBeCloseTo(sum, 6);
    expect(route.nodes[0]).toBe(a);
    expect(route.nodes[route.nodes.length - 1]).toBe(b);
  }
}

describe('Dijkstra on the generated pack', () => {
  const { graph } = defaultPack();

  it('agrees node by node with a reference label-correcting search, forward and reverse', () => {
    checkAgainstReference(graph, sampleNodes(graph, 3));
  });

  it('returns routes whose time is the sum of their edge times', () => {
    const s = sampleNodes(graph, 20, 11);
    checkRoutes(
      graph,
      s.slice(0, 10).map((a, i) => [a, s[i + 10] as number]),
    );
  });

  it('respects one-way streets: a one-way edge is never driven backwards', () => {
    const router = new Router(graph);
    let checked = 0;
    for (let e = 0; e < graph.edgeCount && checked < 30; e += 97) {
      const u = graph.tail[e] as number;
      const v = graph.head[e] as number;
      if (graph.findEdge(v, u) >= 0) continue;
      checked++;
      const back = router.route({ node: v }, { node: u });
      expect(back).toBeDefined();
      // The detour v → u must be longer than the edge's reverse, and must never use edge e.
      expect(back?.edges.includes(e)).toBe(false);
      expect(back?.edges.length).toBeGreaterThan(1);
    }
    expect(checked).toBe(30);
  });

  it('honours the time-of-day profile (rush hour is slower than night)', () => {
    const router = new Router(graph, { profile: urbanWeekdayProfile() });
    const [a, b] = sampleNodes(graph, 2, 3) as [number, number];
    const rush = router.route({ node: a }, { node: b }, { hour: 8 });
    const night = router.route({ node: a }, { node: b }, { hour: 3 });
    expect(rush && night && rush.seconds > night.seconds).toBe(true);
  });

  it('stops at maxSeconds and settles nothing beyond it', () => {
    const engine = new Dijkstra(graph);
    engine.run([0], [0], { maxSeconds: 120 });
    for (const v of engine.settledNodes()) expect(engine.timeTo(v)).toBeLessThanOrEqual(120);
    const ref = referenceTimes(graph, graph.freeFlowS, [0], [0]);
    const expected = ref.filter((t) => t <= 120).length;
    expect(engine.settledCount).toBe(expected);
  });
});

describe('Dijkstra on a hand-made one-way graph', () => {
  it('goes around the block instead of against a one-way', () => {
    // Square 0-1-2-3; 0→1 is one-way; the others two-way. 1→0 must go 1-2-3-0.
    const edges: [number, number][] = [
      [0, 1],
      [1, 2],
      [2, 1],
      [2, 3],
      [3, 2],
      [3, 0],
      [0, 3],
    ];
    const g = new RoadGraph({
      lon: Float64Array.from([0, 0.001, 0.001, 0]),
      lat: Float64Array.from([0, 0, 0.001, 0.001]),
      nodeId: Float64Array.from([10, 11, 12, 13]),
      from: Int32Array.from(edges.map((e) => e[0])),
      to: Int32Array.from(edges.map((e) => e[1])),
      lengthM: new Float32Array(edges.length).fill(100),
      speedKph: new Float32Array(edges.length).fill(36),
      roadClass: new Uint8Array(edges.length).fill(5),
    });
    const route = new Router(g).route({ node: 1 }, { node: 0 });
    expect(Array.from(route?.nodes ?? [])).toEqual([1, 2, 3, 0]);
    expect(route?.seconds).toBeCloseTo(30, 6);
    expect(new Router(g).route({ node: 0 }, { node: 1 })?.seconds).toBeCloseTo(10, 6);
  });
});

describe('Dijkstra on real OSM data (andorra.osm.pbf)', () => {
  const file = sharedRoadFile('andorra.osm.pbf');
  it.skipIf(!file)('agrees with the reference search and gives consistent routes', () => {
    const { graph } = importOsmGraph(file as string);
    checkAgainstReference(graph, sampleNodes(graph, 2));
    const s = sampleNodes(graph, 16, 5);
    checkRoutes(
      graph,
      s.slice(0, 8).map((a, i) => [a, s[i + 8] as number]),
    );
  });
});
