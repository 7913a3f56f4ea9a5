/**
 * Pursuit scenarios of our own on a city pack (the benchmark's and the simulation's): a random start
 * junction away from the edge, a report delay of 0, 60 or 180 s, and every unit of the blocking kinds
 * at its home position. Deterministic for a seed.
 */
import type { CityPack, Router } from '@fenghuo/city';
import type { UnitKind } from '@fenghuo/contracts';
import type { PlanUnit } from '../planner/plan.ts';
import { Rng } from '../planner/rng.ts';
import { unitFromSnap } from '../planner/unit-seeds.ts';
import { hullBandNodes } from './fugitive.ts';

export interface CityScenario {
  readonly id: string;
  readonly start: number;
  readonly delaySec: number;
  readonly horizonSec: number;
  readonly units: readonly PlanUnit[];
}

export interface CityScenarioOptions {
  readonly count: number;
  readonly seed: number;
  /** @defaultValue 900 */
  readonly horizonSec?: number;
  /** @defaultValue ['patrol_car', 'motorcycle'] */
  readonly unitKinds?: readonly UnitKind[];
}

/** The pack's units of the given kinds, snapped to the road at their home positions. */
export function packUnits(pack: CityPack, router: Router, kinds: readonly UnitKind[]): PlanUnit[] {
  const weights = router.weights();
  const out: PlanUnit[] = [];
  for (const u of pack.units) {
    if (!kinds.includes(u.kind)) continue;
    const snap = router.snap(u.position);
    if (snap) out.push(unitFromSnap(u.id, snap, weights));
  }
  return out;
}

export function cityScenarios(pack: CityPack, router: Router, options: CityScenarioOptions): CityScenario[] {
  const rng = new Rng(options.seed);
  const graph = pack.graph;
  const units = packUnits(pack, router, options.unitKinds ?? ['patrol_car', 'motorcycle']);
  const edge = new Uint8Array(graph.nodeCount);
  for (const v of hullBandNodes(graph, undefined)) edge[v] = 1;
  const delays = [0, 60, 180];
  const out: CityScenario[] = [];
  while (out.length < options.count) {
    const start = rng.int(graph.nodeCount);
    if (edge[start]) continue;
    const k = out.length;
    out.push({
      id: `city-${String(k).padStart(3, '0')}`,
      start,
      delaySec: delays[k % delays.length] as number,
      horizonSec: options.horizonSec ?? 900,
      units,
    });
  }
  return out;
}
