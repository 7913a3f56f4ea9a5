/**
 * A pursuit played out on a city pack: a vehicle seen by a road camera flees along a route the
 * planner does not know (drawn from {@link FugitiveModel}), the cameras it passes report it, each
 * report (after a delay) brings a re-plan from the latest sighting, and units drive to their checkpoints at road
 * speed, re-routed whenever their checkpoint changes. The vehicle is intercepted when it reaches a
 * junction where a unit already stands; it escapes when its route ends (the edge of the map).
 */
import { type CityPack, Dijkstra, type RoadGraph } from '@fenghuo/city';
import type { UnitKind } from '@fenghuo/contracts';
import { type PlannerSettings, type PlanUnit, planInterception } from '../planner/plan.ts';
import { Rng } from '../planner/rng.ts';
import { packUnits } from './city-scenarios.ts';
import { FugitiveModel, type FugitiveRoute } from './fugitive.ts';

export interface PursuitSimulationOptions {
  readonly settings: PlannerSettings;
  readonly seed: number;
  /** Seconds from the first camera sighting (where the vehicle sets off) to the first plan. */
  readonly firstReportSec: number;
  /** Seconds from a camera seeing the vehicle to the re-plan. */
  readonly cameraDelaySec: number;
  /** Unit kinds sent to checkpoints. */
  readonly unitKinds: readonly UnitKind[];
  /** How long the vehicle may drive before the run ends. */
  readonly maxSec: number;
  /** Iterations of the planner's iterated local search (with a large time budget, runs repeat exactly). */
  readonly maxIterations?: number;
}

export interface PursuitOutcome {
  readonly intercepted: boolean;
  /** When and where, if intercepted. */
  readonly atSec?: number;
  readonly node?: number;
  readonly unitId?: string;
  /** Plans made (the first report and each camera sighting before the end). */
  readonly plans: number;
  readonly route: FugitiveRoute;
}

/** A unit's movement: nodes it passes with the times, standing at the last one after. */
interface Track {
  nodes: number[];
  times: number[];
}

/** Where a unit is at time `t`: the next node it reaches and when (now, if standing). */
function whereAt(track: Track, t: number): { node: number; at: number } {
  const { nodes, times } = track;
  for (let i = 0; i < nodes.length; i++) {
    if ((times[i] as number) >= t) return { node: nodes[i] as number, at: times[i] as number };
  }
  return { node: nodes[nodes.length - 1] as number, at: t };
}

function headingOf(graph: RoadGraph, from: number, to: number): number | undefined {
  const dx = (graph.x[to] as number) - (graph.x[from] as number);
  const dy = (graph.y[to] as number) - (graph.y[from] as number);
  if (dx === 0 && dy === 0) return undefined;
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}

export class PursuitSimulator {
  private readonly fugitive: FugitiveModel;
  private readonly engine: Dijkstra;
  private readonly cameraNodes: Uint8Array;
  private readonly cameras: readonly number[];
  private readonly units: readonly PlanUnit[];
  private readonly edgeNodes: Int32Array;

  constructor(
    readonly pack: CityPack,
    options: Pick<PursuitSimulationOptions, 'unitKinds'>,
    router: Parameters<typeof packUnits>[1],
  ) {
    const graph = pack.graph;
    this.fugitive = new FugitiveModel(graph);
    this.engine = new Dijkstra(graph);
    this.cameraNodes = new Uint8Array(graph.nodeCount);
    const cameras: number[] = [];
    for (const c of pack.cameras) {
      const v = graph.indexOfNodeId(c.nodeId);
      if (v >= 0 && !this.cameraNodes[v]) {
        this.cameraNodes[v] = 1;
        cameras.push(v);
      }
    }
    this.cameras = cameras;
    this.units = packUnits(pack, router, options.unitKinds);
    this.edgeNodes = this.fugitive.exits;
  }

