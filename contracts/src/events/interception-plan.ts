import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, GeoPoint, Id, Plate, Timestamp } from '../common.ts';

export const Checkpoint = Type.Object(
  {
    nodeId: Type.String({ minLength: 1, maxLength: 64 }),
    location: GeoPoint,
    unitId: Id,
    unitEtaSec: Type.Number({ minimum: 0 }),
    vehicleEtaSec: Type.Number({ minimum: 0, description: "Vehicle's earliest arrival at the node." }),
    layer: Type.Integer({ minimum: 0, description: '0 is the innermost ring.' }),
  },
  { additionalProperties: false },
);
export type Checkpoint = Static<typeof Checkpoint>;

/** Where units must stand to close a ring round a fleeing vehicle. Topic `interceptions.plans`, key `pursuitId`. */
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
  },
  { additionalProperties: false, $id: 'InterceptionPlan' },
);
export type InterceptionPlan = Static<typeof InterceptionPlan>;
