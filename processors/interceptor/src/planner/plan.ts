/**
 * One interception plan: from the last sighting (node, heading, time elapsed since) and the
 * available units, the checkpoint junctions and the unit for each, in rings, with the share of
 * likely escape routes each covers. Pure: the graph, the units and the settings in, a plan out.
 *
 * Steps (docs/interception.md): the vehicle's earliest arrival at every node (one search); escape
 * routes sampled toward the edge of the map; candidate junctions on them; the units best placed to
 * reach them (one reverse search for all, when there are more than `unitsConsidered`); each unit's
 * drive time to every candidate (one search per unit, never one per pair); maximum coverage by
 * greedy, local search and iterated local search.
 */
import { Dijkstra, RoadClass, type RoadGraph } from '@fenghuo/city';
import type { InterceptionSettings } from '@fenghuo/contracts';
import { buildCandidates, buildCoverage, type CandidateSet, type CoverageInstance } from './coverage.ts';
import { escapeMapFor } from './escape-map.ts';
import { type EscapeRoutes, sampleEscapeRoutes } from './escape-routes.ts';
import { optimise } from './optimiser.ts';
import { Rng } from './rng.ts';

/** The settings the planner reads: published interception settings without their metadata. */
export type PlannerSettings = Omit<
  InterceptionSettings,
  'version' | 'kind' | 'ruleSetId' | 'ruleSetVersion' | 'publishedAt' | 'publishedBy' | 'description'
>;

/** A unit that may be sent: where it can leave from (graph nodes and the seconds to reach each). */
export interface PlanUnit {
  readonly id: string;
  readonly nodes: readonly number[];
  readonly seconds: readonly number[];
}

export interface PlanRequest {
  readonly graph: RoadGraph;
  /** Edge drive times in seconds. @defaultValue graph.freeFlowS */
  readonly weights?: Float64Array;
  /** Graph node of the last sighting. */
  readonly start: number;
  /** The vehicle's heading there, degrees clockwise from north, when known. */
  readonly headingDeg?: number;
  /** Seconds between the sighting and the units setting off (report delay, time since). */
  readonly elapsedSec: number;
  readonly units: readonly PlanUnit[];
  /** The last plan's checkpoint node per unit id, to keep what still holds. */
  readonly previous?: ReadonlyMap<string, number>;
  /** Seed of the route sampler and the search (same seed, same plan). */
  readonly seed: number;
  /** The ways out of the map, when known (else found from the graph's shape). */
  readonly exits?: Int32Array;
  /** Plan on these routes instead of sampling them (tests, comparisons of route models). */
  readonly routes?: EscapeRoutes;
  /**
   * Iterations of iterated local search at most (the time budget is `planBudgetMs`).
   * @defaultValue 200
   */
  readonly maxIterations?: number;
}

export interface PlannedCheckpoint {
  readonly unitId: string;
  readonly node: number;
  /** Seconds from now until the unit is at the node. */
  readonly unitEtaSec: number;
  /** Seconds from the sighting until the vehicle can first be at the node. */
  readonly vehicleEarliestSec: number;
  /** 0: inner ring. */
  readonly layer: number;
  /** Share of the sampled routes this checkpoint covers. */
  readonly coveredShare: number;
}

export interface PlanTimings {
  readonly reachMs: number;
  readonly routesMs: number;
  readonly unitsMs: number;
  readonly optimiseMs: number;
  readonly totalMs: number;
}

export interface PlanResult {
  readonly checkpoints: readonly PlannedCheckpoint[];
  /** Share of sampled routes some checkpoint covers. */
  readonly coveredShare: number;
  /** The same for the plain greedy choice. */
  readonly greedyShare: number;
  readonly routeSamples: number;
  readonly horizonSec: number;
  /** The vehicle's earliest arrival (seconds after the sighting) at every node; Infinity beyond the horizon. */
  readonly earliest: Float64Array;
  readonly routes: EscapeRoutes;
  readonly timings: PlanTimings;
  readonly iterations: number;
}

/** Per-class cost multipliers in `RoadClass` order. */
export function classCosts(model: PlannerSettings['routeModel']): Float64Array {
  const c = model.roadClassCost;
  const out = new Float64Array(9).fill(1);
  out[RoadClass.motorway] = c.motorway;
  out[RoadClass.trunk] = c.trunk;
  out[RoadClass.primary] = c.primary;
  out[RoadClass.secondary] = c.secondary;
  out[RoadClass.tertiary] = c.tertiary;
  out[RoadClass.residential] = c.residential;
  out[RoadClass.service] = c.service;
  out[RoadClass.livingStreet] = c.livingStreet;
  out[RoadClass.unclassified] = c.unclassified;
  return out;
}

