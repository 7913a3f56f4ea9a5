/**
 * `npm run infra:up | infra:down | infra:status | infra:topics` — local Kafka and Redis without Docker.
 * Run `tsx infra/scripts/infra.ts --help` for usage.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOPICS } from '@fenghuo/contracts';
import {
  createKafka,
  createLogger,
  describeTopicChange,
  ensureTopics,
  FenghuoError,
  topicsFromEnv,
  withAdmin,
} from '@fenghuo/kit';
import {
  CLUSTER_SIZE,
  type ClusterNodeStatus,
  clusterBrokers,
  downCluster,
  downLocal,
  InfraError,
  kafkaBrokers,
  type LocalInfraConfig,
  localInfraConfig,
  type ServiceStatus,
  statusCluster,
  statusLocal,
  upCluster,
  upLocal,
} from './local-infra.ts';
import {
  type ClusterConfig,
  clusterAddresses,
  downTopology,
  type NodeStatus,
  REDIS_CLUSTER_PORT_BASE,
  SENTINEL_MASTER,
  SENTINEL_PORT_BASE,
  type SentinelConfig,
  sentinelAddresses,
  statusRedisCluster,
  statusSentinel,
  upRedisCluster,
  upSentinel,
} from './redis-topologies.ts';

const USAGE = `Usage: tsx infra/scripts/infra.ts <command> [options]

Local Kafka 3.9 (KRaft) and Redis as plain processes, state under .local/. One broker by default;
--brokers 3 means the three-node cluster instead (each node broker and controller, on ports
KAFKA_CLUSTER_PORT_BASE.. for clients and +100.. for controllers, data in .local/kafka-cluster/;
topics created on it get replication factor 3 and min.insync.replicas=2). Both can run at once.

--redis sentinel starts a Redis primary, one replica and three sentinels (ports
REDIS_SENTINEL_PORT_BASE.., data in .local/redis-sentinel/); --redis cluster a Redis Cluster of three
masters with REDIS_CLUSTER_REPLICAS replica(s) each (ports REDIS_CLUSTER_PORT_BASE.., data in
.local/redis-cluster/). They run beside the single Redis and Kafka and are handled on their own:
with --redis, up/down/status touch only that topology; down without options stops them too.

Commands:
  up [--brokers 3] [--redis sentinel|cluster]
                  start Kafka and Redis (idempotent; installs redis-server with apt-get and fetches
                  the Kafka jars with mvn on first use) and wait until both answer; with --brokers 3
                  also starts just the nodes that are down, e.g. after one crashed
  down [--brokers 3] [--redis sentinel|cluster] [--wipe]
                  stop them (SIGTERM, SIGKILL after 30 s); --wipe also deletes their data. Without
                  --brokers: the single broker, a running cluster and Redis; with: only the cluster
  status [--brokers 3] [--redis sentinel|cluster]
                  print each service's state (cluster nodes too when they run); exit code 0 only
                  when Kafka (the single broker, or with --brokers 3 every cluster node) and Redis
                  are ready
  topics [--brokers 3] [--prefix P]
                  create every topic of the contracts catalogue (idempotent) and bring existing
                  topics' retention to the catalogue's, or to TOPIC_RETENTION_DAYS; --prefix P
                  creates P + name, for tests

Environment:
  KAFKA_PORT (9092)  KAFKA_CONTROLLER_PORT (9093)  REDIS_PORT (6379)  INFRA_READY_TIMEOUT_MS (90000)
  KAFKA_CLUSTER_PORT_BASE (19092: clients 19092-19094, controllers 19192-19194)
  REDIS_SENTINEL_PORT_BASE (16379: primary 16379, replica 16380, sentinels 16479-16481)
  REDIS_CLUSTER_PORT_BASE (17001: masters 17001-17003, replicas 17004-17006)  REDIS_CLUSTER_REPLICAS (1)
  TOPIC_RETENTION_DAYS  per-topic retention overrides, e.g. fraud.indicators=60,units.positions=3
`;

function formatStatus(s: ServiceStatus): string {
  const state = s.running ? 'running' : 'stopped';
  const pid = s.pid === undefined ? (s.running ? 'external' : '-') : String(s.pid);
  return `${s.name.padEnd(6)} ${state.padEnd(8)} pid ${pid.padEnd(8)} port ${String(s.port).padEnd(6)} ready ${s.ready ? 'yes' : 'no'}`;
}

function formatNode(n: ClusterNodeStatus): string {
  const state = n.running ? 'running' : 'stopped';
  const pid = n.pid === undefined ? (n.running ? 'external' : '-') : String(n.pid);
  return `${`kafka-${n.id}`.padEnd(7)} ${state.padEnd(8)} pid ${pid.padEnd(8)} port ${String(n.port).padEnd(6)} ready ${n.ready ? 'yes' : 'no'}`;
}

/** `--brokers`: 1 (the single broker, the default) or the cluster's size. */
function parseBrokers(raw: string | undefined): 1 | typeof CLUSTER_SIZE {
  if (raw === undefined || raw === '1') return 1;
  if (raw === String(CLUSTER_SIZE)) return CLUSTER_SIZE;
  throw new InfraError(`--brokers must be 1 or ${CLUSTER_SIZE}, got "${raw}"`);
}

