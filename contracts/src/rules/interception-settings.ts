/**
 * The interception planner's settings that analysts tune: how far ahead it plans, how many
 * checkpoints in which rings, the escape-route model, which unit kinds may block, and how readily a
 * re-plan moves units. A member of the `RuleSet` union (kind `interception_settings`), versioned
 * and published by the rules service and hot-reloaded by the interceptor like any rule set; a
 * draft is tried on recorded pursuits and scenario files through the interceptor's dry run
 * ({@link InterceptionDryRunRequest}). See docs/interception.md.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, Id, Timestamp } from '../common.ts';
import { UnitKind } from '../events/unit.ts';

/** One ring of checkpoints: the junctions the vehicle can reach within `maxVehicleSec` (and past the ring inside it). */
export const CheckpointRing = Type.Object(
  {
    maxVehicleSec: Type.Number({
      exclusiveMinimum: 0,
      maximum: 7200,
      description:
        "Outer edge of the ring: junctions whose earliest vehicle arrival (from the last sighting) is at most this, and beyond the previous ring's edge.",
    }),
    maxCheckpoints: Type.Integer({ minimum: 0, maximum: 50, description: 'Most checkpoints in this ring.' }),
  },
  { additionalProperties: false },
);
export type CheckpointRing = Static<typeof CheckpointRing>;

const Cost = (description: string) => Type.Number({ minimum: 0.2, maximum: 5, description });

/**
 * How the fleeing vehicle is assumed to choose its way: near-shortest routes toward the edge of the
 * map (exits), under random perturbation of edge times, biased by its heading and by road class
 * (after van Droffelaar et al.).
 */
export const EscapeRouteModel = Type.Object(
  {
    samples: Type.Integer({
      minimum: 50,
      maximum: 5000,
      description: 'Escape routes sampled per plan; more is steadier and slower.',
    }),
    edgeNoise: Type.Number({
      minimum: 0,
      maximum: 2,
      description: 'Spread (log-normal sigma) of the random factor on each edge time as the driver sees it.',
    }),
    detourSec: Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      description:
        'How readily the driver takes a turn that is this many seconds slower toward the exit (a larger value spreads routes wider).',
    }),
    nearestExitShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Share of routes heading for the nearest edge of the map; the rest head for any part of the edge, in proportion to its exits.',
    }),
    headingWeight: Type.Number({
      minimum: 0,
      maximum: 10,
      description: "Pull of the vehicle's last heading on the part of the edge it heads for (0 ignores it).",
    }),
    roadClassCost: Type.Object(
      {
        motorway: Cost('Multiplier of motorway times as the driver sees them (<1 preferred).'),
        trunk: Cost('Trunk roads.'),
        primary: Cost('Primary roads.'),
        secondary: Cost('Secondary roads.'),
        tertiary: Cost('Tertiary roads.'),
        residential: Cost('Residential streets.'),
        service: Cost('Service roads.'),
        livingStreet: Cost('Living streets.'),
        unclassified: Cost('Unclassified roads.'),
      },
      { additionalProperties: false, description: 'How the driver weighs each road class.' },
    ),
  },
  { additionalProperties: false },
);
export type EscapeRouteModel = Static<typeof EscapeRouteModel>;

/** Published interception settings. Topic `rules.sets` (compacted), key `ruleSetId`. */
export const InterceptionSettings = Type.Object(
  {
    version: ContractVersion,
    kind: Type.Literal('interception_settings'),
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    publishedAt: Timestamp,
    publishedBy: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    horizonSec: Type.Number({
      minimum: 60,
      maximum: 7200,
      description: 'How far ahead of the last sighting a plan looks.',
    }),
    maxCheckpoints: Type.Integer({ minimum: 1, maximum: 50, description: 'Most checkpoints in one plan.' }),
    rings: Type.Array(CheckpointRing, {
      minItems: 1,
      maxItems: 4,
      description: 'Rings from the inside out (layer 0 first); junctions beyond the last ring are not used.',
    }),
    backstopWeight: Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Worth of a second checkpoint on a route already covered, relative to covering a new route (the outer ring as backstop).',
    }),
    safetyMarginSec: Type.Number({
      minimum: 0,
      maximum: 600,
      description: 'A unit counts at a checkpoint only if it is there this long before the vehicle.',
    }),
    blockingUnitKinds: Type.Array(UnitKind, {
      minItems: 1,
      maxItems: 5,
      uniqueItems: true,
      description: 'Unit kinds that may be sent to a checkpoint.',
    }),
    unitsConsidered: Type.Integer({
      minimum: 1,
      maximum: 1000,
      description: 'Available units planned with at most (those best placed to reach the likely routes).',
    }),
    routeModel: EscapeRouteModel,
    changePenalty: Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Share of routes a re-plan must gain for each unit it moves off its checkpoint (no order flapping).',
    }),
    replanIntervalSec: Type.Number({
      minimum: 1,
      maximum: 3600,
      description: 'Between sightings, re-plan on unit movement at most this often.',
    }),
    pursuitTimeoutSec: Type.Number({
      minimum: 60,
      maximum: 86_400,
      description: 'A pursuit with no sighting for this long closes as lost.',
    }),
    planBudgetMs: Type.Integer({
      minimum: 10,
      maximum: 10_000,
      description: 'Time the optimiser may spend improving on the greedy plan.',
    }),
  },
  { additionalProperties: false, $id: 'InterceptionSettings' },
);
export type InterceptionSettings = Static<typeof InterceptionSettings>;
