/**
 * The fraud rule language: JSON that analysts write and the fraud scorer runs. A rule set holds
 * keyword sets, allow/deny lists, score thresholds per alert level and rules of three kinds:
 * `match` (one indicator), `window` (an aggregate over a subject's recent indicators) and
 * `sequence` (indicators in order within a time span). A `textModel` condition asks a learned text
 * model (a versioned file the rule set references by id and hash) how likely a text is to be fraud.
 * Conditions of a predicate are ANDed; an `any` condition ORs field conditions. Allow-listed
 * indicators are ignored; deny-listed ones lift the alert to at least `denyLevel`. See docs/rules.md.
 */
import { type Static, Type } from '@sinclair/typebox';
import { BilingualText, ContractVersion, FraudType, Id, Timestamp } from '../common.ts';

/** Id of a text model, as the rule set's `textModels` lists it. */
const TextModelId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  description: "Id of a text model listed in the rule set's `textModels`.",
});

/**
 * A text model a rule set uses: a versioned file the scorer loads by id and version and checks by
 * its SHA-256 (the rule set on Kafka stays small; a changed or missing file stops the rule set from
 * compiling, and the one in force stays).
 */
export const TextModelRef = Type.Object(
  {
    id: TextModelId,
    version: Type.Integer({ minimum: 1, description: 'Version of the model file.' }),
    sha256: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: "SHA-256 of the model file's bytes, lower-case hex.",
    }),
  },
  { additionalProperties: false },
);
export type TextModelRef = Static<typeof TextModelRef>;

const Field = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$',
  description: 'Dot path into the indicator, e.g. `amount` or `location.lat`.',
});

/** A condition on one field of an indicator. All conditions of a predicate must hold (AND). */
export const FieldCondition = Type.Union([
  Type.Object(
    {
      op: Type.Union([Type.Literal('eq'), Type.Literal('neq')]),
      field: Field,
      value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Union([Type.Literal('in'), Type.Literal('nin')]),
      field: Field,
      values: Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1, maxItems: 10_000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Union([Type.Literal('gt'), Type.Literal('gte'), Type.Literal('lt'), Type.Literal('lte')]),
      field: Field,
      value: Type.Number(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Literal('regex'),
      field: Field,
      pattern: Type.String({ minLength: 1, maxLength: 1000 }),
      flags: Type.Optional(Type.String({ pattern: '^[imsu]*$' })),
      negate: Type.Optional(
        Type.Boolean({
          description:
            'Holds when the text does NOT match (the field must still be text), e.g. a marketing rule that does not apply to a text with a look-alike link.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Literal('keywords'),
      field: Field,
      set: Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Name of a keyword set of the rule set.',
      }),
      minMatches: Type.Integer({
        minimum: 0,
        default: 1,
        description: 'Least number of distinct keywords of the set that must occur.',
      }),
      maxMatches: Type.Optional(
        Type.Integer({
          minimum: 0,
          description:
            'Most distinct keywords allowed; `minMatches: 0, maxMatches: 0` means none of the set.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      op: Type.Literal('listed'),
      field: Field,
      list: Type.Union([Type.Literal('numbers'), Type.Literal('payees'), Type.Literal('apps')]),
      in: Type.Union([Type.Literal('deny'), Type.Literal('allow')]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('exists'), field: Field }, { additionalProperties: false }),
  Type.Object(
    {
      op: Type.Literal('textModel'),
      field: Field,
      model: TextModelId,
      minScore: Type.Number({
        minimum: 0,
        maximum: 1,
        description: "Least calibrated fraud probability the model gives the field's text.",
      }),
      maxScore: Type.Optional(
        Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'The probability must be below this (rules on texts the model finds ordinary).',
        }),
      ),
      types: Type.Optional(
        Type.Array(FraudType, {
          minItems: 1,
          maxItems: 32,
          description: "The model's most likely fraud type for the text must be one of these.",
        }),
      ),
      minTypeShare: Type.Optional(
        Type.Number({
          minimum: 0,
          maximum: 1,
          description:
            'Least share of the fraud probability the model gives its most likely type (how sure it is of the type, not of fraud).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
]);
export type FieldCondition = Static<typeof FieldCondition>;

/** OR: holds when at least one of its field conditions holds (one level deep, no nesting). */
export const AnyCondition = Type.Object(
  {
    op: Type.Literal('any'),
    of: Type.Array(FieldCondition, { minItems: 2, maxItems: 32 }),
  },
  { additionalProperties: false },
);
export type AnyCondition = Static<typeof AnyCondition>;

export const Condition = Type.Union([...FieldCondition.anyOf, AnyCondition]);
export type Condition = Static<typeof Condition>;

/** Which indicators a rule (or a sequence step) looks at: a kind and conditions that must all hold. */
export const IndicatorPredicate = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('call'),
      Type.Literal('sms'),
      Type.Literal('app_install'),
      Type.Literal('transfer'),
      Type.Literal('report'),
    ]),
    where: Type.Array(Condition, { maxItems: 32, default: [] }),
  },
  { additionalProperties: false },
);
export type IndicatorPredicate = Static<typeof IndicatorPredicate>;

const ruleFields = {
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  fraudType: FraudType,
  weight: Type.Number({ minimum: -1000, maximum: 1000, description: 'Score added when the rule fires.' }),
  typeWeight: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1000,
      description:
        "Weight the rule gives its fraudType when the alert's type is chosen (the type with the most weight among the rules fired); default: weight when positive, else 0.",
    }),
  ),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  explain: Type.Optional(
    Type.Object(BilingualText.properties, {
      additionalProperties: false,
      description:
        'Reason phrase for alerts, in place of the generated one. Placeholders: {count} {sum} {distinct} ' +
        '{spanMin} {number} {payee} {app} {amount} {keywords} (numbers and accounts are masked).',
    }),
  ),
};

export const MatchRule = Type.Object(
  { ...ruleFields, kind: Type.Literal('match'), when: IndicatorPredicate },
  { additionalProperties: false },
);
export type MatchRule = Static<typeof MatchRule>;

export const WindowRule = Type.Object(
  {
    ...ruleFields,
    kind: Type.Literal('window'),
    when: IndicatorPredicate,
    aggregate: Type.Union([Type.Literal('count'), Type.Literal('sum'), Type.Literal('distinct')]),
    /** Field summed (`sum`) or counted once per value (`distinct`); required for both. */
    field: Type.Optional(Field),
    windowMin: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 24 * 60 }),
    op: Type.Union([Type.Literal('gt'), Type.Literal('gte')]),
    threshold: Type.Number(),
  },
  { additionalProperties: false },
);
export type WindowRule = Static<typeof WindowRule>;