  /** Plays one pursuit from a random junction away from the edge of the map. */
  run(options: PursuitSimulationOptions): PursuitOutcome {
    const graph = this.pack.graph;
    const rng = new Rng(options.seed);
    const onEdge = new Uint8Array(graph.nodeCount);
    for (const v of this.edgeNodes) onEdge[v] = 1;
    // The pursuit opens on a camera sighting: the vehicle sets off from a camera's junction.
    const starts = this.cameras.filter((v) => !onEdge[v]);
    if (starts.length === 0) throw new Error('the pack has no camera away from the edge of the map');
    let route: FugitiveRoute | undefined;
    while (!route || route.nodes.length < 2) {
      const start = starts[rng.int(starts.length)] as number;
      route = this.fugitive.routes(start, options.maxSec, 1, rng, 1)[0];
    }
    // Reports: the first one, then every camera the vehicle passes; each brings a re-plan.
    const reports: { sightingAt: number; planAt: number; node: number; heading?: number }[] = [
      { sightingAt: 0, planAt: options.firstReportSec, node: route.nodes[0] as number },
    ];
    for (let k = 1; k < route.nodes.length; k++) {
      const v = route.nodes[k] as number;
      if (!this.cameraNodes[v]) continue;
      const at = route.times[k] as number;
      const heading = headingOf(graph, route.nodes[k - 1] as number, v);
      reports.push({
        sightingAt: at,
        planAt: Math.max(at + options.cameraDelaySec, options.firstReportSec),
        node: v,
        ...(heading === undefined ? {} : { heading }),
      });
    }
    const tracks = new Map<string, Track>();
    for (const u of this.units) tracks.set(u.id, { nodes: [u.nodes[0] as number], times: [0] });
    const assigned = new Map<string, number>();
    let plans = 0;
    let next = 0;
    for (let k = 0; k < route.nodes.length; k++) {
      const v = route.nodes[k] as number;
      const t = route.times[k] as number;
      // Re-plans due before the vehicle reaches this node.
      while (next < reports.length && (reports[next] as (typeof reports)[number]).planAt <= t) {
        const report = reports[next] as (typeof reports)[number];
        next++;
        plans++;
        this.replan(options, report, tracks, assigned, plans);
      }
      for (const [unitId, node] of assigned) {
        if (node !== v) continue;
        const track = tracks.get(unitId) as Track;
        const arrived = track.times[track.times.length - 1] as number;
        if (track.nodes[track.nodes.length - 1] === v && arrived <= t) {
          return { intercepted: true, atSec: t, node: v, unitId, plans, route };
        }
      }
    }
    return { intercepted: false, plans, route };
  }

  private replan(
    options: PursuitSimulationOptions,
    report: { sightingAt: number; planAt: number; node: number; heading?: number },
    tracks: Map<string, Track>,
    assigned: Map<string, number>,
    revision: number,
  ): void {
    const now = report.planAt;
    const graph = this.pack.graph;
    const units: PlanUnit[] = this.units.map((u) => {
      const where = whereAt(tracks.get(u.id) as Track, now);
      return { id: u.id, nodes: [where.node], seconds: [where.at - now] };
    });
    const result = planInterception(
      {
        graph,
        start: report.node,
        ...(report.heading === undefined ? {} : { headingDeg: report.heading }),
        elapsedSec: now - report.sightingAt,
        units,
        previous: assigned,
        seed: options.seed * 1000 + revision,
        ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
      },
      options.settings,
    );
    console.log(
      '  plan at',
      now.toFixed(0),
      'elapsed',
      (now - report.sightingAt).toFixed(0),
      'cp',
      result.checkpoints.length,
      'share',
      result.coveredShare.toFixed(2),
      result.checkpoints
        .map((c) => `${c.unitId}@${c.node}:${c.unitEtaSec.toFixed(0)}/${c.vehicleEarliestSec.toFixed(0)}`)
        .join(' '),
    );
    const orders = new Map(result.checkpoints.map((c) => [c.unitId, c.node]));
    for (const u of units) {
      const track = tracks.get(u.id) as Track;
      const target = orders.get(u.id);
      const had = assigned.get(u.id);
      if (target === had) continue;
      const from = u.nodes[0] as number;
      const leaveAt = now + (u.seconds[0] as number);
      if (target === undefined) {
        // Stood down: it stops at the next junction.
        tracks.set(u.id, { nodes: [from], times: [leaveAt] });
        assigned.delete(u.id);
        continue;
      }
      this.engine.run([from], [0], { onSettle: (v) => v === target });
      const path = this.engine.path(target) ?? new Int32Array(0);
      const nodes = [from];
      const times = [leaveAt];
      let t = leaveAt;
      for (const e of path) {
        t += graph.freeFlowS[e] as number;
        nodes.push(graph.head[e] as number);
        times.push(t);
      }
      track.nodes = nodes;
      track.times = times;
      assigned.set(u.id, target);
    }
  }
}