const engines = new WeakMap<RoadGraph, Dijkstra>();
function engineFor(graph: RoadGraph): Dijkstra {
  let e = engines.get(graph);
  if (!e) {
    e = new Dijkstra(graph);
    engines.set(graph, e);
  }
  return e;
}

/** Pairs kept per unit: its best junctions by routes covered. */
const MAX_PAIRS_PER_UNIT = 300;

export function planInterception(req: PlanRequest, settings: PlannerSettings): PlanResult {
  const t0 = performance.now();
  const { graph } = req;
  const weights = req.weights ?? graph.freeFlowS;
  const horizon = settings.horizonSec;
  const engine = engineFor(graph);
  const rng = new Rng(req.seed);

  // Where the vehicle can be: earliest arrival at every node within the horizon.
  engine.run([req.start], [0], { weights, maxSeconds: horizon });
  const earliest = engine.copyTimes();
  const t1 = performance.now();

  const routes = req.routes ?? sampleRoutes(req, settings, weights, horizon, rng);
  const ringEdges = ringEdgesOf(settings, horizon);
  const cands = buildCandidates(graph.nodeCount, routes, earliest, ringEdges);
  const t2 = performance.now();

  const delay = req.elapsedSec + settings.safetyMarginSec;
  const units = chooseUnits(
    engine,
    weights,
    req.units,
    cands,
    delay,
    settings.unitsConsidered,
    horizon,
    req.previous,
  );
  const deadlines = deadlinesOf(cands, delay);
  const unitTimes = units.map((u) => unitTimesTo(engine, weights, u, cands, deadlines));
  const keep = Int32Array.from(units, (u) => {
    const node = req.previous?.get(u.id);
    return node === undefined ? -1 : (cands.indexOf[node] as number);
  });
  const inst = buildCoverage(cands, routes.count, unitTimes, delay, MAX_PAIRS_PER_UNIT, keep);
  const t3 = performance.now();

  const previous = previousPairs(inst, units, req.previous);
  const solution = optimise(
    inst,
    {
      maxCheckpoints: settings.maxCheckpoints,
      ringCaps: settings.rings.map((r) => r.maxCheckpoints),
      backstopWeight: settings.backstopWeight,
      keepBonus: settings.changePenalty * routes.count,
      ...(previous ? { previous } : {}),
      deadline: t3 + settings.planBudgetMs,
      maxIterations: req.maxIterations ?? 200,
    },
    rng,
  );
  const t4 = performance.now();

  const checkpoints: PlannedCheckpoint[] = [];
  solution.pairOfUnit.forEach((p, u) => {
    if (p < 0) return;
    const c = inst.pairCand[p] as number;
    const node = cands.node[c] as number;
    checkpoints.push({
      unitId: (units[u] as PlanUnit).id,
      node,
      unitEtaSec: inst.pairEta[p] as number,
      vehicleEarliestSec: earliest[node] as number,
      layer: cands.ring[c] as number,
      coveredShare: routes.count > 0 ? (inst.pairSize[p] as number) / routes.count : 0,
    });
  });
  checkpoints.sort((a, b) => a.layer - b.layer || a.vehicleEarliestSec - b.vehicleEarliestSec);
  const share = (v: number) => (routes.count > 0 ? v / routes.count : 0);
  return {
    checkpoints,
    coveredShare: share(solution.covered),
    greedyShare: share(solution.greedyCovered),
    routeSamples: routes.count,
    horizonSec: horizon,
    earliest,
    routes,
    timings: {
      reachMs: t1 - t0,
      routesMs: t2 - t1,
      unitsMs: t3 - t2,
      optimiseMs: t4 - t3,
      totalMs: performance.now() - t0,
    },
    iterations: solution.iterations,
  };
}

function sampleRoutes(
  req: PlanRequest,
  settings: PlannerSettings,
  weights: Float64Array,
  horizon: number,
  rng: Rng,
): EscapeRoutes {
  const map = escapeMapFor(
    req.graph,
    weights,
    classCosts(settings.routeModel),
    req.exits ? { exits: req.exits } : {},
  );
  return sampleEscapeRoutes(
    req.graph,
    weights,
    map,
    req.start,
    {
      samples: settings.routeModel.samples,
      edgeNoise: settings.routeModel.edgeNoise,
      detourSec: settings.routeModel.detourSec,
      nearestExitShare: settings.routeModel.nearestExitShare,
      headingWeight: settings.routeModel.headingWeight,
      horizonSec: horizon,
      ...(req.headingDeg === undefined ? {} : { headingDeg: req.headingDeg }),
    },
    rng,
  );
}

