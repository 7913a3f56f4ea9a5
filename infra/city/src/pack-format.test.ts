import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CityPackError, decodeGraph, encodeGraph, readCityPack, writeCityPack } from './pack-format.js';
import { loadOrGenerateDefaultPack } from './pack-store.js';
import { defaultPack } from './test-support.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fenghuo-city-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('pack format', () => {
  it('round-trips a pack through disk unchanged', () => {
    const pack = defaultPack();
    const dir = tmp();
    writeCityPack(pack, dir);
    const back = readCityPack(dir);
    const g = pack.graph;
    const h = back.graph;
    expect(h.nodeCount).toBe(g.nodeCount);
    expect(h.edgeCount).toBe(g.edgeCount);
    for (const k of [
      'lon',
      'lat',
      'nodeId',
      'firstOut',
      'head',
      'tail',
      'lengthM',
      'speedKph',
      'roadClass',
      'freeFlowS',
    ] as const) {
      expect(
        Buffer.from(h[k].buffer, h[k].byteOffset, h[k].byteLength).equals(
          Buffer.from(g[k].buffer, g[k].byteOffset, g[k].byteLength),
        ),
      ).toBe(true);
    }
    expect(back.cells).toEqual(pack.cells);
    expect(back.posts).toEqual(pack.posts);
    expect(back.stations).toEqual(pack.stations);
    expect(back.units).toEqual(pack.units);
    expect(back.cameras).toEqual(pack.cameras);
    expect(back.meta).toEqual(pack.meta);
  });

  it('rejects a graph with a bad magic, version or size, naming the file', () => {
    const bytes = encodeGraph(defaultPack().graph);
    const bad = bytes.slice();
    bad[0] = 0x58;
    expect(() => decodeGraph(bad, 'x/graph.bin')).toThrow(/x\/graph.bin: bad magic/);
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(4, 99, true);
    expect(() => decodeGraph(v2)).toThrow(CityPackError);
    expect(() => decodeGraph(bytes.subarray(0, bytes.length - 8))).toThrow(/size/);
  });

  it('rejects a manifest of another version and a malformed layer', () => {
    const dir = tmp();
    writeCityPack(defaultPack(), dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version: 2 }));
    expect(() => readCityPack(dir)).toThrow(/pack version 2/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(
      join(dir, 'units.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [1, 2] },
            properties: { id: 'u', kind: 'tank' },
          },
        ],
      }),
    );
    expect(() => readCityPack(dir)).toThrow(/units.geojson: feature 0: "kind"/);
  });

  it('generates the default pack once, then loads it', () => {
    const root = tmp();
    const first = loadOrGenerateDefaultPack(root);
    expect(first.generated).toBe(true);
    const second = loadOrGenerateDefaultPack(root);
    expect(second.generated).toBe(false);
    expect(second.pack.graph.nodeCount).toBe(first.pack.graph.nodeCount);
  });
});
