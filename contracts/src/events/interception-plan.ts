import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, GeoPoint, Id, idOf, Plate, Timestamp } from '../common.ts';

const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const Checkpoint = Type.Object(
  {
    nodeId: Type.String({ minLength: 1, maxLength: 64 }),
    location: GeoPoint,
    unitId: Id,
    unitEtaSec: Type.Number({
      minimum: 0,
      description: "The unit's drive time to the node, from the plan's time.",
    }),
    vehicleEtaSec: Type.Number({
      minimum: 0,
      description:
        "Vehicle's earliest arrival at the node, from the plan's time (0: it may be there already).",
    }),
    layer: Type.Integer({ minimum: 0, description: '0 is the innermost ring.' }),
    coveredShare: Type.Optional(
      Share('Share of the likely escape routes that pass this node after the unit is there.'),
    ),
    orderId: Type.Optional(
      idOf(
        'Id of the order the router issues for this assignment (`int-<pursuitId>-<unitId>-<nodeId>`): the same for as long as the assignment holds, so a re-plan that keeps it changes no order.',
      ),
    ),
  },
  { additionalProperties: false },
);
export type Checkpoint = Static<typeof Checkpoint>;

/** One place the suspect was seen (a camera sighting, the incident, an operator's report). */
export const TrackPoint = Type.Object(
  {
    sightingId: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Sighting event id, incident id or command id.',
    }),
    at: Timestamp,
    location: GeoPoint,
    nodeId: Type.Optional(Type.String({ maxLength: 64, description: 'Road-graph node it was placed on.' })),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    cameraId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type TrackPoint = Static<typeof TrackPoint>;

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[lon, lat]' });

/** Where the vehicle can be by a time: the roads it can reach, drawn as areas. */
export const ReachArea = Type.Object(
  {
    withinSec: Type.Number({ minimum: 0, description: 'Seconds after the last sighting.' }),
    polygons: Type.Array(Type.Array(Type.Array(Position, { maxItems: 5000 }), { maxItems: 200 }), {
      maxItems: 200,
      description: 'GeoJSON MultiPolygon coordinates (outer ring first, then holes).',
    }),
  },
  { additionalProperties: false },
);
export type ReachArea = Static<typeof ReachArea>;

/**
 * Where units must stand to close a ring round a fleeing vehicle: the interceptor's checkpoint
 * assignments, which the router turns into orders of kind `interception` (superseding those a new
 * revision drops). Kept well under Kafka's 1 MB record limit (the interceptor coarsens the reach
 * areas of a plan that would not be). Topic `interceptions.plans`, key `pursuitId`.
 */
export const InterceptionPlan = Type.Object(
  {
    version: ContractVersion,
    pursuitId: Id,
    revision: Type.Integer({ minimum: 1 }),
    plate: Plate,
    status: Type.Union([
      Type.Literal('active'),
      Type.Literal('captured'),
      Type.Literal('lost'),
      Type.Literal('cancelled'),
    ]),
    createdAt: Timestamp,
    basedOnSightingId: Type.String({ maxLength: 128 }),
    vehicleLocation: GeoPoint,
    horizonSec: Type.Number({ minimum: 0 }),
    checkpoints: Type.Array(Checkpoint),
    track: Type.Optional(
      Type.Array(TrackPoint, {
        maxItems: 100,
        description: "The suspect's sightings, oldest first (the latest 100).",
      }),
    ),
    reach: Type.Optional(
      Type.Array(ReachArea, { maxItems: 60, description: 'Where the vehicle can be, minute by minute.' }),
    ),
    coveredShare: Type.Optional(
      Share('Share of the likely escape routes that pass some checkpoint after its unit is there.'),
    ),
    routeSamples: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Escape routes the shares are counted on.' }),
    ),
    planMs: Type.Optional(Type.Number({ minimum: 0, description: 'Time the planner took.' })),
    settings: Type.Optional(
      Type.Object(
        { ruleSetId: Id, ruleSetVersion: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false, description: 'The interception settings it was planned with.' },
      ),
    ),
  },
  { additionalProperties: false, $id: 'InterceptionPlan' },
);
export type InterceptionPlan = Static<typeof InterceptionPlan>;
