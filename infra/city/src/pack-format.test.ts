import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CityPack } from './pack.js';
import {
  CityPackError,
  decodeGraph,
  encodeGraph,
  packVersion,
  readCityPack,
  writeCityPack,
} from './pack-format.js';
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

/** Writes `pack` as a version-1 pack: no stations on cells, no districts, no officers or desks. */
function writeV1(pack: CityPack, dir: string): void {
  writeCityPack(pack, dir);
  const rewrite = (name: string, edit: (doc: Record<string, unknown>) => void) => {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    edit(doc);
    writeFileSync(join(dir, name), JSON.stringify(doc));
  };
  type Features = { features: { properties: Record<string, unknown> }[] };
  rewrite('cells.geojson', (doc) => {
    for (const f of (doc as unknown as Features).features) delete f.properties.stationId;
  });
  rewrite('units.geojson', (doc) => {
    const fc = doc as unknown as Features;
    fc.features = fc.features.filter(
      (f) => f.properties.kind !== 'community_officer' && f.properties.kind !== 'duty_desk',
    );
  });
  rewrite('manifest.json', (doc) => {
    doc.version = 1;
  });
  rmSync(join(dir, 'districts.json'));
}

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
    expect(back.districts).toEqual(pack.districts);
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
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version: 99 }));
    expect(() => readCityPack(dir)).toThrow(/pack version 99, this build reads 1 and 2/);
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

  it('rejects layers that disagree (a cell of an unknown station), naming the problem', () => {
    const dir = tmp();
    writeCityPack(defaultPack(), dir);
    const file = join(dir, 'cells.geojson');
    const cells = JSON.parse(readFileSync(file, 'utf8'));
    cells.features[5].properties.stationId = 'station-99';
    writeFileSync(file, JSON.stringify(cells));
    expect(() => readCityPack(dir)).toThrow(/cell cell-0106 names unknown station station-99/);
  });

  it('reads a version-1 pack and gives it what version 2 added, as generation does', () => {
    const pack = defaultPack();
    const dir = tmp();
    writeV1(pack, dir);
    const back = readCityPack(dir);
    expect(back.version).toBe(2);
    expect(back.cells).toEqual(pack.cells);
    expect(back.districts).toEqual(pack.districts);
    expect(back.units).toEqual(pack.units);
    expect(back.posts).toEqual(pack.posts);
  });

  it('regenerates a stale or unreadable cached default pack instead of failing', () => {
    const root = tmp();
    const dir = join(root, 'default');
    writeV1(defaultPack(), dir);
    const stale = loadOrGenerateDefaultPack(root);
    expect(stale.generated).toBe(true);
    expect(stale.reason).toMatch(/^stale \(pack version 1/);
    expect(packVersion(dir)).toBe(2);
    expect(stale.pack.units.length).toBe(defaultPack().units.length);
    writeFileSync(join(dir, 'districts.json'), '{"districts": 42}');
    const broken = loadOrGenerateDefaultPack(root);
    expect(broken.generated).toBe(true);
    expect(broken.reason).toMatch(/^unreadable .*districts.json/);
    expect(loadOrGenerateDefaultPack(root).generated).toBe(false);
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
