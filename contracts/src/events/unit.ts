import { type Static, Type } from '@sinclair/typebox';
import { GeoPoint, Id, IngestedFields, UserIdentity } from '../common.ts';

/** A unit's position from an officer's phone (OsmAnd/Traccar) or vehicle. Topic `units.positions`, key `unitId`. */
export const UnitPosition = Type.Object(
  {
    ...IngestedFields,
    unitId: Id,
    deviceId: Type.Optional(Id),
    location: GeoPoint,
    speedKph: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    accuracyM: Type.Optional(Type.Number({ minimum: 0 })),
    altitudeM: Type.Optional(Type.Number()),
    batteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false, $id: 'UnitPosition' },
);
export type UnitPosition = Static<typeof UnitPosition>;

export const UnitState = Type.Union([
  Type.Literal('available'),
  Type.Literal('dispatched'),
  Type.Literal('en_route'),
  Type.Literal('on_scene'),
  Type.Literal('busy'),
  Type.Literal('off_duty'),
]);
export type UnitState = Static<typeof UnitState>;

export const UnitKind = Type.Union([
  Type.Literal('patrol_car'),
  Type.Literal('motorcycle'),
  Type.Literal('foot'),
  Type.Literal('community_officer', { description: 'The community officer of one grid cell.' }),
  Type.Literal('duty_desk', { description: "A station's duty desk (值班室)." }),
]);
export type UnitKind = Static<typeof UnitKind>;
export const UNIT_KINDS: readonly UnitKind[] = UnitKind.anyOf.map((s) => s.const);

/**
 * A unit's availability. The router owns it: it writes the status each decision implies
 * (`dispatched` on an order, `available` when an order ends). The gateway appends an officer's own
 * change (on or off duty, busy) with the officer as `actor`; the router applies it. Consumers keep
 * the latest per unit. Topic `units.status` (compacted), key `unitId`.
 */
export const UnitStatus = Type.Object(
  {
    ...IngestedFields,
    unitId: Id,
    status: UnitState,
    unitKind: Type.Optional(UnitKind),
    orderId: Type.Optional(Type.String({ maxLength: 128, description: 'The order the unit works on.' })),
    actor: Type.Optional(UserIdentity),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'UnitStatus' },
);
export type UnitStatus = Static<typeof UnitStatus>;
