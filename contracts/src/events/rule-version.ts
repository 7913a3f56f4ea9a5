/**
 * The history of every rule set and setting, kept forever: topic `rules.versions` (one partition,
 * key `ruleSetId`, no retention limit), written by the rules service alone and read back by it to
 * rebuild its index. `rules.sets` (compacted) stays the live pointer the processors follow; this topic
 * is the record of how each rule set got there.
 *
 * Every event names who did it and when. A published version is immutable: a roll back publishes an
 * older version's content again as a new version, so version numbers only go up. Drafts are kept
 * here too (each save is an event) so any instance of the service sees the same drafts.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Actor, ContractVersion, Id, idOf, Timestamp, variantsOf } from '../common.ts';
import { RuleSet } from './rule-set.ts';

/** Where a published version runs: live (the processors' rule set) or in shadow beside it. */
export const RuleChannel = Type.Union([Type.Literal('live'), Type.Literal('shadow')], {
  description:
    '`live`: the rule set processors run; `shadow`: scored beside it, alerts to `alerts.shadow` only.',
});
export type RuleChannel = Static<typeof RuleChannel>;

/** Most entries a stored diff keeps; a longer one is cut and marked `diffTruncated`. */
export const MAX_DIFF_ENTRIES = 500;

/**
 * One change between two rule-set contents. Paths are dotted field paths; an array of objects with
 * an `id` (rules) is addressed by id (`rules[authority-sms].weight`), an array of plain values
 * (keywords, list entries) as a set (`add`/`remove` of one element at the array's path), other
 * arrays by index (`rules[call-app].steps[1].kind`).
 */
export const RuleDiffEntry = Type.Object(
  {
    op: Type.Union([Type.Literal('add'), Type.Literal('remove'), Type.Literal('change')]),
    path: Type.String({ maxLength: 512 }),
    before: Type.Optional(Type.Unknown({ description: 'Value before (`remove`, `change`).' })),
    after: Type.Optional(Type.Unknown({ description: 'Value after (`add`, `change`).' })),
  },
  { additionalProperties: false },
);
export type RuleDiffEntry = Static<typeof RuleDiffEntry>;

const eventFields = {
  version: ContractVersion,
  eventId: idOf('Unique per event.'),
  at: Timestamp,
  ruleSetId: Id,
  actor: Actor,
  correlationId: Type.Optional(
    Type.String({ maxLength: 128, description: 'The request id that led to it.' }),
  ),
};

const Comment = Type.String({ maxLength: 2000 });

/** A draft created or edited: its whole content, as saved (schema-valid, semantically checked). */
export const RuleDraftSaved = Type.Object(
  {
    ...eventFields,
    type: Type.Literal('draft_saved'),
    draftId: Id,
    baseVersion: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The version it was drafted from; absent for a new set.' }),
    ),
    comment: Type.Optional(Comment),
    content: RuleSet,
  },
  { additionalProperties: false, description: 'A draft created or edited.' },
);
export type RuleDraftSaved = Static<typeof RuleDraftSaved>;

export const RuleDraftDiscarded = Type.Object(
  { ...eventFields, type: Type.Literal('draft_discarded'), draftId: Id },
  { additionalProperties: false, description: 'A draft thrown away (it is no longer listed).' },
);
export type RuleDraftDiscarded = Static<typeof RuleDraftDiscarded>;

/**
 * A new version, published live or as shadow. `content` is exactly what went to `rules.sets`
 * (with this `ruleSetVersion`, `publishedAt`, `publishedBy`); `diff` is against `parentVersion`.
 */
export const RuleVersionPublished = Type.Object(
  {
    ...eventFields,
    type: Type.Literal('published'),
    ruleSetVersion: Type.Integer({ minimum: 1 }),
    channel: RuleChannel,
    parentVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "The version this one was made from (the draft's base; for a roll back, the live version it replaces).",
      }),
    ),
    rollbackOf: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Set on a roll back (or promotion): the version whose content this republishes.',
      }),
    ),
    draftId: Type.Optional(Id),
    comment: Comment,
    content: RuleSet,
    diff: Type.Array(RuleDiffEntry, { maxItems: MAX_DIFF_ENTRIES }),
    diffTruncated: Type.Optional(Type.Boolean({ description: 'More changes than `diff` holds.' })),
  },
  { additionalProperties: false, description: 'A version published (live, shadow, or a roll back).' },
);
export type RuleVersionPublished = Static<typeof RuleVersionPublished>;

export const RuleShadowStopped = Type.Object(
  {
    ...eventFields,
    type: Type.Literal('shadow_stopped'),
    ruleSetVersion: Type.Integer({ minimum: 1, description: 'The shadow version that stopped.' }),
    comment: Type.Optional(Comment),
  },
  { additionalProperties: false, description: 'A shadow run stopped (the scorer drops it).' },
);
export type RuleShadowStopped = Static<typeof RuleShadowStopped>;

/** Topic `rules.versions`, key `ruleSetId`: the rules service's history, told apart by `type`. */
export const RuleVersionEvent = variantsOf(
  [RuleDraftSaved, RuleDraftDiscarded, RuleVersionPublished, RuleShadowStopped],
  { $id: 'RuleVersionEvent' },
);
export type RuleVersionEvent = Static<typeof RuleVersionEvent>;
export type RuleVersionEventType = RuleVersionEvent['type'];
