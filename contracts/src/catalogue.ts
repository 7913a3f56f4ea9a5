/**
 * Binds every event contract to its codec, and every topic to its event and partition key.
 * Producers and consumers go through {@link bindingFor} so a topic can never carry the wrong shape.
 */
import { CityBasemap, DriveRoute, ResponseCircles, UnitRoster } from './city-map.ts';
import { type Codec, codec, discriminatedCodec } from './codec.ts';
import { Alert } from './events/alert.ts';
import { AuditEvent, AuditLogEntry } from './events/audit.ts';
import { DispatchAck, DispatchOrder } from './events/dispatch.ts';
import { FraudIndicator } from './events/fraud-indicator.ts';
import { IncidentReport } from './events/incident-report.ts';
import { InterceptionPlan } from './events/interception-plan.ts';
import { OperatorCommand, OperatorCommandBody, operatorCommandKey } from './events/operator-command.ts';
import { OutcomeLabel } from './events/outcome-label.ts';
import { RuleSet, ruleSetKey } from './events/rule-set.ts';
import { RuleVersionEvent } from './events/rule-version.ts';
import { TimelineEvent } from './events/timeline.ts';
import { UnitPosition, UnitStatus } from './events/unit.ts';
import { VehicleSighting } from './events/vehicle-sighting.ts';
import { WatchListEntry } from './events/watchlist.ts';
import {
  ApiError,
  IngestAccepted,
  LoginRequest,
  LoginResponse,
  ResidentContact,
  ResponseTimeSummary,
} from './http.ts';
import {
  InterceptionDryRunRequest,
  InterceptionDryRunResponse,
  InterceptionScenarioFile,
  InterceptionScenarioPlans,
} from './interception-dry-run.ts';
import { InterceptionSettings } from './rules/interception-settings.ts';
import {
  Backtest,
  BacktestList,
  BacktestRequest,
  CreateDraftRequest,
  PublishRequest,
  PublishResult,
  RollbackRequest,
  RuleDiff,
  RuleDraft,
  RuleDraftList,
  RuleSetList,
  RuleValidation,
  RuleVersionDetail,
  RuleVersionList,
  ShadowComparison,
  StopShadowRequest,
  UpdateDraftRequest,
} from './rules/rules-api.ts';
import type { ClientEventName, ClientEventPayload } from './socket/events.ts';
import {
  CommandRequest,
  OrderAckRequest,
  OutcomeRequest,
  Receipt,
  SnapshotRequest,
  SocketAuth,
  TokenRenewed,
  UnitStatusRequest,
} from './socket/payloads.ts';
import { Figures, LivePosition, Snapshot } from './socket/state.ts';
import { Topic, type TopicName } from './topics.ts';

