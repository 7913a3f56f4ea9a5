/**
 * HTTP bodies of the rules service (`/api/rules/*` on port 8082, reached by people through the
 * gateway): rule sets and their versions, drafts, validation, diffs, publishing, backtests and the
 * shadow comparison. Errors are `ApiError` bodies; a draft that fails validation gets 400 with one
 * `details` entry per problem (`path` into the content, `reason`).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Actor, BilingualText, Id, Timestamp } from '../common.ts';
import { AlertLevel } from '../events/alert.ts';
import { RuleSet } from '../events/rule-set.ts';
import { RuleChannel, RuleDiffEntry } from '../events/rule-version.ts';
import { FieldError } from '../http.ts';

const Count = Type.Integer({ minimum: 0 });
const VersionNumber = Type.Integer({ minimum: 1 });
const Comment = Type.String({ minLength: 1, maxLength: 2000 });

/** One version as listed (without its content). */
export const RuleVersionSummary = Type.Object(
  {
    ruleSetId: Id,
    kind: Type.String({ maxLength: 64, description: 'The rule set kind (`fraud`, …).' }),
    ruleSetVersion: VersionNumber,
    channel: RuleChannel,
    author: Actor,
    createdAt: Timestamp,
    comment: Type.String({ maxLength: 2000 }),
    parentVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    rollbackOf: Type.Optional(VersionNumber),
    draftId: Type.Optional(Id),
    changes: Type.Integer({ minimum: 0, description: 'Entries in the diff against the parent.' }),
  },
  { additionalProperties: false },
);
export type RuleVersionSummary = Static<typeof RuleVersionSummary>;

/** `GET /api/rules/sets/:ruleSetId/versions/:version`: one version, whole. */
export const RuleVersionDetail = Type.Object(
  {
    ...RuleVersionSummary.properties,
    content: RuleSet,
    diff: Type.Array(RuleDiffEntry),
    diffTruncated: Type.Optional(Type.Boolean()),
    live: Type.Boolean({ description: 'This version is the live one now.' }),
    shadow: Type.Boolean({ description: 'This version runs in shadow now.' }),
  },
  { additionalProperties: false, $id: 'RuleVersionDetail' },
);
export type RuleVersionDetail = Static<typeof RuleVersionDetail>;

