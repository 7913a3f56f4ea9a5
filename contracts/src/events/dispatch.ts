import { type Static, Type } from '@sinclair/typebox';
import { Actor, ContractVersion, GeoPoint, Id, idOf, Priority, Timestamp, UserIdentity } from '../common.ts';
import { AlertLevel } from './alert.ts';
import { IncidentResolution } from './outcome-label.ts';
import { EscalationRung } from './timeline.ts';

export const OrderKind = Type.Union(
  [Type.Literal('incident'), Type.Literal('alert'), Type.Literal('interception')],
  { description: 'What the order is about: an incident, a fraud warning, or a checkpoint of a pursuit.' },
);
export type OrderKind = Static<typeof OrderKind>;

export const OrderStatus = Type.Union(
  [
    Type.Literal('active', { description: 'The unit is to carry it out.' }),
    Type.Literal('completed', { description: 'The unit reported it done.' }),
    Type.Literal('cancelled', { description: 'Stood down by an operator, or the matter closed.' }),
    Type.Literal('superseded', {
      description: 'Replaced by another order (escalation, reassignment, re-plan).',
    }),
  ],
  { description: 'Where the order stands; every change is a new revision of the same order id.' },
);
export type OrderStatus = Static<typeof OrderStatus>;

/** A unit the router considered for an order, with its drive time to the destination. */
export const DispatchCandidate = Type.Object(
  {
    unitId: Id,
    etaSec: Type.Number({ minimum: 0, description: 'Drive time on the road network, not straight-line.' }),
  },
  { additionalProperties: false },
);
export type DispatchCandidate = Static<typeof DispatchCandidate>;

/**
 * A unit or officer is sent somewhere. Written by the router alone (it also turns the interceptor's
 * checkpoint assignments into orders of kind `interception`). An order is updated in place: the same
 * `orderId` with a higher `revision` (an upgraded alert, a stand-down, a supersession); consumers keep
 * the highest revision. Topic `dispatch.orders`, key `unitId`.
 */
export const DispatchOrder = Type.Object(
  {
    version: ContractVersion,
    orderId: idOf('Deterministic from the decision, so a replayed input never makes a second order.'),
    revision: Type.Integer({ minimum: 1, description: 'Starts at 1; each update of the order adds one.' }),
    status: OrderStatus,
    unitId: Id,
    officerId: Type.Optional(Id),
    kind: OrderKind,
    refId: Type.String({ minLength: 1, maxLength: 128, description: 'Incident, alert or pursuit id.' }),
    level: Type.Optional(
      Type.Union(AlertLevel.anyOf, { description: "The alert's level, for orders of kind `alert`." }),
    ),
    issuedAt: Timestamp,
    updatedAt: Type.Optional(Timestamp),
    priority: Priority,
    destination: GeoPoint,
    nodeId: Type.Optional(Type.String({ maxLength: 64 })),
    gridCellId: Type.Optional(idOf('Grid cell of the destination.')),
    stationId: Type.Optional(idOf('Station whose area holds the destination (operators see their region).')),
    etaSec: Type.Optional(Type.Number({ minimum: 0 })),
    ackDeadline: Timestamp,
    escalationLevel: Type.Integer({ minimum: 0, description: '0 for the first order; +1 per escalation.' }),
    rung: Type.Optional(
      Type.Union(EscalationRung.anyOf, {
        description: 'Rung of the escalation ladder the order was given at.',
      }),
    ),
    candidates: Type.Optional(
      Type.Array(DispatchCandidate, {
        maxItems: 10,
        description:
          'The recommendation: the available units that can arrive first, fastest first (the top 3 for an incident).',
      }),
    ),
    supersedes: Type.Optional(Id),
    statutoryDeadline: Type.Optional(
      Type.String({
        format: 'date-time',
        maxLength: 40,
        description: "The matter's legal clock (a protection order): it must be decided by then.",
      }),
    ),
    instructions: Type.Optional(Type.String({ maxLength: 4000 })),
    assignedBy: Type.Optional(Actor),
  },
  { additionalProperties: false, $id: 'DispatchOrder' },
);
export type DispatchOrder = Static<typeof DispatchOrder>;

export const AckStatus = Type.Union(
  [
    Type.Literal('received', { description: "The order reached the officer's phone." }),
    Type.Literal('accepted', { description: 'The officer takes it (stops the escalation clock).' }),
    Type.Literal('refused', { description: 'The officer cannot take it (escalates at once).' }),
    Type.Literal('en_route', { description: 'On the way.' }),
    Type.Literal('on_scene', { description: 'Arrived.' }),
    Type.Literal('completed', { description: 'Done; the unit is available again.' }),
  ],
  { description: "An officer's answer to an order." },
);
export type AckStatus = Static<typeof AckStatus>;
export const ACK_STATUSES: readonly AckStatus[] = AckStatus.anyOf.map((s) => s.const);

/**
 * An officer's answer to an order; drives escalation. Written by the gateway with the officer's
 * identity; `eventId` is `ack-<orderId>-<status>`, so a repeated tap is one event.
 * Topic `dispatch.acks`, key `unitId`.
 */
export const DispatchAck = Type.Object(
  {
    version: ContractVersion,
    eventId: Id,
    orderId: Id,
    unitId: Id,
    officerId: Type.Optional(Id),
    status: AckStatus,
    at: Timestamp,
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text; the reason of a refusal.' })),
    location: Type.Optional(GeoPoint),
    resolution: Type.Optional(
      Type.Object(IncidentResolution.properties, {
        additionalProperties: false,
        description:
          "With `completed` on an incident's order: the officer's outcome and the caller's satisfaction (the router's `incident.resolved` entry carries them).",
      }),
    ),
    actor: Type.Optional(UserIdentity),
  },
  { additionalProperties: false, $id: 'DispatchAck' },
);
export type DispatchAck = Static<typeof DispatchAck>;
