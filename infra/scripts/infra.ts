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
  downLocal,
  InfraError,
  kafkaBrokers,
  type LocalInfraConfig,
  localInfraConfig,
  type ServiceStatus,
  statusLocal,
  upLocal,
} from './local-infra.ts';

const USAGE = `Usage: tsx infra/scripts/infra.ts <command> [options]

Local Kafka 3.9 (KRaft, single node) and Redis as plain processes, state under .local/.

Commands:
  up              start Kafka and Redis (idempotent; installs redis-server with apt-get and fetches
                  the Kafka jars with mvn on first use) and wait until both answer
  down [--wipe]   stop them (SIGTERM, SIGKILL after 30 s); --wipe also deletes their data
  status          print each service's state; exit code 0 only when both are ready
  topics [--prefix P]
                  create every topic of the contracts catalogue (idempotent) and bring existing
                  topics' retention to the catalogue's, or to TOPIC_RETENTION_DAYS; --prefix P
                  creates P + name, for tests

Environment:
  KAFKA_PORT (9092)  KAFKA_CONTROLLER_PORT (9093)  REDIS_PORT (6379)  INFRA_READY_TIMEOUT_MS (90000)
  TOPIC_RETENTION_DAYS  per-topic retention overrides, e.g. fraud.indicators=60,units.positions=3
`;

function formatStatus(s: ServiceStatus): string {
  const state = s.running ? 'running' : 'stopped';
  const pid = s.pid === undefined ? (s.running ? 'external' : '-') : String(s.pid);
  return `${s.name.padEnd(6)} ${state.padEnd(8)} pid ${pid.padEnd(8)} port ${String(s.port).padEnd(6)} ready ${s.ready ? 'yes' : 'no'}`;
}

async function cmdUp(config: LocalInfraConfig): Promise<number> {
  const started = Date.now();
  const result = await upLocal(config);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const what =
    result.started.length === 0 ? 'already running and healthy' : `started ${result.started.join(', ')}`;
  console.log(`infra ${what} in ${secs} s: kafka ${result.kafkaBrokers.join(',')}  redis ${result.redisUrl}`);
  return 0;
}

async function cmdDown(config: LocalInfraConfig, wipe: boolean): Promise<number> {
  await downLocal(config, { wipe });
  return 0;
}

async function cmdStatus(config: LocalInfraConfig): Promise<number> {
  const status = await statusLocal(config);
  console.log(formatStatus(status.kafka));
  console.log(formatStatus(status.redis));
  return status.allUp ? 0 : 1;
}

async function cmdTopics(config: LocalInfraConfig, prefix: string): Promise<number> {
  const specs = topicsFromEnv(TOPICS);
  const logger = createLogger({ service: 'infra-topics', level: 'warn' });
  // KAFKA_BROKERS names another cluster (production); otherwise the local broker.
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : kafkaBrokers(config);
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
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (extra.length > 0) throw new InfraError(`unexpected arguments: ${extra.join(' ')}`);
  const config = localInfraConfig();
  switch (command) {
    case 'up':
      return cmdUp(config);
    case 'down':
      return cmdDown(config, values.wipe ?? false);
    case 'status':
      return cmdStatus(config);
    case 'topics':
      return cmdTopics(config, values.prefix ?? '');
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