export const SequenceRule = Type.Object(
  {
    ...ruleFields,
    kind: Type.Literal('sequence'),
    steps: Type.Array(IndicatorPredicate, { minItems: 2, maxItems: 8 }),
    withinMin: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 24 * 60 }),
  },
  { additionalProperties: false },
);
export type SequenceRule = Static<typeof SequenceRule>;

export const FraudRule = Type.Union([MatchRule, WindowRule, SequenceRule]);
export type FraudRule = Static<typeof FraudRule>;

const StringList = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
  maxItems: 100_000,
  default: [],
});
export const RuleLists = Type.Object(
  { numbers: StringList, payees: StringList, apps: StringList },
  { additionalProperties: false },
);
export type RuleLists = Static<typeof RuleLists>;

/** A published set of fraud rules. Topic `rules.sets` (compacted), key `ruleSetId`. */
export const FraudRuleSet = Type.Object(
  {
    version: ContractVersion,
    kind: Type.Literal('fraud'),
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    publishedAt: Timestamp,
    publishedBy: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    shadow: Type.Optional(
      Type.Object(
        {
          active: Type.Boolean({
            description: '`false` stops the shadow run: the scorer drops it and scores live only.',
          }),
        },
        {
          additionalProperties: false,
          description:
            'Only on a shadow version: published under its own key (`<ruleSetId>#shadow`, see `ruleSetKey`) so it ' +
            'never replaces the live one; the scorer runs it beside the live version on live traffic, with its ' +
            'own state, and writes its alerts to `alerts.shadow` only (never dispatched).',
        },
      ),
    ),
    levels: Type.Object(
      { notice: Type.Number(), warning: Type.Number(), urgent: Type.Number() },
      { additionalProperties: false, description: 'Minimum score for each alert level.' },
    ),
    cooldownMin: Type.Number({
      minimum: 0,
      description: 'No new alert for a subject this long after an outcome.',
    }),
    denyLevel: Type.Optional(
      Type.Union([Type.Literal('notice'), Type.Literal('warning'), Type.Literal('urgent')], {
        default: 'warning',
        description:
          'Lowest alert level for a subject with an indicator whose number, payee or app is on the deny list.',
      }),
    ),
    alertTtlMin: Type.Number({
      exclusiveMinimum: 0,
      description: 'An open alert not upgraded this long closes.',
    }),
    textModels: Type.Optional(
      Type.Array(TextModelRef, {
        maxItems: 8,
        description: 'Text models that `textModel` conditions use, by id, version and hash.',
      }),
    ),
    keywordSets: Type.Record(
      Type.String({ maxLength: 64 }),
      Type.Array(Type.String({ minLength: 1, maxLength: 64 })),
    ),
    lists: Type.Object({ allow: RuleLists, deny: RuleLists }, { additionalProperties: false }),
    scripts: Type.Partial(
      Type.Record(FraudType, BilingualText, { description: 'Dissuasion script per fraud type.' }),
    ),
    rules: Type.Array(FraudRule, { maxItems: 1000 }),
  },
  { additionalProperties: false, $id: 'FraudRuleSet' },
);
export type FraudRuleSet = Static<typeof FraudRuleSet>;
