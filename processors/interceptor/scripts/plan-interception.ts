/**
 * `npm run plan:interception -- --graph FILE.graphml --scenarios FILE.json --out PLANS.json` —
 * plans every scenario of a file (the format of winterswijk-scenarios.json) and writes
 * `{"plans":[{"id","checkpoints":[{"unit","node"}]}]}`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importGraphml, loadCityPack, type RoadGraph } from '@fenghuo/city';
import { Codecs, type InterceptionScenarioPlans } from '@fenghuo/contracts';
import { builtinInterceptionSettings } from '../src/planner/builtin-settings.ts';
import type { PlannerSettings } from '../src/planner/plan.ts';
import { planScenario, resolveScenario } from '../src/scenarios.ts';

const HELP = `Usage: npm run plan:interception -- --graph FILE.graphml --scenarios FILE.json --out PLANS.json

Plans every scenario of FILE.json (format of ../shared/data/interception/winterswijk-scenarios.json:
the fugitive's start node, the report delay, the horizon and the units' start nodes) on the road
graph, and writes {"plans":[{"id","checkpoints":[{"unit","node"}]}]}: each unit at most one
checkpoint node. Drive times are the graph's (GraphML travel_time when present).

Options:
  --graph FILE       OSMnx GraphML (.graphml or .graphml.gz) whose node ids the scenarios use
  --pack NAME        or a city pack by name (.local/city/NAME), instead of --graph
  --scenarios FILE   the scenario file
  --out FILE         where to write the plans
  --settings FILE    interception settings (JSON, kind interception_settings); default: built-in
  -h, --help         show this help
`;

class UsageError extends Error {}

function loadGraph(values: { graph?: string; pack?: string }): RoadGraph {
  if (values.graph && values.pack) throw new UsageError('give --graph or --pack, not both');
  if (values.graph) return importGraphml(values.graph);
  if (values.pack) return loadCityPack(values.pack).graph;
  throw new UsageError('--graph (or --pack) is required');
}

function loadSettings(file: string | undefined): PlannerSettings {
  if (!file) return builtinInterceptionSettings;
  const decoded = Codecs.InterceptionSettings.decode(readFileSync(file));
  if (!decoded.ok) {
    throw new UsageError(
      `${file} is not valid interception settings:\n${decoded.errors.map((e) => `  ${e.path || '(file)'}: ${e.message}`).join('\n')}`,
    );
  }
  return decoded.value;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] as number;
}

function run(): number {
  const { values } = parseArgs({
    options: {
      graph: { type: 'string' },
      pack: { type: 'string' },
      scenarios: { type: 'string' },
      out: { type: 'string' },
      settings: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.scenarios) throw new UsageError('--scenarios is required');
  if (!values.out) throw new UsageError('--out is required');
  const settings = loadSettings(values.settings);
  const started = performance.now();
  const graph = loadGraph(values);
  const file = Codecs.InterceptionScenarioFile.decode(readFileSync(values.scenarios));
  if (!file.ok) {
    throw new UsageError(
      `${values.scenarios} is not a scenario file:\n${file.errors.map((e) => `  ${e.path || '(file)'}: ${e.message}`).join('\n')}`,
    );
  }
  const scenarios = file.value.scenarios.map((s) => resolveScenario(graph, s));
  const plans: InterceptionScenarioPlans['plans'] = [];
  const times: number[] = [];
  let covered = 0;
  for (const scenario of scenarios) {
    const plan = planScenario(graph, scenario, settings);
    plans.push({ id: plan.id, checkpoints: plan.checkpoints });
    times.push(plan.result.timings.totalMs);
    covered += plan.result.coveredShare;
  }
  const out: InterceptionScenarioPlans = { plans };
  const checked = Codecs.InterceptionScenarioPlans.validate(out);
  if (!checked.ok)
    throw new Error(`internal: plans do not match their contract: ${JSON.stringify(checked.errors)}`);
  writeFileSync(values.out, `${JSON.stringify(out)}\n`);
  times.sort((a, b) => a - b);
  const n = scenarios.length;
  console.log(
    `planned ${n} scenarios on ${graph.nodeCount} nodes in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(plan p50 ${percentile(times, 0.5).toFixed(0)} ms, p99 ${percentile(times, 0.99).toFixed(0)} ms); ` +
      `mean share of sampled escape routes covered ${(n ? covered / n : 0).toFixed(3)}; wrote ${values.out}`,
  );
  return 0;
}

try {
  process.exitCode = run();
} catch (err) {
  if (err instanceof UsageError || (err instanceof Error && 'code' in err)) {
    console.error(`plan:interception: ${err.message}${err instanceof UsageError ? '\n\n(see --help)' : ''}`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
