/**
 * The topic catalogue: every Kafka topic Fenghuo uses, with its partition key, partition count,
 * cleanup policy and retention. `npm run infra:topics` creates exactly these (idempotently), and
 * every producer and consumer names topics through {@link Topic} rather than string literals.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type CleanupPolicy = 'delete' | 'compact';

/** The services that write or read topics. `audit-writer` appends `audit.events` to `audit.log`. */
export const SERVICE_NAMES = [
  'ingest',
  'fraud-scorer',
  'router',
  'interceptor',
  'rules',
  'gateway',
  'audit-writer',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Who owns a topic: the one service that owns the state it carries and writes it (others that
 * also produce to it only append people's inputs, which the owner applies), or `each producer`
 * for topics where every producer writes only its own records (audit events, dead letters).
 */
export type TopicOwner = ServiceName | 'each producer';

export interface TopicSpec {
  /** Kafka topic name. */
  readonly name: string;
  /** What the record key holds; records with the same key keep their order. */
  readonly key: string;
  /** Partition count: the ceiling on consumer instances sharing the topic. */
  readonly partitions: number;
  /** `compact` keeps the newest record per key forever; `delete` drops records after retention. */
  readonly cleanupPolicy: CleanupPolicy;
  /** Retention in milliseconds for `delete` topics; `-1` keeps records forever. */
  readonly retentionMs: number;
  /** The one service that owns the topic's state (see {@link TopicOwner}). */
  readonly owner: TopicOwner;
  /** Who writes and who reads, for the event catalogue. */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** The contract event carried (name in the contracts registry), or `dead-letter` for DLQs. */
  readonly event: string;
  readonly description: string;
}

export const Topic = {
  FraudIndicators: 'fraud.indicators',
  IncidentsReported: 'incidents.reported',
  VehiclesSighted: 'vehicles.sighted',
  UnitsPositions: 'units.positions',
  UnitsStatus: 'units.status',
  AlertsRaised: 'alerts.raised',
  DispatchOrders: 'dispatch.orders',
  DispatchAcks: 'dispatch.acks',
  InterceptionsPlans: 'interceptions.plans',
  OutcomesLabelled: 'outcomes.labelled',
  RulesSets: 'rules.sets',
  RulesVersions: 'rules.versions',
  AlertsShadow: 'alerts.shadow',
  TimelineEvents: 'timeline.events',
  OperatorCommands: 'operator.commands',
  VehiclesWatchlist: 'vehicles.watchlist',
  AuditEvents: 'audit.events',
  AuditLog: 'audit.log',
} as const;

export type TopicName = (typeof Topic)[keyof typeof Topic];

/** Suffix of the dead-letter topic that pairs with every consumed topic. */
export const DLQ_SUFFIX = '.dlq';

/** The dead-letter topic for `topic`, e.g. `fraud.indicators.dlq`. */
export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

const base: readonly TopicSpec[] = [
  {
    name: Topic.FraudIndicators,
    key: 'subjectId',
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'ingest',
    producers: ['ingest'],
    consumers: ['fraud-scorer', 'rules'],
    event: 'FraudIndicator',
    description:
      'Fraud indicators about a resident from banks, telecom operators and the anti-fraud app; kept 30 days for backtests.',
  },
  {
    name: Topic.IncidentsReported,
    key: 'incidentId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'ingest',
    producers: ['ingest', 'gateway'],
    consumers: ['router', 'interceptor', 'gateway'],
    event: 'IncidentReport',
    description:
      "110 calls, grid-worker and patrol reports of incidents (the gateway writes grid workers' and QR-form reports).",
  },
  {
    name: Topic.VehiclesSighted,
    key: 'plate',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'ingest',
    producers: ['ingest'],
    consumers: ['interceptor'],
    event: 'VehicleSighting',
    description: 'Road-camera sightings of vehicles; kept 30 days to replay pursuits.',
  },
  {
    name: Topic.UnitsPositions,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    owner: 'ingest',
    producers: ['ingest', 'gateway'],
    consumers: ['router', 'interceptor', 'gateway'],
    event: 'UnitPosition',
    description:
      "Officers' phone and vehicle positions (OsmAnd / Traccar Client); kept 7 days to replay pursuits.",
  },
  {
    name: Topic.UnitsStatus,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    owner: 'router',
    producers: ['router', 'gateway'],
    consumers: ['router', 'interceptor', 'gateway'],
    event: 'UnitStatus',
    description:
      "Unit availability, compacted to the latest per unit: the router's decisions, and officers' own changes that the gateway appends.",
  },
  {
    name: Topic.AlertsRaised,
    key: 'subjectId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    owner: 'fraud-scorer',
    producers: ['fraud-scorer'],
    consumers: ['router', 'gateway', 'rules'],
    event: 'Alert',
    description: 'Fraud early warnings, upgraded in place (same alert id) as evidence arrives.',
  },
  {
    name: Topic.AlertsShadow,
    key: 'subjectId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'fraud-scorer',
    producers: ['fraud-scorer'],
    consumers: ['rules'],
    event: 'Alert',
    description:
      'Alerts a shadow rule-set version would have raised on live traffic, scored beside the live version; never dispatched (nobody but the rules service reads them).',
  },
  {
    name: Topic.DispatchOrders,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    owner: 'router',
    producers: ['router'],
    consumers: ['gateway'],
    event: 'DispatchOrder',
    description:
      "Orders sending a unit or officer to an incident, alert or checkpoint (the interceptor's assignments become orders here), updated in place by revision.",
  },
  {
    name: Topic.DispatchAcks,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    owner: 'gateway',
    producers: ['gateway'],
    consumers: ['router'],
    event: 'DispatchAck',
    description:
      "Officers' answers to orders: accepted, refused, en route, on scene, completed (drives escalation).",
  },
  {
    name: Topic.InterceptionsPlans,
    key: 'pursuitId',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'interceptor',
    producers: ['interceptor'],
    consumers: ['router', 'gateway'],
    event: 'InterceptionPlan',
    description: 'Interception plans (checkpoints, assigned units, reach set), re-planned per sighting.',
  },
  {
    name: Topic.OutcomesLabelled,
    key: 'alertId',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    owner: 'gateway',
    producers: ['gateway'],
    consumers: ['rules', 'fraud-scorer', 'router'],
    event: 'OutcomeLabel',
    description: 'Outcomes of alerts (dissuaded, loss prevented, too late, false alarm) for backtests.',
  },
  {
    name: Topic.RulesSets,
    key: 'ruleSetId',
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    owner: 'rules',
    producers: ['rules'],
    consumers: ['fraud-scorer', 'router', 'interceptor'],
    event: 'RuleSet',
    description:
      'Published rule sets and settings of every kind; compacted so a starting processor reads the live version of each (and the shadow version of a fraud rule set, under `<ruleSetId>#shadow`).',
  },
  {
    name: Topic.RulesVersions,
    key: 'ruleSetId',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    owner: 'rules',
    producers: ['rules'],
    consumers: ['rules'],
    event: 'RuleVersionEvent',
    description:
      'Every version of every rule set and setting (immutable, with author, time, comment, parent and diff), drafts and shadow stops; kept forever, the rules service rebuilds its index from it.',
  },
  {
    name: Topic.TimelineEvents,
    key: 'refId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    owner: 'router',
    producers: ['router'],
    consumers: ['gateway'],
    event: 'TimelineEvent',
    description:
      "Each alert's, incident's and pursuit's timeline (raised, dispatched, acknowledged, escalated, … closed), in order per matter; kept a year for reports.",
  },
  {
    name: Topic.OperatorCommands,
    key: 'matter (alert or incident id; plate)',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    owner: 'gateway',
    producers: ['gateway'],
    consumers: ['router', 'interceptor'],
    event: 'OperatorCommand',
    description:
      "Operators' commands with who issued them: create incident, assign, reassign, stand down, close, pursuits, watch list.",
  },
  {
    name: Topic.VehiclesWatchlist,
    key: 'plate',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    owner: 'interceptor',
    producers: ['interceptor'],
    consumers: ['interceptor', 'gateway'],
    event: 'WatchListEntry',
    description:
      'The watch list of plates, compacted to the latest entry per plate (removals are entries too).',
  },
  {
    name: Topic.AuditEvents,
    key: 'service',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    owner: 'each producer',
    producers: ['ingest', 'fraud-scorer', 'router', 'interceptor', 'rules', 'gateway'],
    consumers: ['audit-writer'],
    event: 'AuditEvent',
    description:
      'Accountable actions of every service (logins, dispatches, acks, commands, outcomes, rule changes, denials).',
  },
  {
    name: Topic.AuditLog,
    key: 'seq',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    owner: 'audit-writer',
    producers: ['audit-writer'],
    consumers: [],
    event: 'AuditLogEntry',
    description:
      'The audit trail: every audit event once, in one partition, hash-chained (SHA-256) so a checker can prove nothing was changed or left out; kept forever.',
  },
];

const consumed = base.filter((t) => t.consumers.length > 0);

/** Every topic, including one dead-letter topic per consumed event topic. */
export const TOPICS: readonly TopicSpec[] = [
  ...base,
  ...consumed.map(
    (t): TopicSpec => ({
      name: dlqTopic(t.name),
      key: `original ${t.key}`,
      partitions: 1,
      cleanupPolicy: 'delete',
      retentionMs: 30 * DAY_MS,
      owner: 'each producer',
      producers: t.consumers,
      consumers: ['operators'],
      event: 'dead-letter',
      description: `Poison messages from ${t.name}, with the error in headers.`,
    }),
  ),
];

export function topicSpec(name: string): TopicSpec | undefined {
  return TOPICS.find((t) => t.name === name);
}
