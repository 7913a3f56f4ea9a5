/** Audit writer configuration, parsed once at start; a bad value stops the service naming its variable. */
import { type ConfigOf, field, kafkaConfig, kafkaConsumerConfig, logConfig, parseConfig } from '@fenghuo/kit';

export const AUDIT_WRITER_SUMMARY =
  'the single writer of audit.log: consumes audit.events and appends each event once to the hash chain, in Kafka transactions that also commit its offsets (a second writer fences the first)';

export const auditWriterConfigSpec = {
  ...kafkaConfig,
  ...kafkaConsumerConfig,
  ...logConfig,
  groupId: field.string({
    env: 'AUDIT_GROUP_ID',
    doc: 'Consumer group on audit.events',
    default: 'audit-writer',
  }),
  transactionalId: field.string({
    env: 'AUDIT_TRANSACTIONAL_ID',
    doc: 'Kafka transactional id of the writer: the same for every instance, so a new writer fences the old one and the chain cannot fork',
    default: 'audit-writer',
  }),
  dedupeWindow: field.int({
    env: 'AUDIT_DEDUPE_WINDOW',
    doc: "How many of the log's last entries' event ids are remembered (read back from the log at start), so a repeated audit event is appended once",
    default: 20_000,
    min: 100,
    max: 1_000_000,
  }),
  maxBatchEvents: field.int({
    env: 'AUDIT_MAX_BATCH_EVENTS',
    doc: 'Most events appended in one transaction',
    default: 500,
    min: 1,
    max: 10_000,
  }),
  opsPort: field.int({
    env: 'AUDIT_OPS_PORT',
    doc: 'Port of /healthz, /readyz and /metrics (0 = any)',
    default: 9323,
    min: 0,
    max: 65535,
  }),
  opsHost: field.string({
    env: 'AUDIT_OPS_HOST',
    doc: 'Bind address of the ops server',
    default: '127.0.0.1',
  }),
} as const;

export type AuditWriterConfig = ConfigOf<typeof auditWriterConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuditWriterConfig {
  return parseConfig(auditWriterConfigSpec, env);
}
