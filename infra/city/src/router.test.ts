import { describe, expect, it } from 'vitest';
import type { LonLat } from './geo.js';
import { Router } from './router.js';
import { defaultPack, referenceTimes, sampleNodes } from './test-support.js';

describe('Router', () => {
  const pack = defaultPack();
  const { graph } = pack;
  const router = new Router(graph);

  it('snaps a point to the nearest road segment (checked against brute force)', () => {
    for (const v of sampleNodes(graph, 25, 9)) {
      const p: LonLat = [(graph.lon[v] as number) + 0.0004, (graph.lat[v] as number) - 0.0003];
      const snap = router.snap(p);
      expect(snap).toBeDefined();
      const px = graph.projection.x(p[0]);
      const py = graph.projection.y(p[1]);
      let best = Number.POSITIVE_INFINITY;
      for (let e = 0; e < graph.edgeCount; e++) {
        const ax = graph.x[graph.tail[e] as number] as number;
        const ay = graph.y[graph.tail[e] as number] as number;
        const dx = (graph.x[graph.head[e] as number] as number) - ax;
        const dy = (graph.y[graph.head[e] as number] as number) - ay;
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
        best = Math.min(best, Math.hypot(ax + t * dx - px, ay + t * dy - py));
      }
      expect(snap?.distanceM).toBeCloseTo(best, 6);
    }
  });

  it('finds the k units with the smallest drive time (vs one search per unit)', () => {
    const movers = router.prepare(pack.units);
    expect(movers.length).toBe(pack.units.length);
    const w = graph.freeFlowS;
    for (const target of sampleNodes(graph, 4, 17)) {
      const got = router.nearestByEta({ node: target }, movers, { k: 5 });
      // Brute force: times from every node to the target, then each unit's best exit.
      const toTarget = referenceTimes(graph, w, [target], [0], true);
      const all = movers
        .map((m) => {
          const s = m.snap;
          let eta = (1 - s.t) * (w[s.edge] as number) + (toTarget[s.to] as number);
          if (s.twin >= 0) eta = Math.min(eta, s.t * (w[s.twin] as number) + (toTarget[s.from] as number));
          return { id: m.id, eta };
        })
        .sort((a, b) => a.eta - b.eta || (a.id < b.id ? -1 : 1));
      expect(got.map((g) => g.etaS)).toEqual(all.slice(0, 5).map((a) => expect.closeTo(a.eta, 6)));
      for (let i = 1; i < got.length; i++)
        expect((got[i] as { etaS: number }).etaS).toBeGreaterThanOrEqual(
          (got[i - 1] as { etaS: number }).etaS,
        );
    }
  });

  it('gives the same answers from both directions (reverse search vs forward)', () => {
    const [a, b, c] = sampleNodes(graph, 3, 29) as [number, number, number];
    const toA = router.timeToReach({ node: a });
    const fromB = router.earliestArrival({ node: b });
    const fromC = router.earliestArrival({ node: c });
    expect(toA[b]).toBeCloseTo(fromB[a] as number, 6);
    expect(toA[c]).toBeCloseTo(fromC[a] as number, 6);
  });

  it('one-to-many matches point-to-point routes, and a route from a point includes its partial edges', () => {
    const [a, ...rest] = sampleNodes(graph, 6, 31) as [number, ...number[]];
    const times = router.oneToMany(
      { node: a },
      rest.map((node) => ({ node })),
    );
    rest.forEach((node, i) => {
      expect(times[i]).toBeCloseTo(router.route({ node: a }, { node })?.seconds as number, 6);
    });
    const p: LonLat = [(graph.lon[a] as number) + 0.0002, graph.lat[a] as number];
    const q: LonLat = [
      (graph.lon[rest[0] as number] as number) + 0.0002,
      graph.lat[rest[0] as number] as number,
    ];
    const route = router.route({ position: p }, { position: q });
    const oneToMany = router.oneToMany({ position: p }, [{ position: q }]);
    expect(route?.seconds).toBeCloseTo(oneToMany[0] as number, 6);
    expect(route?.coordinates.length).toBeGreaterThan(2);
  });

  it('drives straight along the road when both points lie on the same edge', () => {
    // A two-way edge: points at 20 % and 70 % along it, both directions.
    let e = 0;
    while (
      graph.findEdge(graph.head[e] as number, graph.tail[e] as number) < 0 ||
      (graph.lengthM[e] as number) < 80
    )
      e++;
    const u = graph.tail[e] as number;
    const v = graph.head[e] as number;
    const at = (t: number): LonLat => [
      (graph.lon[u] as number) + t * ((graph.lon[v] as number) - (graph.lon[u] as number)),
      (graph.lat[u] as number) + t * ((graph.lat[v] as number) - (graph.lat[u] as number)),
    ];
    const w = graph.freeFlowS[e] as number;
    const fwd = router.route({ position: at(0.2) }, { position: at(0.7) });
    expect(fwd?.seconds).toBeCloseTo(0.5 * w, 3);
    expect(fwd?.meters).toBeCloseTo(0.5 * (graph.lengthM[e] as number), 1);
    const back = router.route({ position: at(0.7) }, { position: at(0.2) });
    expect(back?.seconds).toBeCloseTo(0.5 * (graph.freeFlowS[graph.findEdge(v, u)] as number), 3);
    const movers = router.prepare([{ id: 'here', position: at(0.2) }]);
    expect(router.nearestByEta({ position: at(0.7) }, movers, { k: 1 })[0]?.etaS).toBeCloseTo(0.5 * w, 3);
    expect(router.oneToMany({ position: at(0.2) }, [{ position: at(0.7) }])[0]).toBeCloseTo(0.5 * w, 3);
  });
});
