/**
 * Local Kafka (KRaft, single node) and Redis as plain processes, for machines without Docker.
 * `npm run infra:*`, `npm start` and the integration-test global setup all go through these functions.
 *
 * Layout under the git-ignored `.local/` of the checkout:
 *   .local/kafka/libs/               broker jars (mvn dependency:copy-dependencies, infra/kafka/pom.xml)
 *   .local/kafka/server.properties   rendered from infra/kafka/server.properties.template
 *   .local/kafka/data/               KRaft metadata and topic data (`down --wipe` deletes it)
 *   .local/kafka/logs/               server.log (log4j) and stdout.log (JVM stdout/stderr)
 *   .local/kafka/kafka.pid
 *   .local/redis/                    AOF files, redis.log, redis.pid
 *   .local/kafka-cluster/            the three-node cluster (`infra:up -- --brokers 3`, see below):
 *     cluster-id                     one KRaft cluster id shared by the nodes
 *     node-N/                        server.properties, data/, logs/, kafka.pid of node N (1-3)
 *   .local/infra.lock                held while up/down run, so two callers do not start two brokers
 *
 * `up` waits until Kafka answers a metadata request, then until it can coordinate consumer groups
 * and hand out producer ids (kit `waitForBrokerReady`): services started after it find a broker
 * that answers their first requests instead of one that makes kafkajs log retried errors.
 *
 * The cluster (`upCluster`, `statusCluster`, `downCluster`) is three Kafka processes on their own
 * ports (`KAFKA_CLUSTER_PORT_BASE`, default 19092: clients 19092-19094, controllers 19192-19194) and
 * data dirs, so it runs beside the single broker on 9092 without touching it. Each node is broker and
 * controller in one JVM (combined mode): three JVMs instead of six on a small machine, and killing a
 * node takes a broker and a quorum voter down together, the harder fault. Topics on it get
 * replication factor 3 and `min.insync.replicas=2` from the brokers' defaults
 * (infra/kafka/cluster.properties.template), since ensureTopics creates topics with replication
 * factor -1; services need only `KAFKA_BROKERS`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive, waitForBrokerReady, withAdmin, withFileLock } from '@fenghuo/kit';
import { FenghuoError } from '@fenghuo/kit/errors';
import { Kafka, logLevel } from 'kafkajs';

export type ServiceName = 'kafka' | 'redis';

/** Nodes of the local cluster (`infra:up -- --brokers 3`): three, so one can fail. */
export const CLUSTER_SIZE = 3;

export interface LocalInfraConfig {
  /** Absolute path of the checkout (the folder holding `.local/`). */
  readonly root: string;
  /** Clients connect here. Always loopback. */
  readonly host: string;
  /** PLAINTEXT listener for clients. Env `KAFKA_PORT`. @defaultValue 9092 */
  readonly kafkaPort: number;
  /** KRaft CONTROLLER listener (not for clients). Env `KAFKA_CONTROLLER_PORT`. @defaultValue 9093 */
  readonly controllerPort: number;
  /** Env `REDIS_PORT`. @defaultValue 6379 */
  readonly redisPort: number;
  /**
   * First port of the three-node cluster: node N (1-3) takes clients on base+N-1 and its controller
   * on base+100+N-1. Env `KAFKA_CLUSTER_PORT_BASE`. @defaultValue 19092
   */
  readonly clusterPortBase: number;
  /** How long `up` waits for both services to answer. Env `INFRA_READY_TIMEOUT_MS`. @defaultValue 90000 */
  readonly readyTimeoutMs: number;
  /** How long `down` waits after SIGTERM before SIGKILL. @defaultValue 30000 */
  readonly stopTimeoutMs: number;
  /** Progress output. @defaultValue console.log with an `[infra]` prefix */
  readonly log: (line: string) => void;
}

export interface ServiceStatus {
  readonly name: ServiceName;
  /** Something is listening on the port (ours or not). */
  readonly running: boolean;
  /** Pid from our pid file, when that process is alive. */
  readonly pid: number | undefined;
  readonly port: number;
  /** Kafka answered a metadata request / Redis answered PING. */
  readonly ready: boolean;
  /** Started by these scripts (pid file points at a live process). */
  readonly managed: boolean;
}

export interface LocalStatus {
  readonly kafka: ServiceStatus;
  readonly redis: ServiceStatus;
  readonly allUp: boolean;
}