/** A rule set as listed: its live and shadow versions and how many versions and drafts it has. */
export const RuleSetSummary = Type.Object(
  {
    ruleSetId: Id,
    kind: Type.String({ maxLength: 64 }),
    liveVersion: Type.Optional(VersionNumber),
    shadowVersion: Type.Optional(VersionNumber),
    latestVersion: Type.Integer({ minimum: 0 }),
    versions: Count,
    drafts: Count,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type RuleSetSummary = Static<typeof RuleSetSummary>;

/** `GET /api/rules/sets`. */
export const RuleSetList = Type.Object(
  { sets: Type.Array(RuleSetSummary) },
  { additionalProperties: false, $id: 'RuleSetList' },
);
export type RuleSetList = Static<typeof RuleSetList>;

/** `GET /api/rules/sets/:ruleSetId/versions`, newest first. */
export const RuleVersionList = Type.Object(
  { ruleSetId: Id, versions: Type.Array(RuleVersionSummary) },
  { additionalProperties: false, $id: 'RuleVersionList' },
);
export type RuleVersionList = Static<typeof RuleVersionList>;

/** A draft: editable content on its way to becoming a version. */
export const RuleDraft = Type.Object(
  {
    draftId: Id,
    ruleSetId: Id,
    kind: Type.String({ maxLength: 64 }),
    baseVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    createdBy: Actor,
    createdAt: Timestamp,
    updatedBy: Actor,
    updatedAt: Timestamp,
    content: RuleSet,
  },
  { additionalProperties: false, $id: 'RuleDraft' },
);
export type RuleDraft = Static<typeof RuleDraft>;

/** `GET /api/rules/drafts`: open drafts (without content), newest first. */
export const RuleDraftList = Type.Object(
  {
    drafts: Type.Array(
      Type.Object(
        {
          draftId: Id,
          ruleSetId: Id,
          kind: Type.String({ maxLength: 64 }),
          baseVersion: Type.Optional(Type.Integer({ minimum: 0 })),
          comment: Type.Optional(Type.String({ maxLength: 2000 })),
          updatedBy: Actor,
          updatedAt: Timestamp,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'RuleDraftList' },
);
export type RuleDraftList = Static<typeof RuleDraftList>;

/**
 * `POST /api/rules/drafts`: a draft from a version of a rule set (`ruleSetId` + `fromVersion`;
 * `fromVersion` defaults to the live one), or a new rule set from `content`.
 */
export const CreateDraftRequest = Type.Object(
  {
    ruleSetId: Type.Optional(Id),
    fromVersion: Type.Optional(VersionNumber),
    content: Type.Optional(RuleSet),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, $id: 'CreateDraftRequest' },
);
export type CreateDraftRequest = Static<typeof CreateDraftRequest>;

/** `PUT /api/rules/drafts/:draftId`: the draft's new content (its `ruleSetId` and `kind` stay). */
export const UpdateDraftRequest = Type.Object(
  { content: RuleSet, comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false, $id: 'UpdateDraftRequest' },
);
export type UpdateDraftRequest = Static<typeof UpdateDraftRequest>;

/**
 * `POST /api/rules/validate` (any content) and `POST /api/rules/drafts/:draftId/validate`: 200 with
 * this when valid; 400 `ApiError` with every problem otherwise. Warnings do not stop a publish.
 */
export const RuleValidation = Type.Object(
  { valid: Type.Literal(true), warnings: Type.Array(FieldError) },
  { additionalProperties: false, $id: 'RuleValidation' },
);
export type RuleValidation = Static<typeof RuleValidation>;

/**
 * `POST /api/rules/drafts/:draftId/publish` and `…/shadow`. A draft whose base is no longer the
 * live version is refused (409 `draft_stale`: it would undo what was published since) unless `force`.
 */
export const PublishRequest = Type.Object(
  {
    comment: Comment,
    force: Type.Optional(
      Type.Boolean({ description: 'Publish even if the live version moved since the draft.' }),
    ),
  },
  { additionalProperties: false, $id: 'PublishRequest' },
);
export type PublishRequest = Static<typeof PublishRequest>;

/**
 * `POST /api/rules/sets/:ruleSetId/rollback`: publish `toVersion`'s content again, live, as a new
 * version (also how a shadow version is promoted).
 */
export const RollbackRequest = Type.Object(
  { toVersion: VersionNumber, comment: Comment },
  { additionalProperties: false, $id: 'RollbackRequest' },
);
export type RollbackRequest = Static<typeof RollbackRequest>;

/** `POST /api/rules/sets/:ruleSetId/shadow/stop`. */
export const StopShadowRequest = Type.Object(
  { comment: Type.Optional(Comment) },
  { additionalProperties: false, $id: 'StopShadowRequest' },
);
export type StopShadowRequest = Static<typeof StopShadowRequest>;

/** 201/200 answer of publish, shadow, rollback and stop: the version now in force on that channel. */
export const PublishResult = Type.Object(
  {
    ruleSetId: Id,
    ruleSetVersion: VersionNumber,
    channel: RuleChannel,
    publishedAt: Timestamp,
    active: Type.Boolean({ description: 'False after a shadow stop.' }),
  },
  { additionalProperties: false, $id: 'PublishResult' },
);
export type PublishResult = Static<typeof PublishResult>;

/** `GET /api/rules/sets/:ruleSetId/diff?from=&to=`: structural diff of two versions (or a draft). */
export const RuleDiff = Type.Object(
  {
    ruleSetId: Id,
    from: Type.String({ maxLength: 160, description: 'Version number, or `draft:<draftId>`.' }),
    to: Type.String({ maxLength: 160 }),
    changes: Type.Array(RuleDiffEntry),
  },
  { additionalProperties: false, $id: 'RuleDiff' },
);
export type RuleDiff = Static<typeof RuleDiff>;

// Backtests.

/** What a backtest runs: a draft, or a version of a rule set. */
export const BacktestCandidate = Type.Object(
  {
    draftId: Type.Optional(Id),
    ruleSetId: Type.Optional(Id),
    version: Type.Optional(VersionNumber),
  },
  {
    additionalProperties: false,
    description: 'A draft (`draftId`), or a version (`ruleSetId` + `version`).',
  },
);
export type BacktestCandidate = Static<typeof BacktestCandidate>;

/**
 * `POST /api/rules/backtests`: run `candidate` and the baseline (the live version, or `against`)
 * side by side over the `fraud.indicators` recorded in [`from`, `to`) (broker time).
 * `POST /api/rules/backtests/upload?draftId=…` takes NDJSON indicators as the body instead.
 */
export const BacktestRequest = Type.Object(
  {
    candidate: BacktestCandidate,
    against: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Baseline version; default the live one.' }),
    ),
    from: Timestamp,
    to: Timestamp,
  },
  { additionalProperties: false, $id: 'BacktestRequest' },
);
export type BacktestRequest = Static<typeof BacktestRequest>;

export const BacktestStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('cancelled'),
  Type.Literal('failed'),
]);
export type BacktestStatus = Static<typeof BacktestStatus>;

/** Figures of labelled alerts: the join with `outcomes.labelled`. */
const LabelFigures = {
  alerts: Count,
  labelled: Type.Integer({ minimum: 0, description: 'Alerts with an outcome label.' }),
  confirmed: Type.Integer({ minimum: 0, description: 'Labelled other than false alarm.' }),
  falseAlarms: Count,
  precision: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'confirmed ÷ labelled.' })),
  lossesPreventedCny: Type.Number({
    minimum: 0,
    description: 'Sum of `amountSaved` of dissuaded and loss-prevented outcomes.',
  }),
  lossesCny: Type.Number({ minimum: 0, description: 'Sum of `lossAmount` of too-late outcomes.' }),
};

