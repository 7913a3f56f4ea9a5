/** Gateway configuration, parsed once at start from the environment; a bad value names its variable. */
import {
  authConfig,
  type ConfigOf,
  contactStoreConfig,
  field,
  kafkaConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from '@fenghuo/kit';

export const GATEWAY_SUMMARY =
  "people's one authenticated door: login, Socket.IO fan-out of Kafka events by authority, acknowledgements and commands back to Kafka, audit";

export const gatewayConfigSpec = {
  port: field.int({ env: 'GATEWAY_PORT', doc: 'HTTP and Socket.IO port', default: 8080, min: 0, max: 65535 }),
  host: field.string({ env: 'GATEWAY_HOST', doc: 'HTTP bind address', default: '127.0.0.1' }),
  usersFile: field.string({
    env: 'GATEWAY_USERS_FILE',
    doc: 'JSON file of users with scrypt password hashes (`npm run users`)',
    default: '.local/gateway/users.json',
  }),
  tokenTtlSec: field.int({
    env: 'GATEWAY_TOKEN_TTL_SEC',
    doc: 'Lifetime of a token from login or refresh, in seconds',
    default: 900,
    min: 30,
    max: 86_400,
  }),
  tokenGraceSec: field.int({
    env: 'GATEWAY_TOKEN_GRACE_SEC',
    doc: 'A socket whose token expired this long ago without `auth:renew` is disconnected',
    default: 60,
    min: 0,
  }),
  loginUserFailures: field.int({
    env: 'GATEWAY_LOGIN_USER_FAILURES',
    doc: 'Failed logins per username within the window before 429',
    default: 5,
    min: 1,
  }),
  loginAddressFailures: field.int({
    env: 'GATEWAY_LOGIN_ADDRESS_FAILURES',
    doc: 'Failed logins per address within the window before 429 (successful logins are never limited)',
    default: 30,
    min: 1,
  }),
  loginWindowSec: field.int({
    env: 'GATEWAY_LOGIN_WINDOW_SEC',
    doc: 'Window of the failed-login limits, in seconds',
    default: 900,
    min: 1,
  }),
  trustProxy: field.bool({
    env: 'GATEWAY_TRUST_PROXY',
    doc: "Take the client's address from X-Forwarded-For (behind a load balancer)",
    default: false,
  }),
  groupId: field.string({
    env: 'GATEWAY_GROUP_ID',
    doc: 'Consumer group shared by every gateway instance',
    default: 'gateway',
  }),
  recoveryWindowMs: field.int({
    env: 'GATEWAY_RECOVERY_WINDOW_MS',
    doc: 'A client back within this long gets every event it missed (connection-state recovery); later, a snapshot',
    default: 120_000,
    min: 1_000,
  }),
  streamMaxLen: field.int({
    env: 'GATEWAY_STREAM_MAXLEN',
    doc: 'Entries kept in the Redis stream of the Socket.IO adapter (bounds what a recovery can replay)',
    default: 200_000,
    min: 1_000,
  }),
  positionsIntervalMs: field.int({
    env: 'GATEWAY_POSITIONS_INTERVAL_MS',
    doc: 'Unit positions are coalesced per unit and pushed at most once per this interval',
    default: 500,
    min: 50,
  }),
  figuresIntervalMs: field.int({
    env: 'GATEWAY_FIGURES_INTERVAL_MS',
    doc: 'How often figures are pushed to the clients of this instance',
    default: 10_000,
    min: 500,
  }),
  socketEventRate: field.number({
    env: 'GATEWAY_SOCKET_EVENT_RATE',
    doc: 'Events per second one socket may send (refused above)',
    default: 20,
    min: 0.1,
  }),
  socketEventBurst: field.number({
    env: 'GATEWAY_SOCKET_EVENT_BURST',
    doc: 'Largest burst of events from one socket',
    default: 60,
    min: 1,
  }),
  cityPack: field.string({
    env: 'GATEWAY_CITY_PACK',
    doc: 'City pack (under .local/city) that maps cells to stations and districts; `default` is generated when missing',
    default: 'default',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  }),
  consoleDir: field.string({
    env: 'GATEWAY_CONSOLE_DIR',
    doc: "The console's built static files, served at /",
    default: 'dispatch-ui/console/dist',
  }),
  rulesUrl: field.url({
    env: 'RULES_URL',
    doc: 'Rules service that /api/rules/* passes through to (analysts and admins)',
    default: 'http://127.0.0.1:8082',
    protocols: ['http', 'https'],
  }),
  demo: field.bool({
    env: 'GATEWAY_DEMO',
    doc: 'Create demo users for the city with fresh passwords at start, write them to .local/gateway/demo-users.json and print them',
    default: false,
  }),
  ...authConfig,
  ...kafkaConfig,
  ...contactStoreConfig,
  ...redisConfig,
  ...logConfig,
} as const;

export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(gatewayConfigSpec, { KAFKA_CLIENT_ID: 'fenghuo-gateway', ...env });
}