export interface UpResult {
  /** Services this call started. Empty when everything was already up. */
  readonly started: ServiceName[];
  readonly kafkaBrokers: string[];
  readonly redisUrl: string;
}

/** A problem the user can fix; `infra.ts` prints only the message for these. */
export class InfraError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'INFRA' });
  }
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InfraError(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

function parseMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new InfraError(`${name} must be a positive number, got "${raw}"`);
  return ms;
}

/** Reads ports and time-outs from the environment once; a bad value names the variable. */
export function localInfraConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<LocalInfraConfig> = {},
): LocalInfraConfig {
  const config: LocalInfraConfig = {
    root: REPO_ROOT,
    host: '127.0.0.1',
    kafkaPort: parsePort(env, 'KAFKA_PORT', 9092),
    controllerPort: parsePort(env, 'KAFKA_CONTROLLER_PORT', 9093),
    redisPort: parsePort(env, 'REDIS_PORT', 6379),
    clusterPortBase: parsePort(env, 'KAFKA_CLUSTER_PORT_BASE', 19092),
    readyTimeoutMs: parseMs(env, 'INFRA_READY_TIMEOUT_MS', 90_000),
    stopTimeoutMs: 30_000,
    log: (line) => console.log(`[infra] ${line}`),
    ...overrides,
  };
  if (config.kafkaPort === config.controllerPort) {
    throw new InfraError('KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ');
  }
  if (config.clusterPortBase + 100 + CLUSTER_SIZE - 1 > 65535) {
    throw new InfraError(`KAFKA_CLUSTER_PORT_BASE must be at most ${65535 - 100 - CLUSTER_SIZE + 1}`);
  }
  return config;
}

export function kafkaBrokers(config: LocalInfraConfig): string[] {
  return [`${config.host}:${config.kafkaPort}`];
}

export function redisUrl(config: LocalInfraConfig): string {
  return `redis://${config.host}:${config.redisPort}`;
}

function paths(config: LocalInfraConfig) {
  const local = join(config.root, '.local');
  const kafka = join(local, 'kafka');
  const redis = join(local, 'redis');
  return {
    local,
    lock: join(local, 'infra.lock'),
    pom: join(config.root, 'infra/kafka/pom.xml'),
    template: join(config.root, 'infra/kafka/server.properties.template'),
    log4j: join(config.root, 'infra/kafka/log4j.properties'),
    kafkaLibs: join(kafka, 'libs'),
    kafkaData: join(kafka, 'data'),
    kafkaLogs: join(kafka, 'logs'),
    kafkaProps: join(kafka, 'server.properties'),
    kafkaClusterId: join(kafka, 'cluster-id'),
    kafkaPid: join(kafka, 'kafka.pid'),
    kafkaStdout: join(kafka, 'logs/stdout.log'),
    kafkaServerLog: join(kafka, 'logs/server.log'),
    redisDir: redis,
    redisPid: join(redis, 'redis.pid'),
    redisLog: join(redis, 'redis.log'),
  };
}
type Paths = ReturnType<typeof paths>;

// ---------------------------------------------------------------------------------------------------
// Processes and ports

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Alive and not a zombie (a detached child we started and that exited stays a zombie until reaped). */
const isAlive = processAlive;

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The pid in `file` when that process is alive and looks like `service` (guards against pid reuse). */
function livePid(file: string, service: ServiceName): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmd = commandLine(pid);
  const marker = service === 'kafka' ? 'kafka.Kafka' : 'redis-server';
  if (cmd !== '' && !cmd.includes(marker)) return undefined;
  return pid;
}

function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** "pid 123 (java)" for whoever listens on `port`, when `ss` can tell; '' otherwise. */
function portOwner(port: number): string {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out.stdout ?? '');
  return match ? ` (pid ${match[2]}, ${match[1]})` : '';
}

function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts `cmd` in its own process group with output appended to `logFile`; survives our exit. */
function spawnDetached(cmd: string, args: string[], logFile: string, cwd: string): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', out, out] });
    child.on('error', () => {}); // reported through the readiness wait (the process is gone)
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

// ---------------------------------------------------------------------------------------------------
// Readiness probes

