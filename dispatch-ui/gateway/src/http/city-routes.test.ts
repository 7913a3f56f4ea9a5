import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CityPack, computeResponseCoverage, generateCity, Router } from '@fenghuo/city';
import {
  type CityBasemap,
  Codecs,
  type DriveRoute,
  type ResponseCircles,
  ROAD_CLASS_NAMES,
  type UnitRoster,
} from '@fenghuo/contracts';
import { AuthTokens } from '@fenghuo/kit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityBasemap, roadFeatures } from './city-map.ts';
import { cityRoutes } from './city-routes.ts';

const tokens = new AuthTokens({ secret: new TextEncoder().encode('city-routes-test-key-0123456789abcdef') });

describe('the city as the console draws it', () => {
  let pack: CityPack;
  let server: Server;
  let url: string;
  let dir: string;
  let coverageCalls = 0;

  beforeAll(async () => {
    pack = generateCity({ targetNodes: 1500, cellsPerSide: 6, posts: 6, units: 12, stations: 3 });
    dir = mkdtempSync(join(tmpdir(), 'fh-city-routes-'));
    writeFileSync(
      join(dir, 'water.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'river' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [120.1, 30.2],
                  [120.2, 30.2],
                  [120.2, 30.21],
                  [120.1, 30.2],
                ],
              ],
            },
          },
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120.1, 30.2] } },
        ],
      }),
    );
    const app = express();
    app.use(
      cityRoutes({
        pack,
        tokens,
        packDir: dir,
        coverage: () => {
          coverageCalls++;
          return computeResponseCoverage(pack, new Router(pack.graph));
        },
      }),
    );
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, role: 'operator' | 'officer' | 'analyst' = 'operator') => {
    const { token } = await tokens.issue(
      role === 'officer'
        ? { username: 'o1', role, unitId: 'unit-001' }
        : role === 'operator'
          ? { username: 'op1', role, region: { kind: 'station', id: 'station-01' } }
          : { username: 'a1', role },
    );
    return fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  };

  it('refuses a request without a valid token', async () => {
    for (const path of ['/api/city/basemap', '/api/city/units', '/api/city/response-circles']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(401);
      const forged = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer not.a.token' } });
      expect(forged.status).toBe(401);
    }
  });

  it('serves the basemap from the pack, matching its contract, gzipped', async () => {
    const res = await get('/api/city/basemap', 'officer');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = (await res.json()) as CityBasemap;
    expect(Codecs.CityBasemap.validate(body).ok).toBe(true);
    expect(body.cells.features).toHaveLength(pack.cells.length);
    expect(body.stations.features.map((f) => f.properties.id).sort()).toEqual(
      pack.stations.map((s) => s.id).sort(),
    );
    expect(body.posts.features).toHaveLength(pack.posts.length);
    expect(body.cameras.features).toHaveLength(pack.cameras.length);
    expect(body.districts.length).toBe(pack.districts.length);
    // Only the polygon of water.geojson; the point is not water.
    expect(body.water.features).toHaveLength(1);
    expect(body.water.features[0]?.properties.name).toBe('river');
  });

  it('draws every road segment once, two-way streets included, in its class', () => {
    const g = pack.graph;
    const roads = roadFeatures(pack);
    const drawn = new Set<string>();
    for (const f of roads.features) {
      expect(ROAD_CLASS_NAMES[f.properties.rank]).toBe(f.properties.roadClass);
      for (const line of f.geometry.coordinates)
        for (let i = 1; i < line.length; i++) {
          const a = line[i - 1] as [number, number];
          const b = line[i] as [number, number];
          drawn.add(`${a.join(',')}>${b.join(',')}`);
        }
    }
    const r = (v: number) => Math.round(v * 1e6) / 1e6;
    let undirected = 0;
    for (let u = 0; u < g.nodeCount; u++) {
      for (let e = g.firstOut[u] as number; e < (g.firstOut[u + 1] as number); e++) {
        const v = g.head[e] as number;
        const a = `${r(g.lon[u] as number)},${r(g.lat[u] as number)}`;
        const b = `${r(g.lon[v] as number)},${r(g.lat[v] as number)}`;
        // Each directed edge is drawn one way or the other.
        expect(drawn.has(`${a}>${b}`) || drawn.has(`${b}>${a}`)).toBe(true);
        if (u < v) undirected++;
      }
    }
    expect(drawn.size).toBeLessThanOrEqual(g.edgeCount);
    expect(drawn.size).toBeGreaterThanOrEqual(undirected);
  });

  it('gives the unit roster of the pack', async () => {
    const res = await get('/api/city/units');
    const body = (await res.json()) as UnitRoster;
    expect(Codecs.UnitRoster.validate(body).ok).toBe(true);
    expect(body.units.map((u) => u.unitId)).toEqual(pack.units.map((u) => u.id));
    const officer = body.units.find((u) => u.kind === 'community_officer');
    expect(officer?.gridCellId).toBeDefined();
  });

  it('serves response circles per post and limit, largest first, computed once', async () => {
    const [a, b] = await Promise.all([
      get('/api/city/response-circles', 'analyst'),
      get('/api/city/response-circles'),
    ]);
    const body = (await a.json()) as ResponseCircles;
    await b.arrayBuffer();
    expect(coverageCalls).toBe(1);
    expect(Codecs.ResponseCircles.validate(body).ok).toBe(true);
    expect(body.limitsS).toEqual([60, 180, 300]);
    const limits = body.circles.features.map((f) => f.properties.limitS);
    expect(limits).toEqual([...limits].sort((x, y) => y - x));
    const posts = new Set(body.circles.features.map((f) => f.properties.postId));
    expect(posts.size).toBe(pack.posts.length);
    expect(body.coverage.map((c) => c.limitS)).toEqual([60, 180, 300]);
    for (const f of body.circles.features)
      expect(f.properties.stationId).toBe(pack.posts.find((p) => p.id === f.properties.postId)?.stationId);
  });

  it('gives the drive from one place to another along the roads, and refuses a bad place', async () => {
    const g = pack.graph;
    const a = { lat: g.lat[0] as number, lon: g.lon[0] as number };
    const b = { lat: g.lat[g.nodeCount - 1] as number, lon: g.lon[g.nodeCount - 1] as number };
    const res = await get(`/api/city/route?from=${a.lat},${a.lon}&to=${b.lat},${b.lon}`, 'officer');
    expect(res.status).toBe(200);
    const route = (await res.json()) as DriveRoute;
    expect(Codecs.DriveRoute.validate(route).ok).toBe(true);
    expect(route.seconds).toBeGreaterThan(0);
    expect(route.meters).toBeGreaterThan(0);
    expect(route.coordinates.length).toBeGreaterThan(2);
    const bad = await get(`/api/city/route?from=91,0&to=${b.lat},${b.lon}`, 'officer');
    expect(bad.status).toBe(400);
    expect((await get('/api/city/route?to=1,2', 'officer')).status).toBe(400);
  });

  it('names the pack and keeps its bbox', () => {
    const b = cityBasemap(pack, { type: 'FeatureCollection', features: [] });
    expect(b.name).toBe(pack.meta.name);
    expect(b.bbox).toEqual([...pack.meta.bbox]);
  });
});
