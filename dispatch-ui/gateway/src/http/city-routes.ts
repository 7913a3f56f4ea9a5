/**
 * `GET /api/city/basemap`, `/api/city/units`, `/api/city/response-circles`, `/api/city/route`: the
 * city pack as the console draws it (contracts `CityBasemap`, `UnitRoster`, `ResponseCircles`,
 * `DriveRoute`: an officer's way to their order), for any signed-in person. Each body is made once, on its first request, checked against its contract, kept as
 * JSON and gzip, and served with `Cache-Control: private` (the city changes only with a restart).
 * Nothing here is live state: units' positions and statuses come over the socket.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type CityPack, computeResponseCoverage, type ResponseCoverage, Router } from '@fenghuo/city';
import type { DriveRoute } from '@fenghuo/contracts';
import { type AuthTokens, requireUser } from '@fenghuo/kit';
import express, { type Request, type Response } from 'express';
import { checked, cityBasemap, readWater, responseCircles, unitRoster } from './city-map.ts';
import { GatewayError } from './gateway-error.ts';

const gzipAsync = promisify(gzip);

export interface CityRoutesOptions {
  readonly pack: CityPack;
  readonly tokens: Pick<AuthTokens, 'verify'>;
  /** The pack's folder, for its optional `water.geojson`. @defaultValue none (no water) */
  readonly packDir?: string;
  /** @defaultValue the pack's response coverage from a free-flow router at noon */
  readonly coverage?: () => Pick<ResponseCoverage, 'circles' | 'coverage' | 'gaps'>;
}

interface Body {
  readonly json: Buffer;
  readonly gzip: Buffer;
}

async function encode(name: 'CityBasemap' | 'UnitRoster' | 'ResponseCircles', body: unknown): Promise<Body> {
  checked(name, body);
  const json = Buffer.from(JSON.stringify(body));
  return { json, gzip: await gzipAsync(json) };
}

export function cityRoutes(opts: CityRoutesOptions): express.Router {
  const router = express.Router();
  let drive: Router | undefined;
  const routeOf = () => {
    drive ??= new Router(opts.pack.graph);
    return drive;
  };
  const made = new Map<string, Promise<Body>>();
  const once = (key: string, make: () => Promise<Body>) => {
    let body = made.get(key);
    if (!body) {
      body = make();
      made.set(key, body);
      // A failure is not kept: the next request tries again.
      body.catch(() => made.delete(key));
    }
    return body;
  };
  const send = (key: string, make: () => Promise<Body>) => async (req: Request, res: Response) => {
    const body = await once(key, make);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('Vary', 'Accept-Encoding, Authorization');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(body.gzip);
    } else {
      res.end(body.json);
    }
  };

  router.use('/api/city', requireUser(opts.tokens));
  router.get(
    '/api/city/basemap',
    send('basemap', () => encode('CityBasemap', cityBasemap(opts.pack, readWater(opts.packDir)))),
  );
  router.get(
    '/api/city/units',
    send('units', () => encode('UnitRoster', unitRoster(opts.pack))),
  );
  router.get(
    '/api/city/response-circles',
    send('circles', async () => {
      const coverage = opts.coverage?.() ?? computeResponseCoverage(opts.pack, new Router(opts.pack.graph));
      return encode('ResponseCircles', responseCircles(opts.pack, coverage));
    }),
  );
  router.get('/api/city/route', (req, res) => {
    const from = latLon(req.query.from, 'from');
    const to = latLon(req.query.to, 'to');
    const route = routeOf().route({ position: [from.lon, from.lat] }, { position: [to.lon, to.lat] });
    if (!route) throw new GatewayError(404, 'not_found', 'no road within reach of both ends');
    const body: DriveRoute = {
      seconds: Math.round(route.seconds * 10) / 10,
      meters: Math.round(route.meters),
      coordinates: route.coordinates.map((p) => [round6(p[0]), round6(p[1])]),
    };
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.json(body);
  });
  return router;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** `lat,lon` from a query parameter, or a 400 naming it. */
function latLon(value: unknown, name: string): { lat: number; lon: number } {
  const match = typeof value === 'string' ? /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(value) : null;
  const lat = Number(match?.[1]);
  const lon = Number(match?.[2]);
  if (!match || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new GatewayError(400, 'validation_failed', `expected ?${name}=lat,lon`, {
      details: [{ path: name, reason: 'expected "lat,lon" in degrees' }],
    });
  }
  return { lat, lon };
}