/** True when a broker answers a real kafkajs metadata (DescribeCluster) call. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 2_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'fenghuo-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  try {
    const cluster = await withAdmin(kafka, (admin) => admin.describeCluster());
    return cluster.brokers.length > 0;
  } catch {
    return false;
  }
}

/** True when Redis answers `PING` with `+PONG` (raw RESP, no client library needed). */
export function redisAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function serviceStatus(config: LocalInfraConfig, name: ServiceName): Promise<ServiceStatus> {
  const p = paths(config);
  const port = name === 'kafka' ? config.kafkaPort : config.redisPort;
  const pid = livePid(name === 'kafka' ? p.kafkaPid : p.redisPid, name);
  const running = await isPortOpen(config.host, port);
  const ready = running
    ? name === 'kafka'
      ? await kafkaAnswers(kafkaBrokers(config))
      : await redisAnswers(config.host, port)
    : false;
  return { name, running: running || pid !== undefined, pid, port, ready, managed: pid !== undefined };
}

export async function statusLocal(config: LocalInfraConfig = localInfraConfig()): Promise<LocalStatus> {
  const [kafka, redis] = await Promise.all([serviceStatus(config, 'kafka'), serviceStatus(config, 'redis')]);
  return { kafka, redis, allUp: kafka.ready && redis.ready };
}

