/**
 * The interception settings in force until the rules service publishes a version of the configured
 * settings id: two rings (what the vehicle can reach in 4 minutes, then up to the horizon), patrol
 * cars and motorcycles block, 800 sampled routes, 100 ms for iterated local search. docs/interception.md
 * explains each value.
 */
import type { InterceptionSettings } from '@fenghuo/contracts';

export const BUILTIN_SETTINGS_ID = 'interception';

export const builtinInterceptionSettings: InterceptionSettings = {
  version: 1,
  kind: 'interception_settings',
  ruleSetId: BUILTIN_SETTINGS_ID,
  ruleSetVersion: 0,
  publishedAt: '2026-01-01T00:00:00.000Z',
  publishedBy: 'builtin',
  description: 'Built-in defaults of the interceptor.',
  horizonSec: 900,
  maxCheckpoints: 12,
  rings: [
    { maxVehicleSec: 240, maxCheckpoints: 6 },
    { maxVehicleSec: 900, maxCheckpoints: 12 },
  ],
  backstopWeight: 0.1,
  safetyMarginSec: 0,
  blockingUnitKinds: ['patrol_car', 'motorcycle'],
  unitsConsidered: 30,
  routeModel: {
    samples: 800,
    edgeNoise: 0.3,
    detourSec: 15,
    nearestExitShare: 0.15,
    headingWeight: 1.5,
    roadClassCost: {
      motorway: 0.85,
      trunk: 0.9,
      primary: 0.95,
      secondary: 1,
      tertiary: 1,
      residential: 1.1,
      service: 1.4,
      livingStreet: 1.6,
      unclassified: 1.05,
    },
  },
  changePenalty: 0.02,
  replanIntervalSec: 15,
  pursuitTimeoutSec: 1800,
  planBudgetMs: 100,
};
