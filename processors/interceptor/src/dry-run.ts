/**
 * The settings dry run: an analyst's draft and the live settings plan the same recorded pursuits
 * and scenarios, and the answer puts their covered shares and plan times side by side.
 *
 * - A scenario (the scenario-file format, node ids of the interceptor's city pack) is planned once
 *   per settings version, as `plan:interception` does.
 * - A recorded pursuit is replayed: every sighting of the plate in the span brings a plan from that
 *   sighting, with the units where their recorded positions put them then (every unit with a
 *   position counts as available: statuses are not replayed). Besides the covered share of the
 *   sampled routes, it tells how often a plan held a junction where the vehicle was later seen, in
 *   time (`laterSightingsCovered`), which is the recorded outcome the plans are checked against.
 *
 * Planning is CPU work: the dry run yields to the event loop between plans, so the service keeps
 * consuming while an analyst waits.
 */
import type { City } from '@fenghuo/city';
import type {
  DryRunFigures,
  InterceptionDryRunRequest,
  InterceptionDryRunResponse,
  InterceptionSettings,
  RecordedPursuitRef,
} from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';
import type { HistoryReader } from './history.ts';
import { type PlannerSettings, type PlanResult, planInterception } from './planner/plan.ts';
import { seedOf } from './planner/rng.ts';
import { unitFromSnap } from './planner/unit-seeds.ts';
import { nodeOfPoint } from './pursuit-planner.ts';
import { planScenario, resolveScenario } from './scenarios.ts';
import { settingsProblem } from './settings-source.ts';
import { UnitBoard } from './unit-board.ts';

export interface DryRunDeps {
  readonly city: City;
  readonly live: () => InterceptionSettings;
  readonly history: HistoryReader;
}

/** The draft cannot be planned with (as the live settings source would refuse it). */
export class UnusableSettingsError extends FenghuoError {
  constructor(reason: string) {
    super(`the draft settings cannot be used: ${reason}`, { code: 'SETTINGS_UNUSABLE' });
  }
}

/** Sightings of one recorded pursuit planned at most. */
const MAX_SIGHTINGS = 30;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const round = (x: number, d = 3) => Number(x.toFixed(d));

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)] as number);
}

interface Tally {
  shares: number[];
  ms: number[];
  laterCovered: number;
  laterPlans: number;
  first: DryRunFigures['checkpoints'];
}

function figures(t: Tally): DryRunFigures {
  return {
    plans: t.ms.length,
    coveredShare: round(t.shares.length ? t.shares.reduce((a, b) => a + b, 0) / t.shares.length : 0),
    ...(t.laterPlans > 0 ? { laterSightingsCovered: round(t.laterCovered / t.laterPlans) } : {}),
    planMsP50: round(percentile(t.ms, 0.5), 1),
    planMsMax: round(percentile(t.ms, 1), 1),
    checkpoints: t.first,
  };
}

const emptyTally = (): Tally => ({ shares: [], ms: [], laterCovered: 0, laterPlans: 0, first: [] });

export async function runDryRun(
  req: InterceptionDryRunRequest,
  deps: DryRunDeps,
): Promise<InterceptionDryRunResponse> {
  const problem = settingsProblem(req.draft);
  if (problem) throw new UnusableSettingsError(problem);
  const live = deps.live();
  const versions: [PlannerSettings, PlannerSettings] = [live, req.draft];
  const results: InterceptionDryRunResponse['results'] = [];
  const all: [Tally, Tally] = [emptyTally(), emptyTally()];
  const graph = deps.city.pack.graph;

  for (const s of req.scenarios ?? []) {
    let scenario: ReturnType<typeof resolveScenario>;
    try {
      scenario = resolveScenario(graph, s);
    } catch (err) {
      results.push({
        source: 'scenario',
        id: s.id,
        live: figures(emptyTally()),
        draft: figures(emptyTally()),
        note: (err as Error).message,
      });
      continue;
    }
    const tallies: [Tally, Tally] = [emptyTally(), emptyTally()];
    for (const k of [0, 1] as const) {
      const plan = planScenario(graph, scenario, versions[k]);
      for (const t of [tallies[k], all[k]]) {
        t.shares.push(plan.result.coveredShare);
        t.ms.push(plan.result.timings.totalMs);
      }
      tallies[k].first = plan.checkpoints;
      await yieldToEventLoop();
    }
    results.push({ source: 'scenario', id: s.id, live: figures(tallies[0]), draft: figures(tallies[1]) });
  }

  for (const ref of req.pursuits ?? []) {
    const id = `${ref.plate}@${ref.from}`.slice(0, 128);
    let note: string | undefined;
    const tallies: [Tally, Tally] = [emptyTally(), emptyTally()];
    try {
      note = await replayPursuit(ref, deps, versions, tallies, all);
    } catch (err) {
      note = err instanceof FenghuoError ? err.message : `could not replay: ${(err as Error).message}`;
    }
    results.push({
      source: 'pursuit',
      id,
      live: figures(tallies[0]),
      draft: figures(tallies[1]),
      ...(note === undefined ? {} : { note: note.slice(0, 1000) }),
    });
  }

  const summary = (t: Tally) => ({
    coveredShare: round(t.shares.length ? t.shares.reduce((a, b) => a + b, 0) / t.shares.length : 0),
    planMsP50: round(percentile(t.ms, 0.5), 1),
    planMsMax: round(percentile(t.ms, 1), 1),
  });
  return {
    live: { ruleSetId: live.ruleSetId, ruleSetVersion: live.ruleSetVersion },
    draft: { ruleSetId: req.draft.ruleSetId, ruleSetVersion: req.draft.ruleSetVersion },
    results,
    summary: { live: summary(all[0]), draft: summary(all[1]) },
  };
}

