/**
 * The escalation ladder: who is sent next when an order is not accepted in time, and how long each
 * rung waits. One versioned setting for every kind of matter the router tracks (fraud warnings,
 * incidents, checkpoints; complaint follow-ups and legal clocks later): a matter names its
 * `category` (which ladder it climbs) and its deadline `class` (how long each rung waits), both
 * plain keys, so a new kind of matter is a new entry, not a schema change. See docs/router.md.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, Id, Timestamp } from '../common.ts';
import { EscalationRung } from '../events/timeline.ts';

/** A key of a ladder or a deadline class: lower-case letters, digits and `_`. */
const LadderKey = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z][a-z0-9_]*$' });

const Seconds = Type.Number({ exclusiveMinimum: 0, maximum: 366 * 24 * 3600 });

/** One rung of a ladder: who is sent at this step, and optionally its own deadline. */
export const LadderRung = Type.Object(
  {
    rung: EscalationRung,
    deadlineSec: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 366 * 24 * 3600,
        description: "Acknowledgement deadline at this rung; the matter's class deadline when absent.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type LadderRung = Static<typeof LadderRung>;

/**
 * A published escalation ladder. The router applies the newest version of its configured rule-set
 * id (`ROUTER_LADDER_ID`); its built-in ladder takes the deadlines from `ROUTER_ACK_DEADLINES_SEC`.
 * Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const EscalationLadderSet = Type.Object(
  {
    version: ContractVersion,
    kind: Type.Literal('escalation_ladder'),
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    publishedAt: Timestamp,
    publishedBy: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    deadlinesSec: Type.Record(LadderKey, Seconds, {
      minProperties: 1,
      maxProperties: 64,
      description:
        'Acknowledgement deadline per class, in seconds: `p1`…`p4` (incidents by priority, checkpoints), `notice`, `warning`, `urgent` (fraud warnings by level); other matters add their own classes.',
    }),
    ladders: Type.Record(LadderKey, Type.Array(LadderRung, { minItems: 1, maxItems: 16 }), {
      minProperties: 1,
      maxProperties: 64,
      description:
        'Rungs per matter category, climbed one per missed deadline or refusal: `alert` (officer → duty desk → patrol → district → city), `incident`, `interception`; other matters add their own.',
    }),
  },
  { additionalProperties: false, $id: 'EscalationLadderSet' },
);
export type EscalationLadderSet = Static<typeof EscalationLadderSet>;