/** Polls `probe` until it answers true; fails early when the process we started has died. */
async function waitReady(
  name: string,
  probe: () => Promise<boolean>,
  opts: { pid: number | undefined; timeoutMs: number; logFile: string; log: (l: string) => void },
): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  while (Date.now() - started < opts.timeoutMs) {
    if (await probe()) {
      opts.log(`${name} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new InfraError(
        `${name} exited during start-up. Last lines of ${opts.logFile}:\n${tail(opts.logFile)}`,
      );
    }
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      opts.log(`waiting for ${name}… ${Math.round((lastReport - started) / 1000)} s`);
    }
    await sleep(300);
  }
  throw new InfraError(
    `${name} did not become ready within ${opts.timeoutMs / 1000} s. Last lines of ${opts.logFile}:\n${tail(opts.logFile)}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Lock: one up/down at a time per checkout (tests in two terminals, npm start, an engineer's infra:up)

function withLock<T>(config: LocalInfraConfig, fn: () => Promise<T>): Promise<T> {
  const { lock, local } = paths(config);
  mkdirSync(local, { recursive: true });
  return withFileLock(lock, fn, {
    timeoutMs: config.readyTimeoutMs + 60_000,
    pollMs: 250,
    onWait: (holder) => config.log(`waiting for another infra command (pid ${holder}) to finish…`),
  });
}

// ---------------------------------------------------------------------------------------------------
// Prerequisites

function requireJava(): void {
  if (!commandExists('java')) {
    throw new InfraError('java not found: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)');
  }
}

function ensureKafkaJars(p: Paths, log: (l: string) => void): void {
  const hasJars =
    existsSync(p.kafkaLibs) && readdirSync(p.kafkaLibs).some((f) => f.startsWith('kafka_2.13-'));
  if (hasJars) return;
  if (!commandExists('mvn')) {
    throw new InfraError(`Kafka jars missing in ${p.kafkaLibs} and mvn not found: apt-get install -y maven`);
  }
  log(`fetching Kafka jars with Maven into ${p.kafkaLibs} (first run only, ~50 MB)…`);
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '--no-transfer-progress',
      '-f',
      p.pom,
      'dependency:copy-dependencies',
      `-Dlibs.dir=${p.kafkaLibs}`,
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0)
    throw new InfraError(`mvn dependency:copy-dependencies failed (exit ${result.status})`);
  log(`Kafka jars ready: ${readdirSync(p.kafkaLibs).length} files`);
}

function ensureRedisInstalled(log: (l: string) => void): void {
  ensureAptPackage('redis-server', 'redis-server', log);
}

/**
 * Installs the Debian package `pkg` with apt-get (update, then install without recommends) when
 * `command` is missing; as root only, else an error saying how. Used for redis-server here and for
 * haproxy by the scale-out reliability test.
 */
export function ensureAptPackage(command: string, pkg: string, log: (l: string) => void): void {
  if (commandExists(command)) return;
  if (process.getuid?.() !== 0) {
    throw new InfraError(`${command} not found: install it with sudo apt-get install -y ${pkg}`);
  }
  log(`${command} not found: running apt-get update && apt-get install -y ${pkg}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=120'];
  for (const args of [
    ['update', ...lockWait],
    ['install', '-y', '--no-install-recommends', ...lockWait, pkg],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new InfraError(`apt-get ${args[0]} failed (exit ${result.status})`);
  }
  if (!commandExists(command)) throw new InfraError(`apt-get finished but ${command} is still missing`);
}

// ---------------------------------------------------------------------------------------------------
// Kafka

function renderServerProperties(config: LocalInfraConfig, p: Paths): void {
  const text = readFileSync(p.template, 'utf8')
    .replaceAll('{{KAFKA_PORT}}', String(config.kafkaPort))
    .replaceAll('{{KAFKA_CONTROLLER_PORT}}', String(config.controllerPort))
    .replaceAll('{{KAFKA_DATA_DIR}}', p.kafkaData);
  writeFileSync(p.kafkaProps, text);
}

function javaClasspath(p: Paths): string {
  return `${p.kafkaLibs}/*`;
}

interface KraftStorage {
  readonly libs: string;
  readonly log4j: string;
  readonly props: string;
  readonly dataDir: string;
  readonly logsDir: string;
  /** Holds the cluster id, created on first use (shared by every node of one cluster). */
  readonly clusterIdFile: string;
}

/** `kafka-storage.sh random-uuid` once per cluster, then `format` unless the data dir already is. */
function formatKraftStorage(st: KraftStorage, log: (l: string) => void): void {
  if (existsSync(join(st.dataDir, 'meta.properties'))) return;
  const classpath = `${st.libs}/*`;
  if (!existsSync(st.clusterIdFile)) {
    const out = spawnSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'], {
      encoding: 'utf8',
    });
    const id = out.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (out.status !== 0 || id === '')
      throw new InfraError(`kafka StorageTool random-uuid failed:\n${out.stderr}`);
    writeFileSync(st.clusterIdFile, id);
  }
  const clusterId = readFileSync(st.clusterIdFile, 'utf8').trim();
  log(`formatting KRaft storage in ${st.dataDir} (cluster id ${clusterId})`);
  const args = ['-cp', classpath, `-Dlog4j.configuration=file:${st.log4j}`, `-Dkafka.logs.dir=${st.logsDir}`];
  const fmt = spawnSync(
    'java',
    [...args, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', st.props, '--ignore-formatted'],
    { encoding: 'utf8' },
  );
  if (fmt.status !== 0)
    throw new InfraError(`kafka StorageTool format failed:\n${fmt.stdout}\n${fmt.stderr}`);
}

function formatStorage(p: Paths, log: (l: string) => void): void {
  formatKraftStorage(
    {
      libs: p.kafkaLibs,
      log4j: p.log4j,
      props: p.kafkaProps,
      dataDir: p.kafkaData,
      logsDir: p.kafkaLogs,
      clusterIdFile: p.kafkaClusterId,
    },
    log,
  );
}

async function assertPortFree(config: LocalInfraConfig, port: number, what: string): Promise<void> {
  if (await isPortOpen(config.host, port)) {
    throw new InfraError(
      `port ${port} is in use by another process${portOwner(port)}; it is needed for ${what}. ` +
        'Stop that process or choose another port (KAFKA_PORT, KAFKA_CONTROLLER_PORT, REDIS_PORT).',
    );
  }
}

/**
 * True when a broker these scripts did not start (another checkout's, a test run's) answers on the
 * Kafka port. When the port is open but the broker does not answer at once, it may be starting, or
 * slow on a loaded machine (a 2 s probe failed at load 40): keep asking for up to
 * `INFRA_READY_TIMEOUT_MS` before calling the port taken.
 */
async function foreignKafkaAnswers(config: LocalInfraConfig, brokers: string[]): Promise<boolean> {
  if (await kafkaAnswers(brokers)) return true;
  const deadline = Date.now() + config.readyTimeoutMs;
  let said = false;
  while (Date.now() < deadline && (await isPortOpen(config.host, config.kafkaPort))) {
    if (!said) {
      config.log(
        `port ${config.kafkaPort} is open but Kafka does not answer yet; waiting up to ${Math.round(config.readyTimeoutMs / 1000)} s`,
      );
      said = true;
    }
    if (await kafkaAnswers(brokers, 5_000)) return true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

/** Starts Kafka unless it already answers; returns true when this call started it. */
async function upKafka(config: LocalInfraConfig): Promise<boolean> {
  const p = paths(config);
  const brokers = kafkaBrokers(config);
  const pid = livePid(p.kafkaPid, 'kafka');
  if (pid === undefined && (await foreignKafkaAnswers(config, brokers))) {
    config.log(`kafka already answering on ${brokers[0]} (not started by these scripts; leaving it alone)`);
    return false;
  }
  if (pid !== undefined) {
    const props = existsSync(p.kafkaProps) ? readFileSync(p.kafkaProps, 'utf8') : '';
    if (!props.includes(`PLAINTEXT://${config.host}:${config.kafkaPort},`)) {
      throw new InfraError(
        `kafka started by these scripts (pid ${pid}) listens on another port than ${config.kafkaPort}; ` +
          'run `npm run infra:down` first (with the same KAFKA_PORT it was started with)',
      );
    }
    await waitReady('kafka', () => kafkaAnswers(brokers), {
      pid,
      timeoutMs: config.readyTimeoutMs,
      logFile: p.kafkaServerLog,
      log: () => {},
    });
    config.log(`kafka already running (pid ${pid}) on ${brokers[0]}`);
    return false;
  }

  requireJava();
  await assertPortFree(config, config.kafkaPort, 'Kafka clients (KAFKA_PORT)');
  await assertPortFree(config, config.controllerPort, 'the Kafka controller (KAFKA_CONTROLLER_PORT)');
  for (const dir of [p.kafkaData, p.kafkaLogs]) mkdirSync(dir, { recursive: true });
  ensureKafkaJars(p, config.log);
  renderServerProperties(config, p);
  formatStorage(p, config.log);

  config.log(`starting kafka on ${brokers[0]} (controller ${config.host}:${config.controllerPort})`);
  const child = spawnDetached(
    'java',
    [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${p.log4j}`,
      `-Dkafka.logs.dir=${p.kafkaLogs}`,
      '-cp',
      javaClasspath(p),
      'kafka.Kafka',
      p.kafkaProps,
    ],
    p.kafkaStdout,
    config.root,
  );
  if (child.pid === undefined) throw new InfraError('could not start java');
  writeFileSync(p.kafkaPid, String(child.pid));
  await waitReady('kafka', () => kafkaAnswers(brokers), {
    pid: child.pid,
    timeoutMs: config.readyTimeoutMs,
    logFile: p.kafkaServerLog,
    log: config.log,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Redis

/**
 * Redis keeps derived state that can be rebuilt from Kafka, but a Redis restart should not force a
 * rebuild (or forget dedupe keys), so AOF is on (fsync every second) and RDB snapshots are off.
 */
function redisArgs(config: LocalInfraConfig, p: Paths): string[] {
  return [
    '--port',
    String(config.redisPort),
    '--bind',
    config.host,
    '--dir',
    p.redisDir,
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    // Ingest's dedupe keys make the AOF grow fast; with Redis's 64 MB default a write-heavy minute
    // forked a rewrite every 10-30 s, and on two cores each fork stalled requests (ingest p99 at
    // 30k events/s: 401 ms with rewrites, 49 ms without; npm run bench:ingest).
    '--auto-aof-rewrite-min-size',
    '1gb',
  ];
}

async function upRedis(config: LocalInfraConfig): Promise<boolean> {
  const p = paths(config);
  const pid = livePid(p.redisPid, 'redis');
  if (pid === undefined && (await redisAnswers(config.host, config.redisPort))) {
    config.log(
      `redis already answering on ${redisUrl(config)} (not started by these scripts; leaving it alone)`,
    );
    return false;
  }
  if (pid !== undefined) {
    if (!commandLine(pid).includes(`:${config.redisPort}`)) {
      throw new InfraError(
        `redis started by these scripts (pid ${pid}) listens on another port than ${config.redisPort}; ` +
          'run `npm run infra:down` first (with the same REDIS_PORT it was started with)',
      );
    }
    await waitReady('redis', () => redisAnswers(config.host, config.redisPort), {
      pid,
      timeoutMs: config.readyTimeoutMs,
      logFile: p.redisLog,
      log: () => {},
    });
    config.log(`redis already running (pid ${pid}) on ${redisUrl(config)}`);
    return false;
  }

  ensureRedisInstalled(config.log);
  await assertPortFree(config, config.redisPort, 'Redis (REDIS_PORT)');
  mkdirSync(p.redisDir, { recursive: true });
  config.log(`starting redis on ${redisUrl(config)} (data in ${p.redisDir}, AOF on, RDB off)`);
  const child = spawnDetached('redis-server', redisArgs(config, p), p.redisLog, p.redisDir);
  if (child.pid === undefined) throw new InfraError('could not start redis-server');
  writeFileSync(p.redisPid, String(child.pid));
  await waitReady('redis', () => redisAnswers(config.host, config.redisPort), {
    pid: child.pid,
    timeoutMs: config.readyTimeoutMs,
    logFile: p.redisLog,
    log: config.log,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Public API

/** Starts Kafka and Redis if they are not already up, and waits until both answer. Idempotent. */
export async function upLocal(config: LocalInfraConfig = localInfraConfig()): Promise<UpResult> {
  return withLock(config, async () => {
    const started: ServiceName[] = [];
    // Redis first: it is quick, and the apt-get install (if any) is then out of the way.
    if (await upRedis(config)) started.push('redis');
    const startedKafka = await upKafka(config);
    if (startedKafka) started.push('kafka');
    const began = Date.now();
    await waitForBrokerReady(kafkaBrokers(config), { timeoutMs: config.readyTimeoutMs }).catch(
      (err: unknown) => {
        const p = paths(config);
        throw new InfraError(
          `${(err as Error).message}. Last lines of ${p.kafkaServerLog}:\n${tail(p.kafkaServerLog)}`,
        );
      },
    );
    if (startedKafka) {
      config.log(
        `kafka coordinates groups and hands out producer ids after ${((Date.now() - began) / 1000).toFixed(1)} s more`,
      );
    }
    return { started, kafkaBrokers: kafkaBrokers(config), redisUrl: redisUrl(config) };
  });
}

async function stopProcess(name: ServiceName, pidFile: string, config: LocalInfraConfig): Promise<void> {
  const pid = livePid(pidFile, name);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    config.log(`${name} not running (nothing to stop)`);
    return;
  }
  await stopPid(name, pid, pidFile, config);
}

/** SIGTERM, SIGKILL after `stopTimeoutMs`; removes the pid file once the process is gone. */
async function stopPid(label: string, pid: number, pidFile: string, config: LocalInfraConfig): Promise<void> {
  config.log(`stopping ${label} (pid ${pid}, SIGTERM)…`);
  const started = Date.now();
  process.kill(pid, 'SIGTERM');
  while (isAlive(pid) && Date.now() - started < config.stopTimeoutMs) await sleep(200);
  if (isAlive(pid)) {
    config.log(`${label} still running after ${config.stopTimeoutMs / 1000} s: SIGKILL`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  } else {
    config.log(`${label} stopped after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  rmSync(pidFile, { force: true });
}

export interface DownOptions {
  /** Also delete Kafka data (topics, offsets, KRaft metadata) and Redis data. */
  readonly wipe?: boolean;
  /** Which services to stop. @defaultValue both */
  readonly services?: readonly ServiceName[];
}

/** Stops the Kafka and Redis processes these scripts started. Idempotent. */
export async function downLocal(
  config: LocalInfraConfig = localInfraConfig(),
  opts: DownOptions = {},
): Promise<void> {
  await withLock(config, async () => {
    const p = paths(config);
    // Kafka first: its controlled shutdown takes a few seconds; Redis stops at once.
    const services = opts.services ?? ['kafka', 'redis'];
    if (services.includes('kafka')) await stopProcess('kafka', p.kafkaPid, config);
    if (services.includes('redis')) await stopProcess('redis', p.redisPid, config);
    if (!opts.wipe) return;
    const doomed = {
      kafka: [p.kafkaData, p.kafkaLogs, p.kafkaClusterId, p.kafkaProps],
      redis: [p.redisDir],
    };
    for (const name of services) {
      for (const path of doomed[name]) rmSync(path, { recursive: true, force: true });
      config.log(`wiped ${name} data${name === 'kafka' ? ' and logs (jars kept)' : ''}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// The three-node cluster (`npm run infra:up -- --brokers 3`)

export interface ClusterNode {
  /** KRaft node id, 1..CLUSTER_SIZE. */
  readonly id: number;
  /** PLAINTEXT listener for clients. */
  readonly port: number;
  /** CONTROLLER listener (quorum only). */
  readonly controllerPort: number;
  readonly dir: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly props: string;
  readonly pidFile: string;
  readonly serverLog: string;
  readonly stdoutLog: string;
}

export function clusterNodes(config: LocalInfraConfig): ClusterNode[] {
  const base = join(config.root, '.local/kafka-cluster');
  return Array.from({ length: CLUSTER_SIZE }, (_, i) => {
    const dir = join(base, `node-${i + 1}`);
    return {
      id: i + 1,
      port: config.clusterPortBase + i,
      controllerPort: config.clusterPortBase + 100 + i,
      dir,
      dataDir: join(dir, 'data'),
      logsDir: join(dir, 'logs'),
      props: join(dir, 'server.properties'),
      pidFile: join(dir, 'kafka.pid'),
      serverLog: join(dir, 'logs/server.log'),
      stdoutLog: join(dir, 'logs/stdout.log'),
    };
  });
}

/** The cluster's client addresses, for `KAFKA_BROKERS`. */
export function clusterBrokers(config: LocalInfraConfig): string[] {
  return clusterNodes(config).map((n) => `${config.host}:${n.port}`);
}

function clusterPaths(config: LocalInfraConfig) {
  const dir = join(config.root, '.local/kafka-cluster');
  return {
    dir,
    clusterId: join(dir, 'cluster-id'),
    template: join(config.root, 'infra/kafka/cluster.properties.template'),
  };
}

/** The pid of node `node` when it is alive and is that node's JVM (its properties file on the command line). */
function nodePid(node: ClusterNode): number | undefined {
  const pid = livePid(node.pidFile, 'kafka');
  if (pid === undefined) return undefined;
  const cmd = commandLine(pid);
  return cmd === '' || cmd.includes(node.props) ? pid : undefined;
}

/**
 * True when broker `address` answers a metadata request and lists every node of the cluster as a
 * registered broker: the quorum has a leader and every broker has joined it.
 */
async function clusterNodeAnswers(address: string, timeoutMs = 2_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'fenghuo-infra-probe',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  try {
    const cluster = await withAdmin(kafka, (admin) => admin.describeCluster());
    return cluster.brokers.length === CLUSTER_SIZE;
  } catch {
    return false;
  }
}

function renderNodeProperties(config: LocalInfraConfig, node: ClusterNode): void {
  const voters = clusterNodes(config)
    .map((n) => `${n.id}@${config.host}:${n.controllerPort}`)
    .join(',');
  const text = readFileSync(clusterPaths(config).template, 'utf8')
    .replaceAll('{{NODE_ID}}', String(node.id))
    .replaceAll('{{QUORUM_VOTERS}}', voters)
    .replaceAll('{{KAFKA_PORT}}', String(node.port))
    .replaceAll('{{KAFKA_CONTROLLER_PORT}}', String(node.controllerPort))
    .replaceAll('{{KAFKA_DATA_DIR}}', node.dataDir);
  writeFileSync(node.props, text);
}

/** Starts one node's JVM (its storage formatted first); does not wait for it. */
async function startClusterNode(config: LocalInfraConfig, node: ClusterNode): Promise<number> {
  const p = paths(config);
  const cp = clusterPaths(config);
  await assertPortFree(config, node.port, `cluster node ${node.id} (KAFKA_CLUSTER_PORT_BASE)`);
  await assertPortFree(config, node.controllerPort, `cluster node ${node.id}'s controller`);
  for (const dir of [node.dataDir, node.logsDir]) mkdirSync(dir, { recursive: true });
  renderNodeProperties(config, node);
  formatKraftStorage(
    {
      libs: p.kafkaLibs,
      log4j: p.log4j,
      props: node.props,
      dataDir: node.dataDir,
      logsDir: node.logsDir,
      clusterIdFile: cp.clusterId,
    },
    config.log,
  );
  config.log(
    `starting kafka node ${node.id} on ${config.host}:${node.port} (controller ${config.host}:${node.controllerPort})`,
  );
  const child = spawnDetached(
    'java',
    [
      // Three JVMs on one machine: half the single broker's heap each is plenty for tests.
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${p.log4j}`,
      `-Dkafka.logs.dir=${node.logsDir}`,
      '-cp',
      javaClasspath(p),
      'kafka.Kafka',
      node.props,
    ],
    node.stdoutLog,
    config.root,
  );
  if (child.pid === undefined) throw new InfraError(`could not start java for kafka node ${node.id}`);
  writeFileSync(node.pidFile, String(child.pid));
  return child.pid;
}

export interface ClusterUpResult extends UpResult {
  /** Node ids this call started (all three on a cold start; the missing ones after a node died). */
  readonly startedNodes: number[];
}

/**
 * Starts every cluster node that is not running (and Redis, as `upLocal` does), then waits until
 * every node lists all three brokers and the cluster coordinates groups and hands out producer ids.
 * Idempotent; after a node was killed it starts just that node, so it is also the restart.
 * Never touches the single broker (KAFKA_PORT) or its data.
 */
export async function upCluster(config: LocalInfraConfig = localInfraConfig()): Promise<ClusterUpResult> {
  return withLock(config, async () => {
    const started: ServiceName[] = [];
    if (await upRedis(config)) started.push('redis');
    const nodes = clusterNodes(config);
    const brokers = clusterBrokers(config);
    const pids = new Map<number, number>();
    const missing: ClusterNode[] = [];
    for (const node of nodes) {
      const pid = nodePid(node);
      if (pid === undefined) missing.push(node);
      else pids.set(node.id, pid);
    }
    if (missing.length > 0) {
      requireJava();
      ensureKafkaJars(paths(config), config.log);
      mkdirSync(clusterPaths(config).dir, { recursive: true });
      // All missing nodes at once: a node cannot become ready before a majority of the quorum runs.
      for (const node of missing) pids.set(node.id, await startClusterNode(config, node));
      started.push('kafka');
    }
    await Promise.all(
      nodes.map((node) =>
        waitReady(`kafka node ${node.id}`, () => clusterNodeAnswers(`${config.host}:${node.port}`), {
          pid: pids.get(node.id),
          timeoutMs: config.readyTimeoutMs,
          logFile: node.serverLog,
          log: missing.includes(node) ? config.log : () => {},
        }),
      ),
    );
    await waitForBrokerReady(brokers, { timeoutMs: config.readyTimeoutMs }).catch((err: unknown) => {
      throw new InfraError(`kafka cluster: ${(err as Error).message}`);
    });
    return {
      started,
      startedNodes: missing.map((n) => n.id),
      kafkaBrokers: brokers,
      redisUrl: redisUrl(config),
    };
  });
}

export interface ClusterNodeStatus {
  readonly id: number;
  /** Something listens on the node's client port (ours or not). */
  readonly running: boolean;
  readonly pid: number | undefined;
  readonly port: number;
  /** Answers metadata requests and sees all three brokers. */
  readonly ready: boolean;
}

export interface ClusterStatus {
  readonly nodes: ClusterNodeStatus[];
  /** At least one node was started by these scripts and is alive. */
  readonly anyManaged: boolean;
  readonly allUp: boolean;
}

export async function statusCluster(config: LocalInfraConfig = localInfraConfig()): Promise<ClusterStatus> {
  const nodes = await Promise.all(
    clusterNodes(config).map(async (node): Promise<ClusterNodeStatus> => {
      const pid = nodePid(node);
      const running = (await isPortOpen(config.host, node.port)) || pid !== undefined;
      const ready = running && (await clusterNodeAnswers(`${config.host}:${node.port}`));
      return { id: node.id, running, pid, port: node.port, ready };
    }),
  );
  return {
    nodes,
    anyManaged: nodes.some((n) => n.pid !== undefined),
    allUp: nodes.every((n) => n.ready),
  };
}

/**
 * SIGKILLs cluster node `id` (a crash: no controlled shutdown) and waits until it is gone; returns
 * its pid. For fault-injection tests; `upCluster` starts it again.
 */
export async function killClusterNode(config: LocalInfraConfig, id: number): Promise<number> {
  const node = clusterNodes(config).find((n) => n.id === id);
  if (node === undefined) throw new InfraError(`no cluster node ${id} (1-${CLUSTER_SIZE})`);
  const pid = nodePid(node);
  if (pid === undefined) throw new InfraError(`cluster node ${id} is not running`);
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  return pid;
}

/** Stops the cluster nodes these scripts started (not Redis); `wipe` deletes their data. Idempotent. */
export async function downCluster(
  config: LocalInfraConfig = localInfraConfig(),
  opts: { readonly wipe?: boolean } = {},
): Promise<void> {
  await withLock(config, async () => {
    const nodes = clusterNodes(config);
    // In parallel: each broker's controlled shutdown moves its leaderships to the others.
    await Promise.all(
      nodes.map(async (node) => {
        const pid = nodePid(node);
        if (pid === undefined) {
          rmSync(node.pidFile, { force: true });
          return;
        }
        await stopPid(`kafka node ${node.id}`, pid, node.pidFile, config);
      }),
    );
    if (opts.wipe) {
      rmSync(clusterPaths(config).dir, { recursive: true, force: true });
      config.log('wiped the kafka cluster data and logs');
    }
  });
}
