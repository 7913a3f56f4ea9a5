/** Interceptor configuration, parsed once at start; a bad value stops the service naming its variable. */
import { type ConfigOf, field, kafkaConfig, logConfig, parseConfig, redisConfig } from '@fenghuo/kit';
import { authConfig } from '@fenghuo/kit/auth';

export const INTERCEPTOR_SUMMARY =
  'keeps pursuits of fleeing vehicles (watch list, sightings, fleeing_vehicle incidents, operators) and plans layered checkpoints on interceptions.plans on every sighting; dry run of draft settings over HTTP';

export const interceptorConfigSpec = {
  ...kafkaConfig,
  ...redisConfig,
  ...logConfig,
  ...authConfig,
  groupId: field.string({
    env: 'INTERCEPTOR_GROUP_ID',
    doc: 'Consumer group on vehicles.sighted, incidents.reported and operator.commands',
    default: 'interceptor',
  }),
  settingsId: field.string({
    env: 'INTERCEPTOR_SETTINGS_ID',
    doc: 'Interception settings id taken from rules.sets (the built-in settings until one arrives)',
    default: 'interception',
  }),
  cityPack: field.string({
    env: 'INTERCEPTOR_CITY_PACK',
    doc: 'City pack the plans are made on (`default` is generated when missing)',
    default: 'default',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  }),
  tickMs: field.int({
    env: 'INTERCEPTOR_TICK_MS',
    doc: 'How often pursuits are checked for time-outs and re-planned on unit movement (ms)',
    default: 5000,
    min: 100,
    max: 600_000,
  }),
  maxPlanBytes: field.int({
    env: 'INTERCEPTOR_MAX_PLAN_BYTES',
    doc: 'Largest encoded plan; reach areas are thinned, then left out, to stay under it (Kafka takes 1 MB)',
    default: 256 * 1024,
    min: 16 * 1024,
    max: 900 * 1024,
  }),
  opsPort: field.int({
    env: 'INTERCEPTOR_OPS_PORT',
    doc: 'Port of /healthz, /readyz, /metrics and the dry-run API (0 = any)',
    default: 9322,
    min: 0,
    max: 65535,
  }),
  opsHost: field.string({
    env: 'INTERCEPTOR_OPS_HOST',
    doc: 'Bind address of the ops server and dry-run API',
    default: '127.0.0.1',
  }),
} as const;

export type InterceptorConfig = ConfigOf<typeof interceptorConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): InterceptorConfig {
  return parseConfig(interceptorConfigSpec, env);
}
