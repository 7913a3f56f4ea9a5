import { City, generateCity } from '@fenghuo/city';
import { describe, expect, it } from 'vitest';
import { builtinInterceptionSettings } from '../planner/builtin-settings.ts';
import { PursuitSimulator } from './simulation.ts';

/**
 * The planner in the loop: a generated city of ~6,000 junctions with cameras at its main
 * intersections and 64 patrol cars and motorcycles; a vehicle seen by a camera flees toward a
 * random point at the edge of the map along a route drawn from a model the planner does not share;
 * every camera it passes reports it 10 s later and brings a re-plan; units drive to their
 * checkpoints at road speed. Runs are deterministic (seeded).
 */
describe('pursuit simulation', () => {
  it('intercepts the vehicle in a clear majority of runs', { timeout: 180_000 }, () => {
    const pack = generateCity({ name: 'simulation', targetNodes: 6000, units: 80, seed: 11 });
    const city = new City(pack);
    const unitKinds = builtinInterceptionSettings.blockingUnitKinds;
    const simulator = new PursuitSimulator(pack, { unitKinds }, city.router);
    // Fewer sampled routes and search iterations than live, so the test stays quick; the search is
    // bounded by iterations, not time, so every machine plays the same runs.
    const settings = {
      ...builtinInterceptionSettings,
      planBudgetMs: 10_000,
      routeModel: { ...builtinInterceptionSettings.routeModel, samples: 500 },
    };
    const runs = 24;
    let intercepted = 0;
    let plans = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const outcome = simulator.run({
        settings,
        seed,
        firstReportSec: 10,
        cameraDelaySec: 10,
        unitKinds,
        maxSec: 1800,
        maxIterations: 0,
      });
      plans += outcome.plans;
      if (outcome.intercepted) {
        intercepted++;
        // Where it was stopped is on its route, no later than it got there.
        const k = Array.from(outcome.route.nodes).indexOf(outcome.node as number);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(outcome.atSec).toBe(outcome.route.times[k]);
      }
    }
    const share = intercepted / runs;
    console.log(
      `[simulation] intercepted ${intercepted} of ${runs} pursuits (${(100 * share).toFixed(0)} %), ${plans} plans`,
    );
    expect(share).toBeGreaterThan(0.6);
  });
});
