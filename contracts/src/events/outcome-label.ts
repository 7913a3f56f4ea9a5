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
