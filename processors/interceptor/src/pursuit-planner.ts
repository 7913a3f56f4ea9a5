/**
 * From a pursuit to its next plan on `interceptions.plans`: the latest sighting placed on the road
 * graph, the units that may block (live positions, else home), the planner, and the message with
 * the track, reach areas minute by minute, each checkpoint's share of likely routes and its order
 * id. A plan is kept under `maxPlanBytes` by thinning the reach areas, then leaving them out.
 */
import { buildIsochrones, type City, type LonLat, type Ring } from '@fenghuo/city';
import {
  Codecs,
  type InterceptionPlan,
  type InterceptionSettings,
  type ReachArea,
  type TrackPoint,
} from '@fenghuo/contracts';
import { type PlanResult, planInterception } from './planner/plan.ts';
import { seedOf } from './planner/rng.ts';
import { unitFromSnap } from './planner/unit-seeds.ts';
import { checkpointOrderId, lastPoint, type Pursuit, type PursuitStatus } from './pursuit.ts';
import type { UnitBoard } from './unit-board.ts';

export interface PursuitPlannerOptions {
  readonly city: City;
  readonly units: UnitBoard;
  readonly settings: () => InterceptionSettings;
  /** Largest encoded plan in bytes. */
  readonly maxPlanBytes: number;
}

export interface PlannedPursuit {
  readonly plan: InterceptionPlan;
  /** The planner's own figures (undefined for a closing plan). */
  readonly result?: PlanResult;
}

/** Graph node of a track point: its node id when the graph has it, else the road end nearest its position. */
export function nodeOfPoint(city: City, point: TrackPoint): number | undefined {
  const graph = city.pack.graph;
  if (point.nodeId !== undefined) {
    const id = Number(point.nodeId);
    const v = Number.isFinite(id) ? graph.indexOfNodeId(id) : -1;
    if (v >= 0) return v;
  }
  const snap = city.router.snap([point.location.lon, point.location.lat]);
  if (!snap) return undefined;
  return snap.t >= 0.5 ? snap.to : snap.from;
}

/** Heading of the vehicle: the sighting's own, else from the previous sighting to this one. */
export function headingOfTrack(track: readonly TrackPoint[]): number | undefined {
  const last = track[track.length - 1];
  if (!last) return undefined;
  if (last.headingDeg !== undefined) return last.headingDeg;
  const prev = track[track.length - 2];
  if (!prev) return undefined;
  const dLat = last.location.lat - prev.location.lat;
  const dLon = (last.location.lon - prev.location.lon) * Math.cos((last.location.lat * Math.PI) / 180);
  if (Math.hypot(dLat, dLon) < 1e-5) return undefined;
  return ((Math.atan2(dLon, dLat) * 180) / Math.PI + 360) % 360;
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

function reachAreas(city: City, result: PlanResult, everyMin: number): ReachArea[] {
  const limits: number[] = [];
  for (let s = 60 * everyMin; s <= result.horizonSec; s += 60 * everyMin) limits.push(s);
  const isochrones = buildIsochrones(city.pack.graph, result.earliest, limits, city.router.weights(), {
    bufferM: 60,
    cellM: 60,
  });
  return isochrones.map((iso) => ({
    withinSec: iso.seconds,
    polygons: iso.polygons.map((poly: Ring[]) =>
      poly.map((ring: Ring) => ring.map((p: LonLat) => [round5(p[0]), round5(p[1])])),
    ),
  }));
}

export class PursuitPlanner {
  constructor(private readonly opts: PursuitPlannerOptions) {}

  /** The next plan of an active pursuit, made at `nowMs`. */
  plan(p: Pursuit, nowMs: number): PlannedPursuit {
    const { city, units } = this.opts;
    const settings = this.opts.settings();
    const graph = city.pack.graph;
    const point = lastPoint(p);
    const revision = p.revision + 1;
    const base = this.baseOf(p, 'active', revision, nowMs, settings);
    const start = nodeOfPoint(city, point);
    if (start === undefined) return { plan: { ...base, checkpoints: [] } };
    const weights = city.router.weights();
    const planUnits = units.candidates(p.pursuitId, settings.blockingUnitKinds).flatMap((u) => {
      const snap = city.router.snap(u.position);
      return snap ? [unitFromSnap(u.id, snap, weights)] : [];
    });
    const previous = new Map<string, number>();
    for (const a of p.assignments) {
      const v = graph.indexOfNodeId(Number(a.nodeId));
      if (v >= 0) previous.set(a.unitId, v);
    }
    const heading = headingOfTrack(p.track);
    const elapsedSec = Math.max(0, (nowMs - Date.parse(point.at)) / 1000);
    const result = planInterception(
      {
        graph,
        weights,
        start,
        ...(heading === undefined ? {} : { headingDeg: heading }),
        elapsedSec,
        units: planUnits,
        previous,
        seed: seedOf(`${p.pursuitId}#${revision}`),
      },
      settings,
    );
    const checkpoints = result.checkpoints.map((c) => {
      const nodeId = String(graph.nodeId[c.node]);
      return {
        nodeId,
        location: { lat: graph.lat[c.node] as number, lon: graph.lon[c.node] as number },
        unitId: c.unitId,
        unitEtaSec: round1(c.unitEtaSec),
        vehicleEtaSec: round1(Math.max(0, c.vehicleEarliestSec - elapsedSec)),
        layer: c.layer,
        coveredShare: round3(c.coveredShare),
        orderId: checkpointOrderId(p.pursuitId, c.unitId, nodeId),
      };
    });
    const plan: InterceptionPlan = {
      ...base,
      checkpoints,
      coveredShare: round3(result.coveredShare),
      routeSamples: result.routeSamples,
      planMs: round1(result.timings.totalMs),
    };
    return { plan: this.fit(plan, result), result };
  }

  /** The closing plan of a pursuit: its end status and no checkpoints (the router stands the units down). */
  close(p: Pursuit, status: Exclude<PursuitStatus, 'active'>, nowMs: number): InterceptionPlan {
    return { ...this.baseOf(p, status, p.revision + 1, nowMs, this.opts.settings()), checkpoints: [] };
  }

  private baseOf(
    p: Pursuit,
    status: PursuitStatus,
    revision: number,
    nowMs: number,
    settings: InterceptionSettings,
  ): Omit<InterceptionPlan, 'checkpoints'> {
    const point = lastPoint(p);
    return {
      version: 1,
      pursuitId: p.pursuitId,
      revision,
      plate: p.plate,
      status,
      createdAt: new Date(nowMs).toISOString(),
      basedOnSightingId: point.sightingId,
      vehicleLocation: point.location,
      horizonSec: settings.horizonSec,
      track: [...p.track],
      settings: { ruleSetId: settings.ruleSetId, ruleSetVersion: settings.ruleSetVersion },
    };
  }

  /** Adds reach areas (every minute, else every few minutes) while the plan stays under the size limit. */
  private fit(plan: InterceptionPlan, result: PlanResult): InterceptionPlan {
    const max = this.opts.maxPlanBytes;
    for (const everyMin of [1, 2, 5]) {
      const withReach = { ...plan, reach: reachAreas(this.opts.city, result, everyMin) };
      if (!Codecs.InterceptionPlan.is(withReach)) continue;
      if (Codecs.InterceptionPlan.encode(withReach).length <= max) return withReach;
    }
    return plan;
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
