/** Rules service configuration, parsed once at start; a bad value stops the service naming its variable. */
import {
  authConfig,
  type ConfigOf,
  field,
  kafkaConfig,
  kafkaConsumerConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from '@fenghuo/kit';

export const RULES_SUMMARY =
  'keeps every version of every rule set and setting (rules.versions), publishes, shadows and rolls them back on rules.sets, and backtests fraud drafts over recorded fraud.indicators; REST for analysts behind the gateway';

export const rulesConfigSpec = {
  ...kafkaConfig,
  ...kafkaConsumerConfig,
  ...redisConfig,
  ...logConfig,
  ...authConfig,
  port: field.int({
    env: 'RULES_PORT',
    doc: 'HTTP port of /api/rules/* and /healthz /readyz /metrics (0 = any)',
    default: 8082,
    min: 0,
    max: 65535,
  }),
  host: field.string({ env: 'RULES_HOST', doc: 'Bind address of the HTTP server', default: '127.0.0.1' }),
  groupId: field.string({
    env: 'RULES_GROUP_ID',
    doc: 'Prefix of the consumer groups (each instance reads rules.versions and rules.sets in a group of its own)',
    default: 'rules',
  }),
  writeLockMs: field.int({
    env: 'RULES_WRITE_LOCK_MS',
    doc: 'How long one change may hold the write lock (Redis) that keeps version numbers unique across instances',
    default: 15_000,
    min: 1_000,
  }),
  backtestKeepDays: field.int({
    env: 'RULES_BACKTEST_KEEP_DAYS',
    doc: 'Days a backtest and its report are kept (Redis) and listed',
    default: 30,
    min: 1,
  }),
  backtestsAtOnce: field.int({
    env: 'RULES_BACKTESTS_AT_ONCE',
    doc: 'Backtests one instance runs at once; more are refused with 429',
    default: 2,
    min: 1,
    max: 16,
  }),
  backtestWorkers: field.int({
    env: 'RULES_BACKTEST_WORKERS',
    doc: 'Worker threads one backtest of recorded indicators decodes and scores in, its records split by partition (0 = in the service thread; uploads always are)',
    default: 2,
    min: 0,
    max: 32,
  }),
  uploadLimitBytes: field.int({
    env: 'RULES_UPLOAD_LIMIT_BYTES',
    doc: 'Largest NDJSON file of indicators a backtest accepts',
    default: 256 * 1024 * 1024,
    min: 1024,
  }),
  bodyLimitBytes: field.int({
    env: 'RULES_BODY_LIMIT_BYTES',
    doc: 'Largest JSON body (a rule set with its lists)',
    default: 4 * 1024 * 1024,
    min: 1024,
  }),
} as const;

export type RulesConfig = ConfigOf<typeof rulesConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RulesConfig {
  return parseConfig(rulesConfigSpec, env);
}
