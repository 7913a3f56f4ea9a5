/** Ingest configuration, parsed once at start from the environment; a bad value names its variable. */
import {
  accountHashConfig,
  type ConfigOf,
  contactStoreConfig,
  field,
  kafkaConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from '@fenghuo/kit';

export const INGEST_SUMMARY =
  'authenticated, validated, lossless HTTP ingest of fraud indicators, incidents, sightings and phone positions into Kafka';

export const ingestConfigSpec = {
  port: field.int({ env: 'INGEST_PORT', doc: 'HTTP port', default: 8081, min: 0, max: 65535 }),
  host: field.string({ env: 'INGEST_HOST', doc: 'HTTP bind address', default: '127.0.0.1' }),
  keysFile: field.string({
    env: 'INGEST_KEYS_FILE',
    doc: 'JSON file of sources, hashed API keys and registered phones',
    default: '.local/ingest/keys.json',
  }),
  maxInFlightRequests: field.int({
    env: 'INGEST_MAX_IN_FLIGHT',
    doc: 'Requests worked on at once; beyond it 503 overloaded (bounds queueing under overload)',
    default: 256,
    min: 1,
  }),
  bodyLimitBytes: field.int({
    env: 'INGEST_BODY_LIMIT_BYTES',
    doc: 'Largest request body (413 above)',
    default: 5 * 1024 * 1024,
    min: 1024,
  }),
  maxEventsPerRequest: field.int({
    env: 'INGEST_MAX_EVENTS',
    doc: 'Most events in one request (413 above)',
    default: 1000,
    min: 1,
    max: 100_000,
  }),
  sourceRatePerSec: field.number({
    env: 'INGEST_SOURCE_RATE',
    doc: 'Events per second per source, per instance (429 above)',
    default: 50_000,
    min: 1,
  }),
  sourceBurst: field.number({
    env: 'INGEST_SOURCE_BURST',
    doc: 'Largest burst of events per source',
    default: 100_000,
    min: 1,
  }),
  deviceRatePerSec: field.number({
    env: 'INGEST_DEVICE_RATE',
    doc: 'Positions per second per phone (429 above)',
    default: 5,
    min: 0.01,
  }),
  deviceBurst: field.number({
    env: 'INGEST_DEVICE_BURST',
    doc: 'Largest burst of positions per phone (buffered positions after a dead zone)',
    default: 200,
    min: 1,
  }),
  signatureToleranceSec: field.int({
    env: 'INGEST_SIGNATURE_TOLERANCE_SEC',
    doc: 'Accepted clock difference for X-Signature timestamps',
    default: 300,
    min: 1,
  }),
  sendTimeoutMs: field.int({
    env: 'INGEST_SEND_TIMEOUT_MS',
    doc: 'Longest wait for a Kafka acknowledgement before answering 503',
    default: 1_500,
    min: 100,
  }),
  latencyBudgetMs: field.int({
    env: 'INGEST_LATENCY_BUDGET_MS',
    doc: 'Longest estimated wait for Kafka acknowledgements a request may face; beyond it 503 overloaded with Retry-After (0: never shed)',
    default: 500,
    min: 0,
  }),
  transactions: field.bool({
    env: 'INGEST_TRANSACTIONS',
    doc: 'Write each coalesced send as one Kafka transaction, answering 202 after its commit: a send that failed is aborted and invisible to read_committed consumers, so a retry is never read twice (false: idempotent producer, a retried ambiguous send can be written twice)',
    default: true,
  }),
  transactionalProducers: field.int({
    env: 'INGEST_TXN_PRODUCERS',
    doc: 'Transactional producers per instance (each has one transaction open at a time; the event gate sends that many coalesced batches at once)',
    default: 1,
    min: 1,
    max: 16,
  }),
  instanceId: field.string({
    env: 'INGEST_INSTANCE_ID',
    doc: 'Names the transactionalIds (ingest-<id>-<n>); must differ between running instances. Set a stable one per instance to fence a zombie predecessor at restart',
    default: '',
    defaultDoc: '<hostname>-<pid>-<random>',
    pattern: /^[A-Za-z0-9._-]*$/,
  }),
  pendingTtlMs: field.int({
    env: 'INGEST_DEDUPE_PENDING_TTL_MS',
    doc: 'How long an unacknowledged dedupe claim blocks a retry of the same event',
    default: 60_000,
    min: 1_000,
  }),
  dedupeWindowSec: field.int({
    env: 'INGEST_DEDUPE_WINDOW_SEC',
    doc: 'How long a (source, eventId) is remembered; one Redis key (~200 B) per event for this long',
    default: 86_400,
    min: 60,
  }),
  demo: field.bool({
    env: 'INGEST_DEMO',
    doc: 'Issue fresh keys for the demo sources and a demo phone at start, and print them',
    default: false,
  }),
  ...contactStoreConfig,
  ...accountHashConfig,
  ...kafkaConfig,
  ...redisConfig,
  ...logConfig,
} as const;

export type IngestConfig = ConfigOf<typeof ingestConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return parseConfig(ingestConfigSpec, { KAFKA_CLIENT_ID: 'fenghuo-ingest', ...env });
}
