/**
 * Scenario files (the format of `winterswijk-scenarios.json`): resolving their node ids on a graph,
 * and planning each with given settings. Used by `npm run plan:interception`, the benchmark and the
 * settings dry run.
 */
import type { RoadGraph } from '@fenghuo/city';
import type { InterceptionScenario } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';
import { type PlannerSettings, type PlanResult, type PlanUnit, planInterception } from './planner/plan.ts';
import { seedOf } from './planner/rng.ts';

/** A scenario names a node its graph does not have. */
export class UnknownNodeError extends FenghuoError {
  constructor(scenarioId: string, nodeId: string, what: string) {
    super(`scenario ${scenarioId}: ${what} node ${nodeId} is not in the graph`, {
      code: 'SCENARIO_UNKNOWN_NODE',
      context: { scenarioId, nodeId },
    });
  }
}

export interface ResolvedScenario {
  readonly id: string;
  readonly start: number;
  readonly delaySec: number;
  readonly horizonSec: number;
  readonly headingDeg?: number;
  /** Units at their start nodes (seconds 0). */
  readonly units: readonly PlanUnit[];
}

/** Graph index of an external node id, or -1. */
export function nodeIndex(graph: RoadGraph, id: string): number {
  const n = Number(id);
  return Number.isFinite(n) ? graph.indexOfNodeId(n) : -1;
}

/** The external id of a node as scenario files write it. */
export function nodeIdOf(graph: RoadGraph, node: number): string {
  return String(graph.nodeId[node]);
}

export function resolveScenario(graph: RoadGraph, s: InterceptionScenario): ResolvedScenario {
  const start = nodeIndex(graph, s.fugitiveStart);
  if (start < 0) throw new UnknownNodeError(s.id, s.fugitiveStart, 'fugitive start');
  const units = s.units.map((u) => {
    const v = nodeIndex(graph, u.start);
    if (v < 0) throw new UnknownNodeError(s.id, u.start, `unit ${u.id} start`);
    return { id: u.id, nodes: [v], seconds: [0] };
  });
  return {
    id: s.id,
    start,
    delaySec: s.reportDelayS,
    horizonSec: s.horizonS,
    ...(s.headingDeg === undefined ? {} : { headingDeg: s.headingDeg }),
    units,
  };
}

/** Settings for a scenario: its horizon, the last ring reaching it. */
export function settingsForScenario(settings: PlannerSettings, horizonSec: number): PlannerSettings {
  const rings = settings.rings.map((r, i) =>
    i === settings.rings.length - 1 ? { ...r, maxVehicleSec: Math.max(r.maxVehicleSec, horizonSec) } : r,
  );
  return { ...settings, horizonSec, rings };
}

export interface ScenarioPlan {
  readonly id: string;
  readonly checkpoints: { unit: string; node: string }[];
  readonly result: PlanResult;
}

export function planScenario(
  graph: RoadGraph,
  scenario: ResolvedScenario,
  settings: PlannerSettings,
  weights: Float64Array = graph.freeFlowS,
): ScenarioPlan {
  const result = planInterception(
    {
      graph,
      weights,
      start: scenario.start,
      ...(scenario.headingDeg === undefined ? {} : { headingDeg: scenario.headingDeg }),
      elapsedSec: scenario.delaySec,
      units: scenario.units,
      seed: seedOf(scenario.id),
    },
    settingsForScenario(settings, scenario.horizonSec),
  );
  return {
    id: scenario.id,
    checkpoints: result.checkpoints.map((c) => ({ unit: c.unitId, node: nodeIdOf(graph, c.node) })),
    result,
  };
}