export const BacktestRuleFigures = Type.Object(
  { ruleId: Id, name: Type.String({ maxLength: 200 }), ...LabelFigures },
  { additionalProperties: false },
);
export type BacktestRuleFigures = Static<typeof BacktestRuleFigures>;

export const BacktestLevelFigures = Type.Object(
  { level: AlertLevel, ...LabelFigures },
  { additionalProperties: false, description: 'By the highest level each alert reached.' },
);
export type BacktestLevelFigures = Static<typeof BacktestLevelFigures>;

/** Alerts on one day (UTC, from `raisedAt`) in one grid cell: an officer's workload. */
export const CellDayLoad = Type.Object(
  {
    day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    gridCellId: Type.String({ maxLength: 128, description: '`(none)` for alerts without a cell.' }),
    alerts: Count,
  },
  { additionalProperties: false },
);
export type CellDayLoad = Static<typeof CellDayLoad>;

/** What one version did over the backtest's events. */
export const BacktestVersionFigures = Type.Object(
  {
    ruleSetId: Id,
    ruleSetVersion: Type.Integer({ minimum: 0 }),
    label: Type.String({ maxLength: 200, description: 'e.g. `v7 (live)`, `draft d-…`.' }),
    alerts: Type.Integer({ minimum: 0, description: 'Distinct alerts raised.' }),
    revisions: Count,
    byLevel: Type.Object({ notice: Count, warning: Count, urgent: Count }, { additionalProperties: false }),
    workload: Type.Object(
      {
        cellDays: Type.Integer({ minimum: 0, description: 'Distinct (day, cell) pairs with an alert.' }),
        meanPerCellDay: Type.Number({ minimum: 0 }),
        maxPerCellDay: Count,
        busiest: Type.Array(CellDayLoad, { maxItems: 200, description: 'Busiest (day, cell) pairs first.' }),
      },
      { additionalProperties: false },
    ),
    outcomes: Type.Object(LabelFigures, { additionalProperties: false }),
    byRule: Type.Array(BacktestRuleFigures),
    byLevelOutcome: Type.Array(BacktestLevelFigures),
  },
  { additionalProperties: false },
);
export type BacktestVersionFigures = Static<typeof BacktestVersionFigures>;

/** An alert one version raised and the other did not (for that resident and time), with why. */
export const BacktestAlertChange = Type.Object(
  {
    subjectId: Id,
    alertId: Id,
    level: AlertLevel,
    score: Type.Number({ minimum: 0 }),
    raisedAt: Timestamp,
    gridCellId: Type.Optional(Id),
    rulesFired: Type.Array(Id),
    reason: BilingualText,
    why: Type.String({
      maxLength: 1000,
      description: 'What the other version did for this resident then, in a sentence.',
    }),
    outcome: Type.Optional(Type.String({ maxLength: 32, description: 'Its outcome label, when joined.' })),
  },
  { additionalProperties: false },
);
export type BacktestAlertChange = Static<typeof BacktestAlertChange>;

