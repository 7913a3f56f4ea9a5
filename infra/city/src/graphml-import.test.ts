import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importGraphml } from './graphml-import.js';
import { sharedRoadFile } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'graphml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function graphml(edges: string): string {
  const file = join(dir, `g${Math.random().toString(36).slice(2)}.graphml`);
  writeFileSync(
    file,
    `<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="x" attr.type="string" />
  <key id="d1" for="node" attr.name="y" attr.type="string" />
  <key id="d2" for="edge" attr.name="length" attr.type="string" />
  <key id="d3" for="edge" attr.name="speed_kph" attr.type="string" />
  <key id="d4" for="edge" attr.name="travel_time" attr.type="string" />
  <key id="d5" for="edge" attr.name="highway" attr.type="string" />
  <graph edgedefault="directed">
    <node id="1"><data key="d0">6.70</data><data key="d1">51.90</data></node>
    <node id="2"><data key="d0">6.71</data><data key="d1">51.90</data></node>
    ${edges}
  </graph>
</graphml>`,
  );
  return file;
}

describe('importGraphml', () => {
  it("takes an edge's travel_time as its drive time when the file has one", () => {
    // 500 m at 50 km/h is 36.0 s; the file says 36.4 s (OSMnx rounds, and may differ).
    const g = importGraphml(
      graphml(`<edge source="1" target="2"><data key="d2">500</data><data key="d3">50</data>
      <data key="d4">36.4</data><data key="d5">residential</data></edge>`),
    );
    expect(g.freeFlowS[0]).toBeCloseTo(36.4, 4);
    expect(g.lengthM[0]).toBeCloseTo(500, 3);
  });

  it('falls back to length over speed without a travel_time', () => {
    const g = importGraphml(
      graphml(`<edge source="1" target="2"><data key="d2">500</data><data key="d3">50</data>
      <data key="d5">residential</data></edge>`),
    );
    expect(g.freeFlowS[0]).toBeCloseTo(36, 4);
  });

  it('keeps every travel_time of the Winterswijk benchmark graph to the millisecond', () => {
    const file = sharedRoadFile('Winterswijk.graph.graphml');
    if (!file) return;
    const g = importGraphml(file);
    expect(g.nodeCount).toBe(1926);
    expect(g.edgeCount).toBe(4624);
    // travel_time is written with one decimal: every imported time is a multiple of 0.1 s.
    for (let e = 0; e < g.edgeCount; e++) {
      const t = g.freeFlowS[e] as number;
      expect(Math.abs(t * 10 - Math.round(t * 10))).toBeLessThan(1e-2);
    }
  });
});
