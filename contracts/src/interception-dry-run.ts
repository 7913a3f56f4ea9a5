/**
 * The interception settings dry run (`POST /api/interception/dry-run` on the interceptor, reached
 * through the gateway): an analyst's draft settings and the live ones plan the same recorded
 * pursuits (sightings and unit positions read back from Kafka) and scenario files, side by side.
 * Also the scenario file format that `npm run plan:interception` reads.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Id, Plate, Timestamp } from './common.ts';
import { InterceptionSettings } from './rules/interception-settings.ts';

const GraphNodeId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "A node id of the scenario's graph.",
});

/** One pursuit to plan: where the fugitive set off, how late the centre knew, the units and their start nodes. */
export const InterceptionScenario = Type.Object(
  {
    id: Id,
    fugitiveStart: GraphNodeId,
    reportDelayS: Type.Number({
      minimum: 0,
      description: 'Seconds between the fugitive leaving and units setting off.',
    }),
    horizonS: Type.Number({ exclusiveMinimum: 0, description: 'Planning horizon in seconds.' }),
    headingDeg: Type.Optional(
      Type.Number({ minimum: 0, maximum: 360, description: "The fugitive's heading, if known." }),
    ),
    units: Type.Array(Type.Object({ id: Id, start: GraphNodeId }, { additionalProperties: false }), {
      minItems: 0,
      maxItems: 1000,
    }),
  },
  // Scenario files may carry more (notes, expected results): only these fields are read.
  { additionalProperties: true },
);
export type InterceptionScenario = Static<typeof InterceptionScenario>;

/** A file of scenarios on one graph (the format of `winterswijk-scenarios.json`). */
export const InterceptionScenarioFile = Type.Object(
  {
    graph: Type.Optional(
      Type.String({ maxLength: 256, description: 'The graph file the node ids belong to.' }),
    ),
    scenarios: Type.Array(InterceptionScenario, { maxItems: 10_000 }),
  },
  { additionalProperties: true, $id: 'InterceptionScenarioFile' },
);
export type InterceptionScenarioFile = Static<typeof InterceptionScenarioFile>;

/** Plans for a scenario file: each unit at most one checkpoint node (what `plan:interception` writes). */
export const InterceptionScenarioPlans = Type.Object(
  {
    plans: Type.Array(
      Type.Object(
        {
          id: Id,
          checkpoints: Type.Array(
            Type.Object({ unit: Id, node: GraphNodeId }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'InterceptionScenarioPlans' },
);
export type InterceptionScenarioPlans = Static<typeof InterceptionScenarioPlans>;

/** A recorded pursuit to replay: the sightings of a plate between two times. */
export const RecordedPursuitRef = Type.Object(
  {
    plate: Plate,
    from: Timestamp,
    to: Timestamp,
  },
  { additionalProperties: false },
);
export type RecordedPursuitRef = Static<typeof RecordedPursuitRef>;

/** `POST /api/interception/dry-run`: a draft of the settings and what to try it on. */
export const InterceptionDryRunRequest = Type.Object(
  {
    draft: InterceptionSettings,
    pursuits: Type.Optional(Type.Array(RecordedPursuitRef, { maxItems: 20 })),
    scenarios: Type.Optional(
      Type.Array(InterceptionScenario, {
        maxItems: 200,
        description: "Scenarios on the interceptor's city graph (node ids of its pack).",
      }),
    ),
  },
  { additionalProperties: false, $id: 'InterceptionDryRunRequest' },
);
export type InterceptionDryRunRequest = Static<typeof InterceptionDryRunRequest>;

/** How one settings version did on one pursuit or scenario. */
export const DryRunFigures = Type.Object(
  {
    plans: Type.Integer({ minimum: 0, description: 'Plans made (one per sighting of a recorded pursuit).' }),
    coveredShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Mean share of likely routes covered.',
    }),
    laterSightingsCovered: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'Recorded pursuits: share of later sightings that some checkpoint of an earlier plan held in time.',
      }),
    ),
    planMsP50: Type.Number({ minimum: 0 }),
    planMsMax: Type.Number({ minimum: 0 }),
    checkpoints: Type.Array(Type.Object({ unit: Id, node: GraphNodeId }, { additionalProperties: false }), {
      description: 'The checkpoints of the first plan.',
    }),
  },
  { additionalProperties: false },
);
export type DryRunFigures = Static<typeof DryRunFigures>;

const SettingsRef = Type.Object(
  { ruleSetId: Id, ruleSetVersion: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** 200 answer of the dry run: the draft next to the live settings, per item and overall. */
export const InterceptionDryRunResponse = Type.Object(
  {
    live: SettingsRef,
    draft: SettingsRef,
    results: Type.Array(
      Type.Object(
        {
          source: Type.Union([Type.Literal('pursuit'), Type.Literal('scenario')]),
          id: Type.String({ minLength: 1, maxLength: 128, description: 'Scenario id, or `<plate>@<from>`.' }),
          live: DryRunFigures,
          draft: DryRunFigures,
          note: Type.Optional(
            Type.String({ maxLength: 1000, description: 'Why an item could not be planned.' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    summary: Type.Object(
      {
        live: Type.Object(
          { coveredShare: Type.Number(), planMsP50: Type.Number(), planMsMax: Type.Number() },
          { additionalProperties: false },
        ),
        draft: Type.Object(
          { coveredShare: Type.Number(), planMsP50: Type.Number(), planMsMax: Type.Number() },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'InterceptionDryRunResponse' },
);
export type InterceptionDryRunResponse = Static<typeof InterceptionDryRunResponse>;
