/**
 * The timeline of each matter (a fraud warning, an incident, a pursuit): every step the console
 * shows, in order. The router writes it alone, from what it decides and what it consumes (alerts,
 * incidents, plans, acknowledgements, status changes, outcome labels, operators' commands).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  Actor,
  AmountCny,
  ContractVersion,
  FraudType,
  GeoPoint,
  Id,
  idOf,
  Plate,
  Priority,
  Timestamp,
} from '../common.ts';
import { AlertLevel } from './alert.ts';
import { IncidentCategory } from './incident-report.ts';
import { IncidentOutcome, Outcome, Satisfaction } from './outcome-label.ts';
import { UnitKind } from './unit.ts';

export const RefKind = Type.Union(
  [Type.Literal('alert'), Type.Literal('incident'), Type.Literal('pursuit')],
  {
    description: 'What kind of matter `refId` names.',
  },
);
export type RefKind = Static<typeof RefKind>;

/** Fields of every timeline entry. */
const entryFields = {
  eventId: idOf(
    'Deterministic from what caused it (e.g. `<refId>:dispatched:<orderId>`), so a replayed decision is one entry.',
  ),
  refKind: RefKind,
  refId: idOf('The alert, incident or pursuit id; the record key.'),
  at: Timestamp,
  gridCellId: Type.Optional(Id),
  stationId: Type.Optional(idOf('Station whose area holds the matter (operators see their region).')),
  actor: Type.Optional(Actor),
};

/** The matter's legal clock (a protection order), for the console's countdown. */
const StatutoryDeadline = Type.Optional(
  Type.String({
    format: 'date-time',
    maxLength: 40,
    description: "The matter's statutory deadline (a protection order must be decided by then).",
  }),
);

/** Fields of entries about one order. */
const orderFields = {
  orderId: Id,
  unitId: Id,
};

const entry = <T extends string, P extends Record<string, TSchema>>(
  type: T,
  properties: P,
  description: string,
) =>
  Type.Object(
    { version: ContractVersion, type: Type.Literal(type), ...entryFields, ...properties },
    { additionalProperties: false, description },
  );

export const TimelineRaised = entry(
  'raised',
  {
    revision: Type.Optional(
      Type.Integer({ minimum: 1, description: "The alert's revision: a later one is an upgrade." }),
    ),
    level: Type.Optional(AlertLevel),
    fraudType: Type.Optional(FraudType),
    category: Type.Optional(IncidentCategory),
    priority: Type.Optional(Priority),
    plate: Type.Optional(Plate),
    location: Type.Optional(GeoPoint),
    summary: Type.Optional(Type.String({ maxLength: 1000, description: 'One line the console shows.' })),
    statutoryDeadline: StatutoryDeadline,
    followUpOf: Type.Optional(idOf('A complaint follow-up: the resolved incident it follows.')),
    riskScore: Type.Optional(
      Type.Number({ description: "A complaint follow-up: the incident's risk score." }),
    ),
    riskLevel: Type.Optional(
      Type.String({ maxLength: 32, description: 'A complaint follow-up: the risk level.' }),
    ),
    reasons: Type.Optional(
      Type.Array(Type.String({ maxLength: 500 }), {
        maxItems: 32,
        description: 'A complaint follow-up: why the incident is at risk of a complaint (one line per rule).',
      }),
    ),
  },
  'A fraud warning raised (or upgraded), an incident reported or created, a pursuit opened, a complaint follow-up opened.',
);

export const TimelineDispatched = entry(
  'dispatched',
  {
    ...orderFields,
    revision: Type.Optional(Type.Integer({ minimum: 1, description: "The order's revision." })),
    officerId: Type.Optional(Id),
    unitKind: Type.Optional(UnitKind),
    etaSec: Type.Optional(Type.Number({ minimum: 0 })),
    ackDeadline: Type.Optional(Timestamp),
    escalationLevel: Type.Integer({ minimum: 0 }),
    supersedes: Type.Optional(idOf('The order this one replaces (escalation, reassignment).')),
    statutoryDeadline: StatutoryDeadline,
  },
  'An order went to a unit (by the router, or by an operator: then `actor`).',
);

export const TimelineAcknowledged = entry('acknowledged', orderFields, 'The officer accepted the order.');