/** Plans every recorded sighting with both settings; returns a note when something was left out. */
async function replayPursuit(
  ref: RecordedPursuitRef,
  deps: DryRunDeps,
  versions: [PlannerSettings, PlannerSettings],
  tallies: [Tally, Tally],
  all: [Tally, Tally],
): Promise<string | undefined> {
  const { city } = deps;
  const graph = city.pack.graph;
  const recorded = await deps.history.read(ref);
  if (recorded.sightings.length === 0) return 'no sightings of the plate in that span';
  const sightings = recorded.sightings.slice(0, MAX_SIGHTINGS);
  const nodes = sightings.map((s) =>
    nodeOfPoint(city, {
      sightingId: s.eventId,
      at: s.occurredAt,
      location: s.location,
      ...(s.nodeId === undefined ? {} : { nodeId: s.nodeId }),
    }),
  );
  const weights = city.router.weights();
  for (const k of [0, 1] as const) {
    const settings = versions[k];
    const board = new UnitBoard(city.pack.units);
    let next = 0;
    let previous = new Map<string, number>();
    for (let i = 0; i < sightings.length; i++) {
      const s = sightings[i] as (typeof sightings)[number];
      const start = nodes[i];
      const at = Date.parse(s.occurredAt);
      while (
        next < recorded.positions.length &&
        Date.parse((recorded.positions[next] as { occurredAt: string }).occurredAt) <= at
      ) {
        board.applyPosition(recorded.positions[next] as (typeof recorded.positions)[number], at);
        next++;
      }
      if (start === undefined) continue;
      const units = board.candidates('dry-run', settings.blockingUnitKinds).flatMap((u) => {
        const snap = city.router.snap(u.position);
        return snap ? [unitFromSnap(u.id, snap, weights)] : [];
      });
      const result: PlanResult = planInterception(
        {
          graph,
          weights,
          start,
          ...(s.headingDeg === undefined ? {} : { headingDeg: s.headingDeg }),
          elapsedSec: 0,
          units,
          previous,
          seed: seedOf(`${ref.plate}#${i}`),
        },
        settings,
      );
      previous = new Map(result.checkpoints.map((c) => [c.unitId, c.node]));
      for (const t of [tallies[k], all[k]]) {
        t.shares.push(result.coveredShare);
        t.ms.push(result.timings.totalMs);
      }
      if (i === 0)
        tallies[k].first = result.checkpoints.map((c) => ({
          unit: c.unitId,
          node: String(graph.nodeId[c.node]),
        }));
      // Did this plan hold a junction where the vehicle was seen later, before it got there?
      if (i + 1 < sightings.length) {
        tallies[k].laterPlans++;
        const held = sightings.slice(i + 1).some((later, j) => {
          const node = nodes[i + 1 + j];
          const dt = (Date.parse(later.occurredAt) - at) / 1000;
          return result.checkpoints.some((c) => c.node === node && c.unitEtaSec <= dt);
        });
        if (held) tallies[k].laterCovered++;
      }
      await yieldToEventLoop();
    }
  }
  return recorded.sightings.length > MAX_SIGHTINGS
    ? `planned the first ${MAX_SIGHTINGS} of ${recorded.sightings.length} sightings`
    : undefined;
}
