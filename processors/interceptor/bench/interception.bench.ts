/**
 * `npm run bench:interception` — plan times and the share of escape routes intercepted, on the
 * Winterswijk benchmark network (the 100 scenarios of ../shared/data/interception) and on 100
 * scenarios of our own on the default city. Prints the machine, the figures, and one JSON line.
 *
 * Plans are judged as the scenario README says (a route counts when some unit is at one of its
 * nodes no later than the fugitive) on routes from a fugitive model the planner does not share
 * (src/evaluation/fugitive.ts: a random exit among the nodes near the network's hull, shortest
 * route under log-normal perturbation of every edge time). Baselines on the same routes: the
 * junctions nearest the suspect, and a fixed ring of junctions at 5 minutes' drive, each junction
 * getting the free unit that reaches it first.
 *
 * Timing baseline that is not our code (absolute times differ up to 3x between machines): for each
 * Winterswijk scenario, the drive-time searches a plan needs (one from the suspect, one per unit)
 * through graphology-shortest-path's single-source Dijkstra; `vsLibrarySearches` is that time over
 * our whole plan's (route sampling and optimisation included), medians.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { City, Dijkstra, importGraphml, loadOrGenerateDefaultPack, type RoadGraph } from '@fenghuo/city';
import { Codecs } from '@fenghuo/contracts';
import Graph from 'graphology';
import { dijkstra } from 'graphology-shortest-path';
import { fixedRingPlan, nearestJunctionsPlan } from '../src/evaluation/baselines.ts';
import { cityScenarios } from '../src/evaluation/city-scenarios.ts';
import { FugitiveModel } from '../src/evaluation/fugitive.ts';
import { type Assignment, interceptedShare } from '../src/evaluation/judge.ts';
import { builtinInterceptionSettings } from '../src/planner/builtin-settings.ts';
import { escapeMapFor } from '../src/planner/escape-map.ts';
import { classCosts, type PlanUnit, planInterception } from '../src/planner/plan.ts';
import { Rng } from '../src/planner/rng.ts';
import { resolveScenario, settingsForScenario } from '../src/scenarios.ts';

const HELP = `Usage: npm run bench:interception [-- --quick]

Plans the 100 scenarios of ../shared/data/interception/winterswijk-scenarios.json on
../shared/data/roads/Winterswijk.graph.graphml (skipped when absent) and 100 scenarios of our own
on the default city (every patrol car and motorcycle of the pack at home, report delays 0/60/180 s,
15-minute horizon) with the built-in settings. Prints plan times (route sampling included), the
share of held-out escape routes intercepted and two baselines' shares, and one JSON line.

Options:
  --quick      20 scenarios of each kind (a smoke run)
  -h, --help   show this help
`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const COUNT = values.quick ? 20 : 100;
/** Held-out fugitive routes per scenario. */
const ROUTES_WINTERSWIJK = 300;
const ROUTES_CITY = 100;
/** Baselines call on the units nearest the suspect, as many as our plans may use. */
const BASELINE_UNITS = builtinInterceptionSettings.maxCheckpoints;
const RING_SEC = 300;
const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');

const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)] as number);
};
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** The `k` units that reach `start` first (one reverse search). */
function closestUnits(graph: RoadGraph, start: number, units: readonly PlanUnit[], k: number): PlanUnit[] {
  const engine = new Dijkstra(graph);
  engine.run([start], [0], { direction: 'reverse' });
  const time = (u: PlanUnit) =>
    Math.min(...u.nodes.map((v, i) => engine.timeTo(v) + (u.seconds[i] as number)));
  return [...units].sort((a, b) => time(a) - time(b)).slice(0, k);
}

interface Figures {
  readonly planMs: number[];
  readonly shares: number[];
  readonly modelShares: number[];
  readonly nearest: number[];
  readonly ring: number[];
  readonly checkpoints: number[];
}

function judgeScenario(
  graph: RoadGraph,
  fugitive: FugitiveModel,
  scenario: { start: number; delaySec: number; horizonSec: number; units: readonly PlanUnit[] },
  index: number,
  routesPerScenario: number,
  figures: Figures,
): void {
  const settings = settingsForScenario(builtinInterceptionSettings, scenario.horizonSec);
  const result = planInterception(
    {
      graph,
      start: scenario.start,
      elapsedSec: scenario.delaySec,
      units: scenario.units,
      seed: 1000 + index,
    },
    settings,
  );
  const routes = fugitive.routes(
    scenario.start,
    scenario.horizonSec,
    routesPerScenario,
    new Rng(5000 + index),
  );
  const byId = new Map(scenario.units.map((u) => [u.id, u]));
  const ours: Assignment[] = result.checkpoints.map((c) => ({
    ...(byId.get(c.unitId) as PlanUnit),
    node: c.node,
  }));
  const w = graph.freeFlowS;
  const callable = closestUnits(graph, scenario.start, scenario.units, BASELINE_UNITS);
  figures.planMs.push(result.timings.totalMs);
  figures.modelShares.push(result.coveredShare);
  figures.checkpoints.push(result.checkpoints.length);
  figures.shares.push(interceptedShare(graph, w, ours, routes, scenario.delaySec));
  figures.nearest.push(
    interceptedShare(
      graph,
      w,
      nearestJunctionsPlan(graph, w, scenario.start, callable),
      routes,
      scenario.delaySec,
    ),
  );
  figures.ring.push(
    interceptedShare(
      graph,
      w,
      fixedRingPlan(graph, w, scenario.start, callable, RING_SEC),
      routes,
      scenario.delaySec,
    ),
  );
}