/** The rings' outer edges, each within the horizon. */
export function ringEdgesOf(settings: PlannerSettings, horizon: number): number[] {
  return settings.rings.map((r) => Math.min(r.maxVehicleSec, horizon));
}

/**
 * The units to plan with: all of them when few, else those holding a checkpoint of the last plan
 * and the best placed of the others up to `limit`, ranked by one reverse search from the candidates
 * (each seeded with how much earlier than the vehicle's latest passage a unit may arrive there): a
 * unit's rank is the slack of its best candidate.
 */
function chooseUnits(
  engine: Dijkstra,
  weights: Float64Array,
  units: readonly PlanUnit[],
  cands: CandidateSet,
  delay: number,
  limit: number,
  horizon: number,
  previous: ReadonlyMap<string, number> | undefined,
): PlanUnit[] {
  if (units.length <= limit) return [...units];
  const holding = units.filter((u) => previous?.has(u.id));
  const m = cands.node.length;
  const seeds: number[] = [];
  const seedTimes: number[] = [];
  for (let c = 0; c < m; c++) {
    const a = cands.start[c] as number;
    if ((cands.start[c + 1] as number) - a === 0) continue;
    const latest = cands.times[a] as number;
    seeds.push(cands.node[c] as number);
    seedTimes.push(horizon - latest);
  }
  engine.run(seeds, seedTimes, { weights, direction: 'reverse', maxSeconds: 2 * horizon });
  const slack = units.map((u) => {
    let best = Number.POSITIVE_INFINITY;
    u.nodes.forEach((v, i) => {
      const t = engine.timeTo(v) + (u.seconds[i] as number);
      if (t < best) best = t;
    });
    return best - horizon + delay;
  });
  const order = units
    .map((_, i) => i)
    .filter((i) => (slack[i] as number) <= 0 && !previous?.has((units[i] as PlanUnit).id));
  order.sort(
    (a, b) =>
      (slack[a] as number) - (slack[b] as number) ||
      ((units[a] as PlanUnit).id < (units[b] as PlanUnit).id ? -1 : 1),
  );
  return [
    ...holding,
    ...order.slice(0, Math.max(0, limit - holding.length)).map((i) => units[i] as PlanUnit),
  ];
}

/**
 * When a unit's search may stop: a candidate is worth reaching only by its deadline (the latest
 * vehicle passage there less the delay), so the search ends once it is past the deadline of every
 * candidate it has not settled yet. Candidates by deadline, latest first.
 */
interface Deadlines {
  readonly order: Int32Array;
  readonly deadline: Float64Array;
  readonly settled: Uint32Array;
  stamp: number;
}

function deadlinesOf(cands: CandidateSet, delay: number): Deadlines {
  const m = cands.node.length;
  const latest = Float64Array.from({ length: m }, (_, c) =>
    (cands.start[c + 1] as number) > (cands.start[c] as number)
      ? (cands.times[cands.start[c] as number] as number)
      : 0,
  );
  const order = Int32Array.from({ length: m }, (_, c) => c).sort(
    (a, b) => (latest[b] as number) - (latest[a] as number),
  );
  const deadline = Float64Array.from(order, (c) => (latest[c] as number) - delay);
  return { order, deadline, settled: new Uint32Array(m), stamp: 0 };
}

/** One forward search from the unit: its drive time to every candidate it can reach by its deadline. */
function unitTimesTo(
  engine: Dijkstra,
  weights: Float64Array,
  unit: PlanUnit,
  cands: CandidateSet,
  d: Deadlines,
): Float64Array {
  const stamp = ++d.stamp;
  let next = 0;
  const m = d.order.length;
  engine.run(unit.nodes, unit.seconds, {
    weights,
    maxSeconds: m > 0 ? Math.max(0, d.deadline[0] as number) : 0,
    onSettle: (node, time) => {
      const c = cands.indexOf[node] as number;
      if (c >= 0) d.settled[c] = stamp;
      while (next < m && d.settled[d.order[next] as number] === stamp) next++;
      return next >= m || time > (d.deadline[next] as number);
    },
  });
  return Float64Array.from(cands.node, (v) => engine.timeTo(v));
}

function previousPairs(
  inst: CoverageInstance,
  units: readonly PlanUnit[],
  previous: ReadonlyMap<string, number> | undefined,
): Int32Array | undefined {
  if (!previous || previous.size === 0) return undefined;
  const m = inst.cands.node.length;
  const out = new Int32Array(units.length).fill(-1);
  units.forEach((u, i) => {
    const node = previous.get(u.id);
    if (node === undefined) return;
    const c = inst.cands.indexOf[node] as number;
    if (c >= 0) out[i] = inst.pairOf[i * m + c] as number;
  });
  return out;
}
