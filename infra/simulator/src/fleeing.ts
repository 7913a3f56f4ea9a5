/**
 * Fleeing vehicles: now and then a car whose plate is on the watch list (put there by the
 * simulator's supervisor through the gateway, as for a car reported stolen) drives off from a
 * camera by the fastest route to a far part of the city, a little above road speed, and every
 * camera on its way reads the plate: one sighting per camera passed, at the moment it passes,
 * sent through ingest's `/v1/sightings` as the camera system does.
 */
import type { Camera, LonLat, Router } from '@fenghuo/city';
import type { VehicleSighting } from '@fenghuo/contracts';
import type { IdMaker } from './residents.ts';
import type { Rng } from './rng.ts';
import { bearingDeg, distanceM, pathOfRoute } from './units/path.ts';

/** How much faster than free-flow road speed a fleeing car drives. */
export const FLEEING_SPEED_FACTOR = 1.25;

export interface TimedSighting {
  readonly atMs: number;
  readonly event: VehicleSighting;
}

export interface FleeingVehicle {
  readonly plate: string;
  readonly startsAt: string;
  readonly from: LonLat;
  readonly to: LonLat;
  readonly cameraIds: readonly string[];
  readonly sightings: readonly TimedSighting[];
}

const PROVINCES = ['浙A', '浙B', '苏E', '沪A', '皖A'];
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function plateOf(rng: Rng): string {
  let s = rng.pick(PROVINCES);
  for (let i = 0; i < 5; i++) s += PLATE_CHARS[rng.int(0, PLATE_CHARS.length - 1)];
  return s;
}

/**
 * The fleeing vehicles of the period (`perDay` a day on average, at uniform times), each with its
 * sightings; vehicles whose route passes no camera after the first are drawn again.
 */
export function planFleeing(
  rng: Rng,
  ids: IdMaker,
  roads: { readonly router: Router; readonly cameras: readonly Camera[] },
  startMs: number,
  durationMs: number,
  perDay: number,
): FleeingVehicle[] {
  const { router, cameras } = roads;
  if (cameras.length === 0 || perDay <= 0) return [];
  const graph = router.graph;
  const cameraAt = new Map<number, Camera>();
  for (const c of cameras) {
    const i = graph.indexOfNodeId(c.nodeId);
    if (i >= 0) cameraAt.set(i, c);
  }
  const expected = (perDay * durationMs) / 86_400_000;
  const count = Math.floor(expected + rng.next());
  const out: FleeingVehicle[] = [];
  for (let v = 0, attempts = 0; v < count && attempts < count * 20; attempts++) {
    const atMs = startMs + Math.floor(rng.next() * durationMs);
    const start = rng.pick(cameras);
    const to: LonLat = (() => {
      for (let k = 0; k < 30; k++) {
        const n = rng.int(0, graph.nodeCount - 1);
        const p: LonLat = [graph.lon[n] as number, graph.lat[n] as number];
        if (distanceM(p, start.position) > 3_000) return p;
      }
      return start.position;
    })();
    const route = router.route({ position: start.position }, { position: to });
    if (route === undefined || route.nodes.length < 3) continue;
    const path = pathOfRoute(route, graph);
    const plate = plateOf(rng);
    const sightings: TimedSighting[] = [];
    const seen = new Set<string>();
    const times = path.pointTimes();
    const coords = path.coords;
    for (let i = 0; i < coords.length; i++) {
      const elapsed = times[i] as number;
      // coords[i] for 1 ≤ i ≤ nodes.length is route.nodes[i - 1].
      const node = i >= 1 && i <= route.nodes.length ? (route.nodes[i - 1] as number) : -1;
      const camera = cameraAt.get(node) ?? (i === 0 ? start : undefined);
      if (camera === undefined || seen.has(camera.id)) continue;
      seen.add(camera.id);
      const t = atMs + Math.round((elapsed / FLEEING_SPEED_FACTOR) * 1000);
      const next = coords[Math.min(i + 1, coords.length - 1)] as LonLat;
      const here = coords[i] as LonLat;
      const fix = path.at(elapsed + 1e-6);
      sightings.push({
        atMs: t,
        event: {
          version: 1,
          eventId: `cam-${ids()}`,
          occurredAt: new Date(t).toISOString(),
          plate,
          cameraId: camera.id,
          location: { lat: camera.position[1], lon: camera.position[0] },
          nodeId: String(camera.nodeId),
          ...(next === here ? {} : { headingDeg: Math.round(bearingDeg(here, next) * 10) / 10 }),
          speedKph: Math.min(400, Math.round(fix.speedKph * FLEEING_SPEED_FACTOR)),
          confidence: Math.round((0.85 + rng.next() * 0.14) * 100) / 100,
        },
      });
    }
    if (sightings.length < 2) continue;
    out.push({
      plate,
      startsAt: new Date(atMs).toISOString(),
      from: start.position,
      to,
      cameraIds: sightings.map((s) => s.event.cameraId),
      sightings: sightings.filter((s) => s.atMs < startMs + durationMs),
    });
    v++;
  }
  return out;
}
