/** Fraud scorer configuration, parsed once at start; a bad value stops the service naming its variable. */
import {
  type ConfigOf,
  field,
  kafkaConfig,
  kafkaConsumerConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from '@fenghuo/kit';

export const SCORER_SUMMARY =
  'scores fraud indicators per resident with the rules of rules.sets and raises one early warning per victim on alerts.raised';

export const scorerConfigSpec = {
  ...kafkaConfig,
  ...kafkaConsumerConfig,
  ...redisConfig,
  ...logConfig,
  groupId: field.string({
    env: 'SCORER_GROUP_ID',
    doc: 'Consumer group on fraud.indicators',
    default: 'fraud-scorer',
  }),
  ruleSetId: field.string({
    env: 'SCORER_RULE_SET_ID',
    doc: 'Rule set id taken from rules.sets (the built-in pack until one arrives)',
    default: 'builtin-fraud',
  }),
  shadow: field.bool({
    env: 'SCORER_SHADOW',
    doc: 'Score the shadow version of the rule set beside the live one when the rules service publishes one (alerts to alerts.shadow only)',
    default: true,
  }),
  partitionsConcurrently: field.int({
    env: 'SCORER_PARTITIONS_CONCURRENTLY',
    doc: 'Partitions scored at once by one instance',
    default: 4,
    min: 1,
    max: 64,
  }),
  maxBytesPerPartition: field.int({
    env: 'SCORER_MAX_BYTES_PER_PARTITION',
    doc: 'Largest fetch per partition (bytes); bigger batches mean fewer Redis round trips',
    default: 1024 * 1024,
    min: 1024,
  }),
  opsPort: field.int({
    env: 'SCORER_OPS_PORT',
    doc: 'Port of /healthz, /readyz, /metrics (0 = any)',
    default: 9320,
    min: 0,
    max: 65535,
  }),
  opsHost: field.string({
    env: 'SCORER_OPS_HOST',
    doc: 'Bind address of the ops server',
    default: '127.0.0.1',
  }),
} as const;

export type ScorerConfig = ConfigOf<typeof scorerConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ScorerConfig {
  return parseConfig(scorerConfigSpec, env);
}
