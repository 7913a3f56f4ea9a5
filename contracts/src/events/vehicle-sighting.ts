import { type Static, Type } from '@sinclair/typebox';
import { GeoPoint, Id, IngestedFields, Plate } from '../common.ts';

/** A road camera read a plate. Topic `vehicles.sighted`, key `plate`. */
export const VehicleSighting = Type.Object(
  {
    ...IngestedFields,
    plate: Plate,
    cameraId: Id,
    location: GeoPoint,
    nodeId: Type.Optional(Type.String({ maxLength: 64, description: 'Road-graph node of the camera.' })),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    speedKph: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    flagged: Type.Optional(Type.Boolean({ description: 'The plate is on a watch list.' })),
  },
  { additionalProperties: false, $id: 'VehicleSighting' },
);
export type VehicleSighting = Static<typeof VehicleSighting>;
