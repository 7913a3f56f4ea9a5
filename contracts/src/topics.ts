/**
 * The topic catalogue: every Kafka topic Fenghuo uses, with its partition key, partition count,
 * cleanup policy and retention. `npm run infra:topics` creates exactly these (idempotently), and
 * every producer and consumer names topics through {@link Topic} rather than string literals.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type CleanupPolicy = 'delete' | 'compact';

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
    retentionMs: 7 * DAY_MS,
    producers: ['ingest'],
    consumers: ['fraud-scorer'],
    event: 'FraudIndicator',
    description: 'Fraud indicators about a resident from banks, telecom operators and the anti-fraud app.',
  },
  {
    name: Topic.IncidentsReported,
    key: 'incidentId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    producers: ['ingest'],
    consumers: ['router'],
    event: 'IncidentReport',
    description: '110 calls, grid-worker and patrol reports of incidents.',
  },
  {
    name: Topic.VehiclesSighted,
    key: 'plate',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    producers: ['ingest'],
    consumers: ['interceptor'],
    event: 'VehicleSighting',
    description: 'Road-camera sightings of vehicles.',
  },
  {
    name: Topic.UnitsPositions,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 1 * DAY_MS,
    producers: ['ingest', 'gateway'],
    consumers: ['router', 'interceptor', 'gateway'],
    event: 'UnitPosition',
    description: "Officers' phone and vehicle positions (OsmAnd / Traccar Client).",
  },
  {
    name: Topic.UnitsStatus,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['gateway'],
    consumers: ['router', 'interceptor', 'gateway'],
    event: 'UnitStatus',
    description: 'Unit availability (available, busy, off duty); compacted to the latest per unit.',
  },
  {
    name: Topic.AlertsRaised,
    key: 'subjectId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    producers: ['fraud-scorer'],
    consumers: ['router', 'gateway'],
    event: 'Alert',
    description: 'Fraud early warnings, upgraded in place (same alert id) as evidence arrives.',
  },
  {
    name: Topic.DispatchOrders,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    producers: ['router', 'interceptor'],
    consumers: ['gateway'],
    event: 'DispatchOrder',
    description: 'Orders sending a unit or officer to an incident, alert or checkpoint.',
  },
  {
    name: Topic.DispatchAcks,
    key: 'unitId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY_MS,
    producers: ['gateway'],
    consumers: ['router'],
    event: 'DispatchAck',
    description: 'Acknowledgements, refusals and arrivals for dispatch orders (drives escalation).',
  },
  {
    name: Topic.InterceptionsPlans,
    key: 'pursuitId',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    producers: ['interceptor'],
    consumers: ['gateway'],
    event: 'InterceptionPlan',
    description: 'Interception plans (checkpoints, assigned units, reach set), re-planned per sighting.',
  },
  {
    name: Topic.OutcomesLabelled,
    key: 'alertId',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    producers: ['gateway'],
    consumers: ['rules', 'fraud-scorer'],
    event: 'OutcomeLabel',
    description: 'Outcomes of alerts (dissuaded, loss prevented, too late, false alarm) for backtests.',
  },
  {
    name: Topic.RulesSets,
    key: 'ruleSetId',
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['rules'],
    consumers: ['fraud-scorer', 'router', 'interceptor'],
    event: 'RuleSet',
    description: 'Published rule sets; compacted so a starting processor reads the live version of each.',
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