export const Codecs = {
  FraudIndicator: discriminatedCodec('FraudIndicator', FraudIndicator, 'kind'),
  IncidentReport: codec('IncidentReport', IncidentReport),
  VehicleSighting: codec('VehicleSighting', VehicleSighting),
  UnitPosition: codec('UnitPosition', UnitPosition),
  UnitStatus: codec('UnitStatus', UnitStatus),
  Alert: codec('Alert', Alert),
  DispatchOrder: codec('DispatchOrder', DispatchOrder),
  DispatchAck: codec('DispatchAck', DispatchAck),
  InterceptionPlan: codec('InterceptionPlan', InterceptionPlan),
  OutcomeLabel: codec('OutcomeLabel', OutcomeLabel),
  RuleSet: discriminatedCodec('RuleSet', RuleSet, 'kind'),
  RuleVersionEvent: discriminatedCodec('RuleVersionEvent', RuleVersionEvent, 'type'),
  TimelineEvent: discriminatedCodec('TimelineEvent', TimelineEvent, 'type'),
  OperatorCommand: codec('OperatorCommand', OperatorCommand),
  WatchListEntry: codec('WatchListEntry', WatchListEntry),
  AuditEvent: codec('AuditEvent', AuditEvent),
  AuditLogEntry: codec('AuditLogEntry', AuditLogEntry),
  // HTTP bodies.
  ApiError: codec('ApiError', ApiError),
  IngestAccepted: codec('IngestAccepted', IngestAccepted),
  LoginRequest: codec('LoginRequest', LoginRequest),
  LoginResponse: codec('LoginResponse', LoginResponse),
  ResidentContact: codec('ResidentContact', ResidentContact),
  ResponseTimeSummary: codec('ResponseTimeSummary', ResponseTimeSummary),
  CityBasemap: codec('CityBasemap', CityBasemap),
  UnitRoster: codec('UnitRoster', UnitRoster),
  ResponseCircles: codec('ResponseCircles', ResponseCircles),
  DriveRoute: codec('DriveRoute', DriveRoute),
  InterceptionDryRunRequest: codec('InterceptionDryRunRequest', InterceptionDryRunRequest),
  InterceptionDryRunResponse: codec('InterceptionDryRunResponse', InterceptionDryRunResponse),
  // Files: interception settings on their own (a draft), scenario files and their plans.
  InterceptionSettings: codec('InterceptionSettings', InterceptionSettings),
  InterceptionScenarioFile: codec('InterceptionScenarioFile', InterceptionScenarioFile),
  InterceptionScenarioPlans: codec('InterceptionScenarioPlans', InterceptionScenarioPlans),
  // The rules service's HTTP bodies.
  RuleSetList: codec('RuleSetList', RuleSetList),
  RuleVersionList: codec('RuleVersionList', RuleVersionList),
  RuleVersionDetail: codec('RuleVersionDetail', RuleVersionDetail),
  RuleDraft: codec('RuleDraft', RuleDraft),
  RuleDraftList: codec('RuleDraftList', RuleDraftList),
  CreateDraftRequest: codec('CreateDraftRequest', CreateDraftRequest),
  UpdateDraftRequest: codec('UpdateDraftRequest', UpdateDraftRequest),
  RuleValidation: codec('RuleValidation', RuleValidation),
  PublishRequest: codec('PublishRequest', PublishRequest),
  RollbackRequest: codec('RollbackRequest', RollbackRequest),
  StopShadowRequest: codec('StopShadowRequest', StopShadowRequest),
  PublishResult: codec('PublishResult', PublishResult),
  RuleDiff: codec('RuleDiff', RuleDiff),
  BacktestRequest: codec('BacktestRequest', BacktestRequest),
  Backtest: codec('Backtest', Backtest),
  BacktestList: codec('BacktestList', BacktestList),
  ShadowComparison: codec('ShadowComparison', ShadowComparison),
  // Socket.IO payloads: client→server (validated by the gateway), then server→client.
  SocketAuth: codec('SocketAuth', SocketAuth),
  OrderAckRequest: codec('OrderAckRequest', OrderAckRequest),
  UnitStatusRequest: codec('UnitStatusRequest', UnitStatusRequest),
  CommandRequest: codec('CommandRequest', CommandRequest),
  OperatorCommandBody: discriminatedCodec('OperatorCommandBody', OperatorCommandBody, 'type'),
  OutcomeRequest: codec('OutcomeRequest', OutcomeRequest),
  SnapshotRequest: codec('SnapshotRequest', SnapshotRequest),
  Receipt: codec('Receipt', Receipt),
  TokenRenewed: codec('TokenRenewed', TokenRenewed),
  LivePosition: codec('LivePosition', LivePosition),
  Snapshot: codec('Snapshot', Snapshot),
  Figures: codec('Figures', Figures),
} as const;

export type ContractName = keyof typeof Codecs;

/** The event each topic carries. */
export interface TopicEventMap {
  [Topic.FraudIndicators]: FraudIndicator;
  [Topic.IncidentsReported]: IncidentReport;
  [Topic.VehiclesSighted]: VehicleSighting;
  [Topic.UnitsPositions]: UnitPosition;
  [Topic.UnitsStatus]: UnitStatus;
  [Topic.AlertsRaised]: Alert;
  [Topic.DispatchOrders]: DispatchOrder;
  [Topic.DispatchAcks]: DispatchAck;
  [Topic.InterceptionsPlans]: InterceptionPlan;
  [Topic.OutcomesLabelled]: OutcomeLabel;
  [Topic.RulesSets]: RuleSet;
  [Topic.RulesVersions]: RuleVersionEvent;
  [Topic.AlertsShadow]: Alert;
  [Topic.TimelineEvents]: TimelineEvent;
  [Topic.OperatorCommands]: OperatorCommand;
  [Topic.VehiclesWatchlist]: WatchListEntry;
  [Topic.AuditEvents]: AuditEvent;
  [Topic.AuditLog]: AuditLogEntry;
}