export const BacktestReport = Type.Object(
  {
    events: Count,
    labels: Type.Integer({ minimum: 0, description: 'Outcome labels joined.' }),
    firstEventAt: Type.Optional(Timestamp),
    lastEventAt: Type.Optional(Timestamp),
    elapsedMs: Type.Number({ minimum: 0 }),
    eventsPerSec: Type.Number({ minimum: 0 }),
    candidate: BacktestVersionFigures,
    baseline: BacktestVersionFigures,
    added: Type.Array(BacktestAlertChange, {
      maxItems: 1000,
      description: 'Alerts only the candidate raised.',
    }),
    dropped: Type.Array(BacktestAlertChange, {
      maxItems: 1000,
      description: 'Alerts only the baseline raised.',
    }),
    addedTotal: Count,
    droppedTotal: Count,
  },
  { additionalProperties: false },
);
export type BacktestReport = Static<typeof BacktestReport>;

/** A backtest as listed and as polled (`GET /api/rules/backtests/:backtestId`). */
export const Backtest = Type.Object(
  {
    backtestId: Id,
    status: BacktestStatus,
    createdBy: Actor,
    createdAt: Timestamp,
    finishedAt: Type.Optional(Timestamp),
    source: Type.Union([
      Type.Object(
        { kind: Type.Literal('kafka'), from: Timestamp, to: Timestamp },
        { additionalProperties: false },
      ),
      Type.Object({ kind: Type.Literal('upload'), bytes: Count }, { additionalProperties: false }),
    ]),
    candidate: Type.String({ maxLength: 200 }),
    baseline: Type.String({ maxLength: 200 }),
    progress: Type.Object(
      {
        events: Count,
        total: Type.Optional(Count),
        fraction: Type.Number({ minimum: 0, maximum: 1 }),
      },
      { additionalProperties: false },
    ),
    error: Type.Optional(Type.String({ maxLength: 2000 })),
    report: Type.Optional(BacktestReport),
  },
  { additionalProperties: false, $id: 'Backtest' },
);
export type Backtest = Static<typeof Backtest>;

/** `GET /api/rules/backtests`: kept backtests without their reports, newest first. */
export const BacktestList = Type.Object(
  { backtests: Type.Array(Type.Omit(Backtest, ['report'])) },
  { additionalProperties: false, $id: 'BacktestList' },
);
export type BacktestList = Static<typeof BacktestList>;

// Shadow.

const ChannelFigures = Type.Object(
  {
    versions: Type.Array(Type.Integer({ minimum: 0 }), { description: 'Rule-set versions seen.' }),
    alerts: Type.Integer({ minimum: 0, description: 'Distinct alerts.' }),
    subjects: Count,
    byLevel: Type.Object({ notice: Count, warning: Count, urgent: Count }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/**
 * `GET /api/rules/sets/:ruleSetId/shadow?hours=N`: the shadow version's alerts beside the live ones
 * over the last hours (from `alerts.shadow` and `alerts.raised`), by resident.
 */
export const ShadowComparison = Type.Object(
  {
    ruleSetId: Id,
    shadowVersion: Type.Optional(VersionNumber),
    liveVersion: Type.Optional(VersionNumber),
    since: Timestamp,
    until: Timestamp,
    live: ChannelFigures,
    shadow: ChannelFigures,
    bothSubjects: Type.Integer({ minimum: 0, description: 'Residents alerted by both.' }),
    onlyLive: Type.Integer({ minimum: 0, description: 'Residents alerted by live only.' }),
    onlyShadow: Type.Integer({ minimum: 0, description: 'Residents alerted by shadow only.' }),
    examples: Type.Array(
      Type.Object(
        {
          subjectId: Id,
          live: Type.Optional(Type.Object({ level: AlertLevel, score: Type.Number() })),
          shadow: Type.Optional(Type.Object({ level: AlertLevel, score: Type.Number() })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'Residents where they differ (level or presence).' },
    ),
  },
  { additionalProperties: false, $id: 'ShadowComparison' },
);
export type ShadowComparison = Static<typeof ShadowComparison>;
