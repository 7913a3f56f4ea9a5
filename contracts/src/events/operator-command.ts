/**
 * What operators and supervisors ask for from the console: a body told apart by `type`, wrapped by
 * the gateway in an {@link OperatorCommand} with the user's identity. The router carries out the
 * commands about alerts and incidents; the interceptor those about pursuits and the watch list.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  ContractVersion,
  GeoPoint,
  Id,
  idOf,
  PhoneNumber,
  Plate,
  Priority,
  Timestamp,
  UserIdentity,
} from '../common.ts';
import { IncidentCategory } from './incident-report.ts';

const Reason = Type.String({ maxLength: 1000 });

/** The matter a command is about. */
const matterFields = {
  refKind: Type.Union([Type.Literal('alert'), Type.Literal('incident')]),
  refId: idOf('The alert or incident id.'),
};

const body = <T extends string, P extends Record<string, TSchema>>(
  type: T,
  properties: P,
  description: string,
) => Type.Object({ type: Type.Literal(type), ...properties }, { additionalProperties: false, description });

/** A 110 call-taker's form. */
export const CreateIncidentCommand = body(
  'create_incident',
  {
    incidentId: idOf('Chosen by the console (e.g. `inc-` + a UUID), so a retried command is one incident.'),
    category: IncidentCategory,
    priority: Priority,
    location: GeoPoint,
    address: Type.Optional(Type.String({ maxLength: 256 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    callerNumber: Type.Optional(PhoneNumber),
    plate: Type.Optional(Plate),
    externalRef: Type.Optional(Type.String({ maxLength: 128, description: 'CAD number of the call.' })),
  },
  'Create an incident from a call; it is routed like any other.',
);

export const AssignCommand = body(
  'assign',
  {
    ...matterFields,
    unitId: Id,
    instructions: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  'Send (another) unit to a matter.',
);

export const ReassignCommand = body(
  'reassign',
  {
    ...matterFields,
    orderId: idOf('The order to take away; it becomes `superseded`.'),
    unitId: idOf('The unit that gets the new order.'),
    reason: Type.Optional(Reason),
  },
  'Give an order to another unit.',
);

export const StandDownCommand = body(
  'stand_down',
  { ...matterFields, orderId: Id, unitId: Id, reason: Type.Optional(Reason) },
  "Cancel a unit's order; the unit is available again.",
);

export const CloseCommand = body(
  'close',
  { ...matterFields, reason: Type.Optional(Reason) },
  'Close a matter: its active orders are cancelled.',
);

export const StartPursuitCommand = body(
  'start_pursuit',
  {
    plate: Plate,
    location: Type.Optional(GeoPoint),
    nodeId: Type.Optional(Type.String({ maxLength: 64, description: 'Road-graph node last seen at.' })),
    seenAt: Type.Optional(Timestamp),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    incidentId: Type.Optional(idOf('The incident that started it, if any.')),
    reason: Type.Optional(Reason),
  },
  'Open a pursuit of a vehicle from where it was last seen.',
);

export const PursuitResult = Type.Union(
  [Type.Literal('captured'), Type.Literal('lost'), Type.Literal('cancelled')],
  { description: 'How the pursuit ended.' },
);
export type PursuitResult = Static<typeof PursuitResult>;

export const StopPursuitCommand = body(
  'stop_pursuit',
  { pursuitId: Id, plate: Plate, result: PursuitResult, reason: Type.Optional(Reason) },
  'End a pursuit: captured, lost or called off.',
);

export const WatchlistAddCommand = body(
  'watchlist_add',
  {
    plate: Plate,
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    until: Type.Optional(Timestamp),
  },
  'Put a plate on the watch list: a camera sighting of it opens a pursuit.',
);

export const WatchlistRemoveCommand = body(
  'watchlist_remove',
  { plate: Plate, reason: Type.Optional(Reason) },
  'Take a plate off the watch list.',
);

/** The body of an operator's command, told apart by `type`; what the console sends. */
export const OperatorCommandBody = Type.Union(
  [
    CreateIncidentCommand,
    AssignCommand,
    ReassignCommand,
    StandDownCommand,
    CloseCommand,
    StartPursuitCommand,
    StopPursuitCommand,
    WatchlistAddCommand,
    WatchlistRemoveCommand,
  ],
  { $id: 'OperatorCommandBody' },
);
export type OperatorCommandBody = Static<typeof OperatorCommandBody>;
export type OperatorCommandType = OperatorCommandBody['type'];
export const OPERATOR_COMMAND_TYPES: readonly OperatorCommandType[] = OperatorCommandBody.anyOf.map(
  (s) => s.properties.type.const,
);

/**
 * An operator's command with who issued it. Written by the gateway (which attaches `user` from the
 * token; clients never send it). Topic `operator.commands`, key {@link operatorCommandKey}.
 */
export const OperatorCommand = Type.Object(
  {
    version: ContractVersion,
    commandId: idOf('Chosen by the console (a UUID); a retried command keeps its id and is done once.'),
    issuedAt: Timestamp,
    user: UserIdentity,
    command: OperatorCommandBody,
  },
  { additionalProperties: false, $id: 'OperatorCommand' },
);
export type OperatorCommand = Static<typeof OperatorCommand>;

/**
 * The record key of a command: the matter it is about, so one matter's commands stay in order on
 * one partition. Alerts and incidents by their id (a new incident by its new id); pursuits and the
 * watch list by plate, so "add to watch list", "start pursuit" and "captured" for one vehicle keep
 * their order.
 */
export function operatorCommandKey(command: OperatorCommandBody): string {
  switch (command.type) {
    case 'create_incident':
      return command.incidentId;
    case 'assign':
    case 'reassign':
    case 'stand_down':
    case 'close':
      return command.refId;
    case 'start_pursuit':
    case 'stop_pursuit':
    case 'watchlist_add':
    case 'watchlist_remove':
      return command.plate;
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}