type RedisTopology = 'sentinel' | 'cluster';

function parseRedisTopology(raw: string | undefined): RedisTopology | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'sentinel' || raw === 'cluster') return raw;
  throw new InfraError(`--redis must be sentinel or cluster, got "${raw}"`);
}

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_000)
    throw new InfraError(`${name} must be a port, got "${raw}"`);
  return n;
}

function sentinelConfig(config: LocalInfraConfig): SentinelConfig {
  return {
    dir: join(config.root, '.local', 'redis-sentinel'),
    host: config.host,
    portBase: envPort('REDIS_SENTINEL_PORT_BASE', SENTINEL_PORT_BASE),
    readyTimeoutMs: config.readyTimeoutMs,
    log: config.log,
  };
}

function redisClusterConfig(config: LocalInfraConfig): ClusterConfig {
  const replicas = process.env.REDIS_CLUSTER_REPLICAS ?? '1';
  if (replicas !== '0' && replicas !== '1') {
    throw new InfraError(`REDIS_CLUSTER_REPLICAS must be 0 or 1, got "${replicas}"`);
  }
  return {
    dir: join(config.root, '.local', 'redis-cluster'),
    host: config.host,
    portBase: envPort('REDIS_CLUSTER_PORT_BASE', REDIS_CLUSTER_PORT_BASE),
    readyTimeoutMs: config.readyTimeoutMs,
    log: config.log,
    replicas: replicas === '1' ? 1 : 0,
  };
}

function formatRedisNode(n: NodeStatus): string {
  const state = n.running ? 'running' : 'stopped';
  const pid = n.pid === undefined ? (n.running ? 'external' : '-') : String(n.pid);
  return `${n.name.padEnd(11)} ${state.padEnd(8)} pid ${pid.padEnd(8)} port ${String(n.port).padEnd(6)} role ${n.role}`;
}

async function cmdRedisTopology(
  command: 'up' | 'down' | 'status',
  topology: RedisTopology,
  config: LocalInfraConfig,
  wipe: boolean,
): Promise<number> {
  const cfg = topology === 'sentinel' ? sentinelConfig(config) : redisClusterConfig(config);
  if (command === 'down') {
    await downTopology(cfg, { wipe });
    return 0;
  }
  if (command === 'up') {
    const started = Date.now();
    const what = topology === 'sentinel' ? await upSentinel(cfg) : await upRedisCluster(cfg as ClusterConfig);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const env =
      topology === 'sentinel'
        ? `REDIS_SENTINELS=${sentinelAddresses(cfg)} REDIS_SENTINEL_MASTER=${SENTINEL_MASTER}`
        : `REDIS_CLUSTER_NODES=${clusterAddresses(cfg as ClusterConfig)}`;
    const done = what.length === 0 ? 'already running and healthy' : `started ${what.join(', ')}`;
    console.log(`redis ${topology} ${done} in ${secs} s: ${env}`);
    return 0;
  }
  const nodes = topology === 'sentinel' ? statusSentinel(cfg) : statusRedisCluster(cfg as ClusterConfig);
  for (const n of nodes) console.log(formatRedisNode(n));
  return nodes.every((n) => n.role !== '-') ? 0 : 1;
}

