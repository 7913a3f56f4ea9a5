/**
 * `npm run infra:up | infra:down | infra:status | infra:topics` — local Kafka and Redis without Docker.
 * Run `tsx infra/scripts/infra.ts --help` for usage.
 */
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

const USAGE = `Usage: tsx infra/scripts/infra.ts <command> [options]

Local Kafka 3.9 (KRaft) and Redis as plain processes, state under .local/. One broker by default;
--brokers 3 means the three-node cluster instead (each node broker and controller, on ports
KAFKA_CLUSTER_PORT_BASE.. for clients and +100.. for controllers, data in .local/kafka-cluster/;
topics created on it get replication factor 3 and min.insync.replicas=2). Both can run at once.

Commands:
  up [--brokers 3]
                  start Kafka and Redis (idempotent; installs redis-server with apt-get and fetches
                  the Kafka jars with mvn on first use) and wait until both answer; with --brokers 3
                  also starts just the nodes that are down, e.g. after one crashed
  down [--brokers 3] [--wipe]
                  stop them (SIGTERM, SIGKILL after 30 s); --wipe also deletes their data. Without
                  --brokers: the single broker, a running cluster and Redis; with: only the cluster
  status [--brokers 3]
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
  return 0;
}

async function cmdStatus(config: LocalInfraConfig, brokers: number | undefined): Promise<number> {
  const [status, cluster] = await Promise.all([statusLocal(config), statusCluster(config)]);
  const showCluster = (brokers ?? 1) > 1 || cluster.nodes.some((n) => n.running);
  console.log(formatStatus(status.kafka));
  if (showCluster) for (const node of cluster.nodes) console.log(formatNode(node));
  console.log(formatStatus(status.redis));
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
