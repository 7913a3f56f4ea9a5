import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraphml } from '@fenghuo/city';
import { Codecs } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { builtinInterceptionSettings } from './planner/builtin-settings.ts';
import { planScenario, resolveScenario, UnknownNodeError } from './scenarios.ts';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const graphFile = resolve(DATA, 'roads/Winterswijk.graph.graphml');
const scenarioFile = resolve(DATA, 'interception/winterswijk-scenarios.json');
const present = existsSync(graphFile) && existsSync(scenarioFile);
if (!present) console.warn(`[interceptor tests] skipping Winterswijk scenarios: ${DATA} not found`);

describe.skipIf(!present)('scenario files (Winterswijk, from ../shared/data)', () => {
  it('plans scenarios as plan:interception writes them: each unit at most once, at a node of the graph', () => {
    const graph = importGraphml(graphFile);
    const file = Codecs.InterceptionScenarioFile.decode(readFileSync(scenarioFile));
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    const settings = { ...builtinInterceptionSettings, planBudgetMs: 20 };
    const plans = file.value.scenarios
      .slice(0, 6)
      .map((s) => planScenario(graph, resolveScenario(graph, s), settings));
    expect(
      Codecs.InterceptionScenarioPlans.validate({
        plans: plans.map((p) => ({ id: p.id, checkpoints: p.checkpoints })),
      }).ok,
    ).toBe(true);
    plans.forEach((plan, i) => {
      const scenario = file.value.scenarios[i] as (typeof file.value.scenarios)[number];
      const units = plan.checkpoints.map((c) => c.unit);
      expect(new Set(units).size).toBe(units.length);
      for (const c of plan.checkpoints) {
        expect(scenario.units.map((u) => u.id)).toContain(c.unit);
        expect(graph.indexOfNodeId(Number(c.node))).toBeGreaterThanOrEqual(0);
      }
    });
    expect(plans.some((p) => p.checkpoints.length > 0)).toBe(true);
  });

  it('names the scenario and node when a node is not in the graph', () => {
    const graph = importGraphml(graphFile);
    expect(() =>
      resolveScenario(graph, { id: 'bad', fugitiveStart: '1', reportDelayS: 0, horizonS: 600, units: [] }),
    ).toThrow(UnknownNodeError);
  });
});