function newFigures(): Figures {
  return { planMs: [], shares: [], modelShares: [], nearest: [], ring: [], checkpoints: [] };
}

function report(name: string, f: Figures): void {
  console.log(
    `${name}: ${f.planMs.length} scenarios; plan p50 ${percentile(f.planMs, 0.5).toFixed(0)} ms, ` +
      `p99 ${percentile(f.planMs, 0.99).toFixed(0)} ms, max ${percentile(f.planMs, 1).toFixed(0)} ms; ` +
      `${mean(f.checkpoints).toFixed(1)} checkpoints on average`,
  );
  console.log(
    `  intercepted (held-out routes): ours ${mean(f.shares).toFixed(3)}, nearest junctions ${mean(f.nearest).toFixed(3)}, ` +
      `fixed ring at ${RING_SEC / 60} min ${mean(f.ring).toFixed(3)}; planner's own estimate ${mean(f.modelShares).toFixed(3)}`,
  );
}

/** graphology's single-source Dijkstra for the searches one plan needs, in ms. */
function librarySearchesMs(lib: Graph, sources: readonly number[]): number {
  const t = performance.now();
  for (const s of sources) dijkstra.singleSource(lib, String(s), 'w');
  return performance.now() - t;
}

function toGraphology(graph: RoadGraph): Graph {
  const g = new Graph({ type: 'directed', multi: false });
  for (let v = 0; v < graph.nodeCount; v++) g.addNode(String(v));
  for (let e = 0; e < graph.edgeCount; e++) {
    const u = String(graph.tail[e]);
    const v = String(graph.head[e]);
    const w = graph.freeFlowS[e] as number;
    if (u === v) continue;
    const existing = g.edge(u, v);
    if (existing === undefined) g.addEdge(u, v, { w });
    else if ((g.getEdgeAttribute(existing, 'w') as number) > w) g.setEdgeAttribute(existing, 'w', w);
  }
  return g;
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
const costs = classCosts(builtinInterceptionSettings.routeModel);
const out: Record<string, unknown> = { bench: 'interception', scenarios: COUNT };

const graphFile = resolve(DATA, 'roads/Winterswijk.graph.graphml');
const scenarioFile = resolve(DATA, 'interception/winterswijk-scenarios.json');
if (existsSync(graphFile) && existsSync(scenarioFile)) {
  const graph = importGraphml(graphFile);
  const t = performance.now();
  escapeMapFor(graph, graph.freeFlowS, costs);
  console.log(
    `Winterswijk: ${graph.nodeCount} nodes; exits and escape potentials (once per graph) ${(performance.now() - t).toFixed(0)} ms`,
  );
  const file = Codecs.InterceptionScenarioFile.decode(readFileSync(scenarioFile));
  if (!file.ok) throw new Error(`${scenarioFile}: ${JSON.stringify(file.errors)}`);
  const fugitive = new FugitiveModel(graph);
  const lib = toGraphology(graph);
  const figures = newFigures();
  const ratios: number[] = [];
  file.value.scenarios.slice(0, COUNT).forEach((s, i) => {
    const scenario = resolveScenario(graph, s);
    judgeScenario(graph, fugitive, scenario, i, ROUTES_WINTERSWIJK, figures);
    const libMs = librarySearchesMs(lib, [
      scenario.start,
      ...scenario.units.map((u) => u.nodes[0] as number),
    ]);
    ratios.push(libMs / (figures.planMs[i] as number));
  });
  report('Winterswijk', figures);
  const vs = percentile(ratios, 0.5);
  console.log(
    `  graphology single-source Dijkstra for the same searches (1 + units per plan) over our whole plan: ${vs.toFixed(2)} (median)`,
  );
  Object.assign(out, {
    p50Ms: round(percentile(figures.planMs, 0.5), 1),
    p99Ms: round(percentile(figures.planMs, 0.99), 1),
    interceptedShare: round(mean(figures.shares)),
    baselineNearestShare: round(mean(figures.nearest)),
    baselineRingShare: round(mean(figures.ring)),
    modelShare: round(mean(figures.modelShares)),
    vsLibrarySearches: round(vs, 2),
  });
} else {
  console.log(
    `Winterswijk: skipped (${graphFile} or ${scenarioFile} not found; real data lives in ../shared/data)`,
  );
}

{
  const { pack } = loadOrGenerateDefaultPack();
  const city = new City(pack);
  const graph = pack.graph;
  const t = performance.now();
  escapeMapFor(graph, graph.freeFlowS, costs);
  console.log(
    `default city: ${graph.nodeCount} nodes; exits and escape potentials (once per graph, at start) ${(performance.now() - t).toFixed(0)} ms`,
  );
  const scenarios = cityScenarios(pack, city.router, { count: COUNT, seed: 7 });
  console.log(`  ${scenarios[0]?.units.length ?? 0} units may block (patrol cars and motorcycles at home)`);
  const fugitive = new FugitiveModel(graph);
  const figures = newFigures();
  scenarios.forEach((s, i) => {
    judgeScenario(graph, fugitive, s, i, ROUTES_CITY, figures);
  });
  report('default city', figures);
  Object.assign(out, {
    p50MsDefaultCity: round(percentile(figures.planMs, 0.5), 1),
    p99MsDefaultCity: round(percentile(figures.planMs, 0.99), 1),
    interceptedShareDefaultCity: round(mean(figures.shares)),
    baselineNearestShareDefaultCity: round(mean(figures.nearest)),
    baselineRingShareDefaultCity: round(mean(figures.ring)),
  });
}

out.cores = cpus().length;
console.log(JSON.stringify(out));