export interface TopicBinding<E> {
  readonly topic: TopicName;
  readonly codec: Codec<E>;
  /** The record key: events with the same key stay in order on one partition. */
  key(event: E): string;
}

type Bindings = { readonly [T in TopicName]: TopicBinding<TopicEventMap[T]> };

const bindings: Bindings = {
  [Topic.FraudIndicators]: {
    topic: Topic.FraudIndicators,
    codec: Codecs.FraudIndicator,
    key: (e) => e.subjectId,
  },
  [Topic.IncidentsReported]: {
    topic: Topic.IncidentsReported,
    codec: Codecs.IncidentReport,
    key: (e) => e.incidentId,
  },
  [Topic.VehiclesSighted]: {
    topic: Topic.VehiclesSighted,
    codec: Codecs.VehicleSighting,
    key: (e) => e.plate,
  },
  [Topic.UnitsPositions]: { topic: Topic.UnitsPositions, codec: Codecs.UnitPosition, key: (e) => e.unitId },
  [Topic.UnitsStatus]: { topic: Topic.UnitsStatus, codec: Codecs.UnitStatus, key: (e) => e.unitId },
  [Topic.AlertsRaised]: { topic: Topic.AlertsRaised, codec: Codecs.Alert, key: (e) => e.subjectId },
  [Topic.DispatchOrders]: { topic: Topic.DispatchOrders, codec: Codecs.DispatchOrder, key: (e) => e.unitId },
  [Topic.DispatchAcks]: { topic: Topic.DispatchAcks, codec: Codecs.DispatchAck, key: (e) => e.unitId },
  [Topic.InterceptionsPlans]: {
    topic: Topic.InterceptionsPlans,
    codec: Codecs.InterceptionPlan,
    key: (e) => e.pursuitId,
  },
  [Topic.OutcomesLabelled]: {
    topic: Topic.OutcomesLabelled,
    codec: Codecs.OutcomeLabel,
    key: (e) => e.alertId,
  },
  [Topic.RulesSets]: { topic: Topic.RulesSets, codec: Codecs.RuleSet, key: ruleSetKey },
  [Topic.RulesVersions]: {
    topic: Topic.RulesVersions,
    codec: Codecs.RuleVersionEvent,
    key: (e) => e.ruleSetId,
  },
  [Topic.AlertsShadow]: { topic: Topic.AlertsShadow, codec: Codecs.Alert, key: (e) => e.subjectId },
  [Topic.TimelineEvents]: { topic: Topic.TimelineEvents, codec: Codecs.TimelineEvent, key: (e) => e.refId },
  [Topic.OperatorCommands]: {
    topic: Topic.OperatorCommands,
    codec: Codecs.OperatorCommand,
    key: (e) => operatorCommandKey(e.command),
  },
  [Topic.VehiclesWatchlist]: {
    topic: Topic.VehiclesWatchlist,
    codec: Codecs.WatchListEntry,
    key: (e) => e.plate,
  },
  [Topic.AuditEvents]: { topic: Topic.AuditEvents, codec: Codecs.AuditEvent, key: (e) => e.service },
  [Topic.AuditLog]: { topic: Topic.AuditLog, codec: Codecs.AuditLogEntry, key: (e) => String(e.seq) },
};

export function bindingFor<T extends TopicName>(topic: T): TopicBinding<TopicEventMap[T]> {
  return bindings[topic];
}

/** The codec of each client→server Socket.IO payload: the gateway validates every emit with it. */
export const ClientEventCodecs: { readonly [E in ClientEventName]: Codec<ClientEventPayload<E>> } = {
  'order:ack': Codecs.OrderAckRequest,
  'unit:set-status': Codecs.UnitStatusRequest,
  'command:issue': Codecs.CommandRequest,
  'outcome:record': Codecs.OutcomeRequest,
  'snapshot:request': Codecs.SnapshotRequest,
  'auth:renew': Codecs.SocketAuth,
};
