import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, GeoPoint, Id, Timestamp } from '../common.ts';

/** A unit or officer is sent somewhere. Topic `dispatch.orders`, key `unitId`. */
export const DispatchOrder = Type.Object(
  {
    version: ContractVersion,
    orderId: Id,
    unitId: Id,
    officerId: Type.Optional(Id),
    kind: Type.Union([Type.Literal('incident'), Type.Literal('alert'), Type.Literal('interception')]),
    refId: Type.String({ minLength: 1, maxLength: 128, description: 'Incident, alert or pursuit id.' }),
    issuedAt: Timestamp,
    priority: Type.Integer({ minimum: 1, maximum: 4 }),
    destination: GeoPoint,
    nodeId: Type.Optional(Type.String({ maxLength: 64 })),
    etaSec: Type.Optional(Type.Number({ minimum: 0 })),
    ackDeadline: Timestamp,
    escalationLevel: Type.Integer({ minimum: 0 }),
    supersedes: Type.Optional(Id),
    instructions: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false, $id: 'DispatchOrder' },
);
export type DispatchOrder = Static<typeof DispatchOrder>;

export const AckStatus = Type.Union([
  Type.Literal('received'),
  Type.Literal('accepted'),
  Type.Literal('refused'),
  Type.Literal('arrived'),
  Type.Literal('completed'),
]);
export type AckStatus = Static<typeof AckStatus>;

/** An officer's answer to an order; drives escalation. Topic `dispatch.acks`, key `unitId`. */
export const DispatchAck = Type.Object(
  {
    version: ContractVersion,
    eventId: Id,
    orderId: Id,
    unitId: Id,
    officerId: Type.Optional(Id),
    status: AckStatus,
    at: Timestamp,
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'DispatchAck' },
);
export type DispatchAck = Static<typeof DispatchAck>;
