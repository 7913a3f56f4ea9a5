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
 * A legal clock: matters of a category must be decided within a statutory time. The matter carries
 * the absolute `statutoryDeadline`; each rung waits at most an even share of the time left before
 * `marginSec` ahead of that deadline, so the last rung is reached no later than the margin before
 * the clock runs out.
 */
export const StatutoryClock = Type.Object(
  {
    deadlineSec: Type.Number({
      exclusiveMinimum: 0,
      maximum: 366 * 24 * 3600,
      description: 'Statutory time from the signal, in seconds (72 h = 259200 for a protection order).',
    }),
    urgentDeadlineSec: Type.Number({
      exclusiveMinimum: 0,
      maximum: 366 * 24 * 3600,
      description: 'Statutory time when the matter is urgent (priority 1), in seconds (24 h = 86400).',
    }),
    marginSec: Type.Number({
      minimum: 0,
      maximum: 366 * 24 * 3600,
      description: 'The top rung (city command) is reached at least this long before the deadline.',
    }),
  },
  { additionalProperties: false },
);
export type StatutoryClock = Static<typeof StatutoryClock>;

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
        'Rungs per matter category, climbed one per missed deadline or refusal: `alert` (officer → duty desk → patrol → district → city), `incident`, `interception`, `protection_order`, `complaint_followup`; other matters add their own.',
    }),
    statutoryClocks: Type.Optional(
      Type.Record(LadderKey, StatutoryClock, {
        maxProperties: 64,
        description:
          'Legal clocks per matter category (`protection_order`): the statutory time and the safety margin before it by which the top rung is reached.',
      }),
    ),
  },
  { additionalProperties: false, $id: 'EscalationLadderSet' },
);
export type EscalationLadderSet = Static<typeof EscalationLadderSet>;