async function cmdUp(config: LocalInfraConfig, brokers: number): Promise<number> {
  const started = Date.now();
  if (brokers > 1) {
    const result = await upCluster(config);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const parts = [
      ...(result.startedNodes.length > 0 ? [`kafka nodes ${result.startedNodes.join(', ')}`] : []),
      ...(result.started.includes('redis') ? ['redis'] : []),
    ];
    const what = parts.length === 0 ? 'already running and healthy' : `started ${parts.join(', ')}`;
    console.log(
      `infra cluster ${what} in ${secs} s: KAFKA_BROKERS=${result.kafkaBrokers.join(',')}  redis ${result.redisUrl}`,
    );
    return 0;
  }
  const result = await upLocal(config);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const what =
    result.started.length === 0 ? 'already running and healthy' : `started ${result.started.join(', ')}`;
  console.log(`infra ${what} in ${secs} s: kafka ${result.kafkaBrokers.join(',')}  redis ${result.redisUrl}`);
  return 0;
}

async function cmdDown(
  config: LocalInfraConfig,
  wipe: boolean,
  brokers: number | undefined,
): Promise<number> {
  // No --brokers: everything these scripts started in this checkout. --brokers 1 or 3: that Kafka only
  // (with 1, Redis too, as before the cluster existed).
  const stopCluster = brokers === undefined ? (await statusCluster(config)).anyManaged : brokers > 1;
  if (stopCluster) await downCluster(config, { wipe });
  if (brokers === undefined || brokers === 1) await downLocal(config, { wipe });
  if (brokers === undefined) {
    await downTopology(sentinelConfig(config), { wipe });
    await downTopology(redisClusterConfig(config), { wipe });
  }
  return 0;
}

async function cmdStatus(config: LocalInfraConfig, brokers: number | undefined): Promise<number> {
  const [status, cluster] = await Promise.all([statusLocal(config), statusCluster(config)]);
  const showCluster = (brokers ?? 1) > 1 || cluster.nodes.some((n) => n.running);
  console.log(formatStatus(status.kafka));
  if (showCluster) for (const node of cluster.nodes) console.log(formatNode(node));
  console.log(formatStatus(status.redis));
  // The Redis topologies, when any of their processes runs (their own status: --redis).
  for (const nodes of [
    statusSentinel(sentinelConfig(config)),
    statusRedisCluster(redisClusterConfig(config)),
  ]) {
    if (nodes.some((n) => n.pid !== undefined)) for (const n of nodes) console.log(formatRedisNode(n));
  }
  const kafkaUp = (brokers ?? 1) > 1 ? cluster.allUp : status.kafka.ready;
  return kafkaUp && status.redis.ready ? 0 : 1;
}

async function cmdTopics(config: LocalInfraConfig, prefix: string, brokerCount: number): Promise<number> {
  const specs = topicsFromEnv(TOPICS);
  const logger = createLogger({ service: 'infra-topics', level: 'warn' });
  // KAFKA_BROKERS names another cluster (production); otherwise the local broker or cluster.
  const local = brokerCount > 1 ? clusterBrokers(config) : kafkaBrokers(config);
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : local;
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: 'fenghuo-infra-topics', kafkaTopicPrefix: prefix },
    logger,
  );
  const { created, existing, changed } = await withAdmin(kafka, (admin) =>
    ensureTopics(admin, specs, { prefix, alignExisting: true }),
  );
  for (const name of created) console.log(`created  ${name}`);
  for (const name of existing) console.log(`exists   ${name}`);
  for (const c of changed) console.log(`changed  ${describeTopicChange(c)}`);
  console.log(
    `${created.length} created, ${existing.length} already existed, ${changed.length} setting(s) changed`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      wipe: { type: 'boolean' },
      prefix: { type: 'string' },
      brokers: { type: 'string' },
      redis: { type: 'string' },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (extra.length > 0) throw new InfraError(`unexpected arguments: ${extra.join(' ')}`);
  const config = localInfraConfig();
  const brokers = values.brokers === undefined ? undefined : parseBrokers(values.brokers);
  const topology = parseRedisTopology(values.redis);
  if (topology !== undefined) {
    if (command !== 'up' && command !== 'down' && command !== 'status') {
      throw new InfraError(`--redis goes with up, down or status, not ${command}`);
    }
    return cmdRedisTopology(command, topology, config, values.wipe ?? false);
  }
  switch (command) {
    case 'up':
      return cmdUp(config, brokers ?? 1);
    case 'down':
      return cmdDown(config, values.wipe ?? false, brokers);
    case 'status':
      return cmdStatus(config, brokers);
    case 'topics':
      return cmdTopics(config, values.prefix ?? '', brokers ?? 1);
    default:
      throw new InfraError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const isUserError =
      err instanceof FenghuoError ||
      (err instanceof Error && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    console.error(isUserError ? `error: ${(err as Error).message}` : err);
    process.exit(1);
  },
);
