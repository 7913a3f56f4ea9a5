import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, Id, Timestamp } from '../common.ts';

export const Outcome = Type.Union([
  Type.Literal('dissuaded'),
  Type.Literal('loss_prevented'),
  Type.Literal('too_late'),
  Type.Literal('false_alarm'),
]);
export type Outcome = Static<typeof Outcome>;

/**
 * What came of an alert; labels for backtests and cooldowns, and the end of the alert's timeline.
 * Written by the gateway when an officer records it (`labelledBy` is their username).
 * Topic `outcomes.labelled`, key `alertId`.
 */
export const OutcomeLabel = Type.Object(
  {
    version: ContractVersion,
    eventId: Id,
    alertId: Id,
    subjectId: Id,
    outcome: Outcome,
    lossAmount: Type.Optional(Type.Number({ minimum: 0, description: 'CNY lost, when too late.' })),
    amountSaved: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1e12,
        description: 'CNY the resident kept (the transfer stopped), when dissuaded or loss prevented.',
      }),
    ),
    labelledBy: Id,
    labelledAt: Timestamp,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, $id: 'OutcomeLabel' },
);
export type OutcomeLabel = Static<typeof OutcomeLabel>;

export const IncidentOutcome = Type.Union(
  [
    Type.Literal('resolved', { description: 'The matter was settled on the spot.' }),
    Type.Literal('unresolved', { description: 'The parties or the problem remain; it may come back.' }),
    Type.Literal('referred', { description: 'Handed to another body (court, mediation, social services).' }),
  ],
  { description: 'What came of an incident, as the officer judged it.' },
);
export type IncidentOutcome = Static<typeof IncidentOutcome>;

export const Satisfaction = Type.Union(
  [Type.Literal('satisfied'), Type.Literal('neutral'), Type.Literal('dissatisfied')],
  { description: 'How satisfied the caller seemed with the handling, as the officer recorded it.' },
);
export type Satisfaction = Static<typeof Satisfaction>;

/** The officer's record of an incident's outcome, sent with the `completed` answer. */
export const IncidentResolution = Type.Object(
  { outcome: IncidentOutcome, satisfaction: Type.Optional(Satisfaction) },
  { additionalProperties: false },
);
export type IncidentResolution = Static<typeof IncidentResolution>;