export const TimelineRefused = entry(
  'refused',
  { ...orderFields, reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  'The officer refused the order.',
);

export const EscalationRung = Type.Union(
  [
    Type.Literal('officer', { description: 'The responsible officer or unit.' }),
    Type.Literal('duty_desk', { description: "The station's duty desk." }),
    Type.Literal('patrol', { description: 'The nearest available patrol unit.' }),
    Type.Literal('district', { description: 'The district command.' }),
    Type.Literal('city', { description: 'The city command centre.' }),
  ],
  { description: 'Rung of the escalation ladder the matter reached.' },
);
export type EscalationRung = Static<typeof EscalationRung>;

export const EscalationReason = Type.Union(
  [
    Type.Literal('no_ack', { description: 'No acceptance before the deadline.' }),
    Type.Literal('refused'),
    Type.Literal('unavailable', { description: 'The unit went off duty or stopped reporting.' }),
    Type.Literal('operator', { description: 'An operator escalated it.' }),
  ],
  { description: 'Why it escalated.' },
);
export type EscalationReason = Static<typeof EscalationReason>;

export const TimelineEscalated = entry(
  'escalated',
  {
    orderId: idOf('The order that was not acknowledged in time, or refused.'),
    unitId: Type.Optional(Id),
    escalationLevel: Type.Integer({ minimum: 1 }),
    rung: Type.Optional(EscalationRung),
    reason: EscalationReason,
    deadline: Type.Optional(Timestamp),
    statutoryDeadline: StatutoryDeadline,
  },
  'The matter climbed the escalation ladder; a `dispatched` entry for the next unit follows.',
);

export const TimelineEnRoute = entry(
  'en_route',
  { ...orderFields, etaSec: Type.Optional(Type.Number({ minimum: 0 })) },
  'The unit is on its way.',
);

export const TimelineOnScene = entry('on_scene', orderFields, 'The unit arrived.');

export const TimelineStoodDown = entry(
  'stood_down',
  { ...orderFields, reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  'An operator stood the unit down; its order is cancelled.',
);

export const TimelineResolved = entry(
  'resolved',
  {
    orderId: Type.Optional(Id),
    unitId: Type.Optional(Id),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  'The unit reported the job done.',
);

export const TimelineIncidentResolved = entry(
  'incident.resolved',
  {
    orderId: Type.Optional(idOf('The order whose completion resolved the incident.')),
    unitId: Type.Optional(Id),
    category: Type.Optional(IncidentCategory),
    outcome: Type.Optional(IncidentOutcome),
    satisfaction: Type.Optional(Satisfaction),
    address: Type.Optional(
      Type.String({ maxLength: 500, description: "The incident's address, as reported." }),
    ),
    location: Type.Optional(GeoPoint),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  "An incident's last order was completed: the officer's outcome and the caller's satisfaction (complaint risk is judged on it).",
);

export const TimelineOutcome = entry(
  'outcome',
  {
    outcome: Outcome,
    amountSaved: Type.Optional(AmountCny),
    lossAmount: Type.Optional(AmountCny),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  'The officer recorded what came of a fraud warning (from `outcomes.labelled`).',
);

export const CloseReason = Type.Union(
  [
    Type.Literal('resolved', { description: 'The job is done.' }),
    Type.Literal('outcome', { description: 'A fraud warning got its outcome.' }),
    Type.Literal('expired', { description: 'An alert not upgraded for its time to live.' }),
    Type.Literal('operator', { description: 'An operator closed it.' }),
    Type.Literal('captured', { description: 'A pursuit ended with the vehicle stopped.' }),
    Type.Literal('lost', { description: 'A pursuit ended with the vehicle lost.' }),
    Type.Literal('cancelled', { description: 'A pursuit was called off.' }),
    Type.Literal('duplicate', { description: 'The same matter as another one.' }),
  ],
  { description: 'Why the matter closed.' },
);
export type CloseReason = Static<typeof CloseReason>;

export const TimelineClosed = entry(
  'closed',
  { reason: CloseReason, note: Type.Optional(Type.String({ maxLength: 2000 })) },
  'The matter is over; no more entries follow.',
);

/**
 * One step of a matter's timeline, told apart by `type`. Written by the router alone.
 * Topic `timeline.events`, key `refId` (so one matter's entries stay in order).
 */
export const TimelineEvent = Type.Union(
  [
    TimelineRaised,
    TimelineDispatched,
    TimelineAcknowledged,
    TimelineRefused,
    TimelineEscalated,
    TimelineEnRoute,
    TimelineOnScene,
    TimelineStoodDown,
    TimelineResolved,
    TimelineIncidentResolved,
    TimelineOutcome,
    TimelineClosed,
  ],
  { $id: 'TimelineEvent' },
);
export type TimelineEvent = Static<typeof TimelineEvent>;
export type TimelineEventType = TimelineEvent['type'];
export const TIMELINE_EVENT_TYPES: readonly TimelineEventType[] = TimelineEvent.anyOf.map(
  (s) => s.properties.type.const,
);
