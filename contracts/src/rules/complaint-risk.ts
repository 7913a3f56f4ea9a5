/**
 * Complaint-risk rules: after an incident is resolved, how likely is it to come back as a complaint
 * or petition? The same rule language as the fraud rules (weighted rules whose conditions are
 * ANDed, `any` for OR), run by the shared engine, over a resolved incident's **case** instead of a
 * resident's indicators. The case's fields:
 *
 * - `category` — the incident's category (`neighbour_dispute`, `family_dispute`, …);
 * - `outcome` — the officer's outcome (`resolved`, `unresolved`, `referred`), absent when not given;
 * - `satisfaction` — the caller's satisfaction as recorded (`satisfied`, `neutral`, `dissatisfied`);
 * - `repeatCalls` — other incidents reported from the same address within `repeatWindowDays`;
 * - `priority` — the incident's priority (1 most urgent).
 *
 * A case's score is the sum of the weights of the rules that hold; its level is `high` at
 * `thresholds.high`, `medium` at `thresholds.medium`, else `low`; a level at or above `followUpAt`
 * opens one complaint follow-up for the station's duty desk with the rules' reasons. See docs/rules.md.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, Id, Timestamp } from '../common.ts';

/** The fields of a resolved incident's case that complaint-risk conditions read. */
export const COMPLAINT_CASE_FIELDS = [
  'category',
  'outcome',
  'satisfaction',
  'repeatCalls',
  'priority',
] as const;
export type ComplaintCaseField = (typeof COMPLAINT_CASE_FIELDS)[number];

const CaseField = Type.Union(
  COMPLAINT_CASE_FIELDS.map((f) => Type.Literal(f)),
  { description: "A field of the resolved incident's case." },
);

/** A condition on one field of the case (the fraud rules' `eq`/`neq`, `in`/`nin`, comparisons and `exists`). */
export const CaseFieldCondition = Type.Union([
  Type.Object(
    {
      op: Type.Union([Type.Literal('eq'), Type.Literal('neq')]),
      field: CaseField,
      value: Type.Union([Type.String({ maxLength: 64 }), Type.Number()]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Union([Type.Literal('in'), Type.Literal('nin')]),
      field: CaseField,
      values: Type.Array(Type.Union([Type.String({ maxLength: 64 }), Type.Number()]), {
        minItems: 1,
        maxItems: 100,
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Union([Type.Literal('gt'), Type.Literal('gte'), Type.Literal('lt'), Type.Literal('lte')]),
      field: CaseField,
      value: Type.Number(),
    },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('exists'), field: CaseField }, { additionalProperties: false }),
]);
export type CaseFieldCondition = Static<typeof CaseFieldCondition>;

export const CaseCondition = Type.Union([
  ...CaseFieldCondition.anyOf,
  Type.Object(
    { op: Type.Literal('any'), of: Type.Array(CaseFieldCondition, { minItems: 2, maxItems: 16 }) },
    { additionalProperties: false },
  ),
]);
export type CaseCondition = Static<typeof CaseCondition>;

export const ComplaintRiskLevel = Type.Union(
  [Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')],
  { description: 'Risk that the resolved incident comes back as a complaint or petition.' },
);
export type ComplaintRiskLevel = Static<typeof ComplaintRiskLevel>;

export const ComplaintRiskRule = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    weight: Type.Number({ minimum: -1000, maximum: 1000, description: 'Score added when the rule holds.' }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    when: Type.Array(CaseCondition, { minItems: 1, maxItems: 16, description: 'All must hold (AND).' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description:
        'The reason the follow-up shows. Placeholders: {repeatCalls} {windowDays} {category} {outcome} {satisfaction}.',
    }),
  },
  { additionalProperties: false },
);
export type ComplaintRiskRule = Static<typeof ComplaintRiskRule>;

/**
 * A published complaint-risk rule set; the router applies the newest version of its configured id
 * (`ROUTER_COMPLAINT_RISK_ID`). Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const ComplaintRiskSet = Type.Object(
  {
    version: ContractVersion,
    kind: Type.Literal('complaint_risk'),
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    publishedAt: Timestamp,
    publishedBy: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    repeatWindowDays: Type.Number({
      exclusiveMinimum: 0,
      maximum: 366,
      description:
        'Calls from the same address within this many days before the resolution count as repeats.',
    }),
    thresholds: Type.Object(
      {
        medium: Type.Number({ description: 'Least score of a medium risk.' }),
        high: Type.Number({ description: 'Least score of a high risk (at least `medium`).' }),
      },
      { additionalProperties: false },
    ),
    followUpAt: Type.Union([Type.Literal('medium'), Type.Literal('high')], {
      description: 'The least level that opens a complaint follow-up.',
    }),
    rules: Type.Array(ComplaintRiskRule, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false, $id: 'ComplaintRiskSet' },
);
export type ComplaintRiskSet = Static<typeof ComplaintRiskSet>;
