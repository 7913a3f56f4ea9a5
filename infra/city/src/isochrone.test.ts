import { describe, expect, it } from 'vitest';
import { pointInPolygon, type Ring } from './geo.js';
import type { RoadGraph } from './graph.js';
import { buildIsochrone } from './isochrone.js';
import { importOsmGraph } from './osm-import.js';
import { Router } from './router.js';
import { defaultPack, referenceTimes, sampleNodes, sharedRoadFile } from './test-support.js';

function inAny(polygons: Ring[][], lon: number, lat: number): boolean {
  return polygons.some((p) => pointInPolygon(lon, lat, p));
}

/**
 * Reached nodes bucketed in square cells of `radiusM`, so "is any reached node within `radiusM` of
 * this point" looks at nine cells instead of every reached node.
 */
function nearIndex(graph: RoadGraph, nodes: ArrayLike<number>, radiusM: number) {
  const cells = new Map<string, number[]>();
  const cellOf = (x: number, y: number) => [Math.floor(x / radiusM), Math.floor(y / radiusM)] as const;
  for (let i = 0; i < nodes.length; i++) {
    const r = nodes[i] as number;
    const [cx, cy] = cellOf(graph.x[r] as number, graph.y[r] as number);
    const key = `${cx},${cy}`;
    const bucket = cells.get(key);
    if (bucket) bucket.push(r);
    else cells.set(key, [r]);
  }
  return (v: number): boolean => {
    const x = graph.x[v] as number;
    const y = graph.y[v] as number;
    const [cx, cy] = cellOf(x, y);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const r of cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          if (Math.hypot((graph.x[r] as number) - x, (graph.y[r] as number) - y) < radiusM) return true;
        }
      }
    }
    return false;
  };
}

function checkIsochrones(graph: RoadGraph, starts: number[], limits: number[]) {
  const router = new Router(graph);
  const inside = (polygons: Ring[][], v: number) =>
    inAny(polygons, graph.lon[v] as number, graph.lat[v] as number);
  for (const s of starts) {
    const ref = referenceTimes(graph, graph.freeFlowS, [s], [0]);
    const isos = router.isochrones({ node: s }, limits);
    for (const iso of isos) {
      const expected = [];
      for (let v = 0; v < graph.nodeCount; v++) if ((ref[v] as number) <= iso.seconds) expected.push(v);
      // Exactly the reachable nodes, node by node.
      expect(Array.from(iso.nodes).sort((a, b) => a - b)).toEqual(expected);
      // Every reachable node lies inside the polygons (one assertion naming every node that does not).
      expect(Array.from(iso.nodes).filter((v) => !inside(iso.polygons, v))).toEqual([]);
      // Unreached nodes far (> 400 m) from every reached node lie outside.
      const reached = new Uint8Array(graph.nodeCount);
      for (const v of iso.nodes) reached[v] = 1;
      const nearReached = nearIndex(graph, iso.nodes, 400);
      const far: number[] = [];
      for (let v = 0; v < graph.nodeCount; v += 7) if (!reached[v] && !nearReached(v)) far.push(v);
      expect(far.length).toBeGreaterThan(0);
      expect(far.filter((v) => inside(iso.polygons, v))).toEqual([]);
      expect(iso.areaM2).toBeGreaterThan(0);
    }
  }
}

describe('isochrones', () => {
  it('contain exactly the nodes reachable within the limit on the generated pack', () => {
    const { graph } = defaultPack();
    checkIsochrones(graph, sampleNodes(graph, 2, 21), [60, 180, 300]);
  });

  it('grow with the limit (nested node sets)', () => {
    const { graph } = defaultPack();
    const [a, b] = new Router(graph).isochrones({ node: 1234 }, [120, 240]);
    const inner = new Set(a?.nodes);
    const outer = new Set(b?.nodes);
    for (const v of inner) expect(outer.has(v)).toBe(true);
    expect(outer.size).toBeGreaterThan(inner.size);
  });

  it('are empty when nothing is reachable', () => {
    const { graph } = defaultPack();
    const times = new Float64Array(graph.nodeCount).fill(Number.POSITIVE_INFINITY);
    const iso = buildIsochrone(graph, times, 60);
    expect(iso.nodes.length).toBe(0);
    expect(iso.polygons).toEqual([]);
  });

  const file = sharedRoadFile('monaco.osm.gz');
  it.skipIf(!file)('contain exactly the reachable nodes on real OSM data (monaco.osm.gz)', () => {
    const { graph } = importOsmGraph(file as string);
    checkIsochrones(graph, sampleNodes(graph, 2, 3), [60, 180]);
  });
});
