/** Router configuration, parsed once at start; a bad value stops the service naming its variable. */
import {
  ConfigError,
  type ConfigOf,
  field,
  kafkaConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from '@fenghuo/kit';

export const ROUTER_SUMMARY =
  "sends every fraud warning to the officer of its cell and every incident to the units that arrive first by drive time, turns interception plans into orders, escalates what is not acknowledged in time and writes every matter's timeline";

export const DEFAULT_ACK_DEADLINES = [
  'p1=60',
  'p2=120',
  'p3=300',
  'p4=600',
  'urgent=120',
  'warning=300',
  'notice=900',
  'protection_order=14400',
  'complaint_followup=28800',
];

export const routerConfigSpec = {
  ...kafkaConfig,
  ...redisConfig,
  ...logConfig,
  groupId: field.string({
    env: 'ROUTER_GROUP_ID',
    doc: "Consumer group on the router's input topics",
    default: 'router',
  }),
  ackDeadlines: field.list({
    env: 'ROUTER_ACK_DEADLINES_SEC',
    doc: 'Acknowledgement deadline in seconds per class (p1–p4 by priority, notice/warning/urgent by alert level, protection_order and complaint_followup per rung) of the built-in escalation ladder; classes not named keep their default',
    default: DEFAULT_ACK_DEADLINES,
  }),
  ladderId: field.string({
    env: 'ROUTER_LADDER_ID',
    doc: 'Rule-set id of the escalation ladder taken from rules.sets (the built-in ladder until one arrives)',
    default: 'escalation-ladder',
  }),
  complaintRiskId: field.string({
    env: 'ROUTER_COMPLAINT_RISK_ID',
    doc: 'Rule-set id of the complaint-risk rules taken from rules.sets (the built-in set until one arrives); resolved incidents at risk get one follow-up for the duty desk',
    default: 'complaint-risk',
  }),
  staleAfterSec: field.int({
    env: 'ROUTER_STALE_AFTER_SEC',
    doc: 'A unit whose phone has not reported for this long is stale and not offered',
    default: 300,
    min: 1,
  }),
  unseenUnits: field.oneOf({
    env: 'ROUTER_UNSEEN_UNITS',
    doc: 'Units that never reported a position: `home` offers them at their post (a city without phones still dispatches), `skip` never offers them',
    values: ['home', 'skip'],
    default: 'home',
  }),
  cityPack: field.string({
    env: 'ROUTER_CITY_PACK',
    doc: 'Folder of the city pack (roads, cells, units); the default generated city when empty',
    default: '',
    defaultDoc: '(.local/city/default)',
  }),
  traffic: field.oneOf({
    env: 'ROUTER_TRAFFIC',
    doc: 'Speed profile of drive times: `urban` (arterials slower in the rush hours) or `free` (free flow)',
    values: ['urban', 'free'],
    default: 'urban',
  }),
  utcOffsetHours: field.number({
    env: 'ROUTER_UTC_OFFSET_HOURS',
    doc: "The city's offset from UTC, for the hour of day of the speed profile",
    default: 8,
    min: -12,
    max: 14,
  }),
  recommend: field.int({
    env: 'ROUTER_RECOMMEND',
    doc: 'Units recommended per incident (fastest first by drive time)',
    default: 3,
    min: 1,
    max: 10,
  }),
  candidatePool: field.int({
    env: 'ROUTER_CANDIDATE_POOL',
    doc: 'Available units read from Redis GEO per decision (nearest by air, then ranked by drive time)',
    default: 100,
    min: 1,
    max: 5000,
  }),
  searchRadiusKm: field.number({
    env: 'ROUTER_SEARCH_RADIUS_KM',
    doc: 'Radius of that read',
    default: 50,
    min: 0.1,
  }),
  deadlinePollMs: field.int({
    env: 'ROUTER_DEADLINE_POLL_MS',
    doc: 'How often each instance looks for passed deadlines and queued incidents in Redis',
    default: 500,
    min: 10,
  }),
  deadlineLeaseSec: field.int({
    env: 'ROUTER_DEADLINE_LEASE_SEC',
    doc: 'A claimed deadline returns to the queue after this long if its instance died before finishing it',
    default: 30,
    min: 1,
  }),
  ackReadWaitSec: field.int({
    env: 'ROUTER_ACK_READ_WAIT_SEC',
    doc: "A due acknowledgement deadline escalates only once the router group has read dispatch.acks through it (an officer's answer given in time but still unread, after an outage or a backlog, is not overtaken); when the group cannot get there for this long, deadlines escalate without waiting, with a warning; 0 = never wait",
    default: 60,
    min: 0,
  }),
  queueRetrySec: field.int({
    env: 'ROUTER_QUEUE_RETRY_SEC',
    doc: 'An incident no unit could take is tried again after this long',
    default: 15,
    min: 1,
  }),
  rosterCheckSec: field.int({
    env: 'ROUTER_ROSTER_CHECK_SEC',
    doc: 'How often each instance checks that every unit of the city pack is in Redis and puts back, available at its post, any that are missing (a Redis emptied or restored from an old copy); 0 = only at start',
    default: 30,
    min: 0,
  }),
  summaryWindowSec: field.int({
    env: 'ROUTER_SUMMARY_WINDOW_SEC',
    doc: 'Window of GET /v1/summary',
    default: 3600,
    min: 60,
  }),
  partitionsConcurrently: field.int({
    env: 'ROUTER_PARTITIONS_CONCURRENTLY',
    doc: 'Partition batches taken at once by one instance; those taken together are decided together (one Redis load, one commit pipeline, one publish), so at least the 39 input partitions lets a whole fetch go in one run',
    default: 48,
    min: 1,
    max: 64,
  }),
  overlapRuns: field.int({
    env: 'ROUTER_OVERLAP_RUNS',
    doc: 'Runs that may still be publishing to Kafka while the next one is decided: a batch is handed back to the consumer (which fetches the next) once its decisions are committed to Redis, and its offsets are committed once its records are published; 0 = a batch is handed back only once published (one phase, as before: 1 measured no better, see docs/router.md)',
    default: 0,
    min: 0,
    max: 8,
  }),
  opsPort: field.int({
    env: 'ROUTER_OPS_PORT',
    doc: 'Port of /healthz, /readyz, /metrics and /v1/summary (0 = any)',
    default: 9321,
    min: 0,
    max: 65535,
  }),
  opsHost: field.string({
    env: 'ROUTER_OPS_HOST',
    doc: 'Bind address of the ops server',
    default: '127.0.0.1',
  }),
} as const;

type ParsedSpec = ConfigOf<typeof routerConfigSpec>;

export interface RouterConfig extends Omit<ParsedSpec, 'ackDeadlines'> {
  /** Seconds per deadline class, from `ROUTER_ACK_DEADLINES_SEC`. */
  readonly ackDeadlines: Readonly<Record<string, number>>;
}

const CLASS = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * `p1=30,urgent=60` → the default deadlines with those two changed (so a variable naming one class
 * keeps the others); throws a message naming the first bad entry.
 */
export function parseAckDeadlines(entries: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of [...DEFAULT_ACK_DEADLINES, ...entries]) {
    const [name, value, ...rest] = entry.split('=').map((s) => s.trim());
    const seconds = Number(value);
    if (name === undefined || !CLASS.test(name) || rest.length > 0 || value === undefined || value === '') {
      throw new Error(`"${entry}" is not class=seconds (e.g. p1=60)`);
    }
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new Error(`"${entry}": seconds must be a number > 0`);
    out[name] = seconds;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const parsed = parseConfig(routerConfigSpec, env);
  let ackDeadlines: Record<string, number>;
  try {
    ackDeadlines = parseAckDeadlines(parsed.ackDeadlines);
  } catch (err) {
    throw new ConfigError([{ variable: 'ROUTER_ACK_DEADLINES_SEC', reason: (err as Error).message }]);
  }
  return { ...parsed, ackDeadlines };
}
