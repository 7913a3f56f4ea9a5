import { type Static, Type } from '@sinclair/typebox';
import { BilingualText, ContractVersion, FraudType, GeoPoint, Id, Timestamp } from '../common.ts';

export const AlertLevel = Type.Union([
  Type.Literal('notice'),
  Type.Literal('warning'),
  Type.Literal('urgent'),
]);
export type AlertLevel = Static<typeof AlertLevel>;

/** Ordered from least to most severe. */
export const ALERT_LEVELS: readonly AlertLevel[] = ['notice', 'warning', 'urgent'];

export const FiredRule = Type.Object(
  {
    ruleId: Id,
    name: Type.String({ maxLength: 200 }),
    fraudType: FraudType,
    weight: Type.Number(),
    firedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type FiredRule = Static<typeof FiredRule>;

export const Evidence = Type.Object(
  {
    eventId: Type.String({ maxLength: 128 }),
    kind: Type.String({ maxLength: 32, description: 'Indicator kind, or `aggregate` for a window figure.' }),
    occurredAt: Timestamp,
    ruleId: Type.Optional(Id),
    summary: BilingualText,
    values: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
        description: 'Masked values and window aggregates behind the evidence.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Evidence = Static<typeof Evidence>;

/**
 * An anti-fraud early warning about one resident. The alert id is deterministic, and an open alert is
 * upgraded in place (same id, higher `revision`) as evidence arrives. Topic `alerts.raised`, key `subjectId`.
 */
export const Alert = Type.Object(
  {
    version: ContractVersion,
    alertId: Id,
    revision: Type.Integer({ minimum: 1 }),
    subjectId: Id,
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    level: AlertLevel,
    score: Type.Number({ minimum: 0 }),
    fraudType: FraudType,
    raisedAt: Timestamp,
    updatedAt: Timestamp,
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    rulesFired: Type.Array(FiredRule, { minItems: 1 }),
    evidence: Type.Array(Evidence),
    reason: BilingualText,
    script: BilingualText,
    location: Type.Optional(GeoPoint),
    gridCellId: Type.Optional(Id),
    officerId: Type.Optional(Id),
  },
  { additionalProperties: false, $id: 'Alert' },
);
export type Alert = Static<typeof Alert>;
