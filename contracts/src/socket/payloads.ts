/**
 * What clients send over Socket.IO. The gateway validates each payload with its codec and attaches
 * the user's identity itself: no payload carries who the sender is.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { AmountCny, GeoPoint, Id, idOf, Timestamp } from '../common.ts';
import { AckStatus } from '../events/dispatch.ts';
import { OperatorCommandBody } from '../events/operator-command.ts';
import { IncidentResolution, Outcome } from '../events/outcome-label.ts';
import { ErrorBody } from '../http.ts';

/** `order:ack` — an officer answers one of their orders. Becomes a `DispatchAck` on `dispatch.acks`. */
export const OrderAckRequest = Type.Object(
  {
    orderId: Id,
    status: AckStatus,
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Reason of a refusal; any remark.' })),
    location: Type.Optional(GeoPoint),
    resolution: Type.Optional(
      Type.Object(IncidentResolution.properties, {
        additionalProperties: false,
        description: "With `completed` on an incident's order: the outcome and the caller's satisfaction.",
      }),
    ),
  },
  { additionalProperties: false, $id: 'OrderAckRequest' },
);
export type OrderAckRequest = Static<typeof OrderAckRequest>;

/** `unit:set-status` — an officer goes on or off duty, or is busy. Becomes a `UnitStatus` on `units.status`. */
export const UnitStatusRequest = Type.Object(
  {
    status: Type.Union([Type.Literal('available'), Type.Literal('busy'), Type.Literal('off_duty')], {
      description: 'Statuses a person sets; dispatched, en route and on scene follow from orders.',
    }),
    unitId: Type.Optional(idOf("Another unit (supervisors only); an officer's own unit by default.")),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'UnitStatusRequest' },
);
export type UnitStatusRequest = Static<typeof UnitStatusRequest>;

/** `command:issue` — an operator's command. Becomes an `OperatorCommand` on `operator.commands`. */
export const CommandRequest = Type.Object(
  {
    commandId: idOf('A UUID made by the console; a retry after a lost answer keeps it and is done once.'),
    command: OperatorCommandBody,
  },
  { additionalProperties: false, $id: 'CommandRequest' },
);
export type CommandRequest = Static<typeof CommandRequest>;

/** `outcome:record` — what came of a fraud warning. Becomes an `OutcomeLabel` on `outcomes.labelled`. */
export const OutcomeRequest = Type.Object(
  {
    alertId: Id,
    outcome: Outcome,
    amountSaved: Type.Optional(AmountCny),
    lossAmount: Type.Optional(AmountCny),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, $id: 'OutcomeRequest' },
);
export type OutcomeRequest = Static<typeof OutcomeRequest>;

export const SnapshotPart = Type.Union([
  Type.Literal('alerts'),
  Type.Literal('incidents'),
  Type.Literal('orders'),
  Type.Literal('units'),
  Type.Literal('plans'),
  Type.Literal('watchList'),
]);
export type SnapshotPart = Static<typeof SnapshotPart>;

/** `snapshot:request` — the current state the client may see, after a gap too long to replay. */
export const SnapshotRequest = Type.Object(
  {
    parts: Type.Optional(
      Type.Array(SnapshotPart, { minItems: 1, maxItems: 6, uniqueItems: true, description: 'Default: all.' }),
    ),
  },
  { additionalProperties: false, $id: 'SnapshotRequest' },
);
export type SnapshotRequest = Static<typeof SnapshotRequest>;

/** The handshake's `auth`: `io(url, { auth: { token } })`. */
export const SocketAuth = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096, description: 'From `POST /api/auth/login`.' }) },
  { additionalProperties: false, $id: 'SocketAuth' },
);
export type SocketAuth = Static<typeof SocketAuth>;

/**
 * What `auth:renew` answers: the new expiry of the socket's session. A console renews with the token
 * of `POST /api/auth/refresh` before the old one expires, without reconnecting (which would lose
 * nothing, but costs a round of recovery).
 */
export const TokenRenewed = Type.Object(
  { expiresAt: Timestamp },
  { additionalProperties: false, $id: 'TokenRenewed' },
);
export type TokenRenewed = Static<typeof TokenRenewed>;

/** What a write answers: the id of the event the gateway wrote to Kafka (the command id for commands). */
export const Receipt = Type.Object({ eventId: Id }, { additionalProperties: false, $id: 'Receipt' });
export type Receipt = Static<typeof Receipt>;

/** Schema of an acknowledgement carrying `data`: `{ ok: true, data }` or `{ ok: false, error }`. */
export function Ack<T extends TSchema>(data: T) {
  return Type.Union([
    Type.Object({ ok: Type.Literal(true), data }, { additionalProperties: false }),
    Type.Object({ ok: Type.Literal(false), error: ErrorBody }, { additionalProperties: false }),
  ]);
}
/** The answer to a client's emit, socket.io acknowledgement style. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
