/**
 * Redis topologies beside the single Redis, as plain redis-server processes on loopback
 * (`npm run infra:up -- --redis sentinel|cluster`, and the Redis reliability tests with their own
 * ports and folders):
 *
 * - **sentinel**: a primary, one replica and three sentinels watching them as `fenghuo`
 *   (`REDIS_SENTINEL_MASTER`). Ports: primary `base`, replica `base + 1`, sentinels
 *   `base + 100` .. `base + 102` (default base 16379: 16379, 16380, 16479-16481). Data in
 *   `<dir>/primary`, `<dir>/replica`, `<dir>/sentinel-N` (default `.local/redis-sentinel/`).
 *   The primary is a node like any other: after a failover the replica is primary, and the old
 *   primary, restarted, joins as its replica (the sentinels rewrite its configuration).
 * - **cluster**: three masters (`base` .. `base + 2`, default 17001-17003) and, with `replicas`,
 *   one replica each (`base + 3` .. `base + 5`), created with `redis-cli --cluster create`. Each
 *   node also listens on its port + 10000 (the cluster bus).
 *   Data in `<dir>/node-<port>` (default `.local/redis-cluster/`).
 *
 * Every node writes an AOF (fsync every second), like the single Redis. Each process's pid is in
 * its folder (`redis.pid`); `down` stops only processes whose pid file it finds.
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
import { join } from 'node:path';
import { processAlive } from '@fenghuo/kit';
import { FenghuoError } from '@fenghuo/kit/errors';

export const SENTINEL_MASTER = 'fenghuo';
export const SENTINEL_PORT_BASE = 16_379;
export const REDIS_CLUSTER_PORT_BASE = 17_001;
export const REDIS_CLUSTER_MASTERS = 3;

export class RedisTopologyError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'INFRA_REDIS_TOPOLOGY' });
  }
}

export interface TopologyConfig {
  /** Folder holding one sub-folder per process. */
  readonly dir: string;
  readonly host: string;
  readonly portBase: number;
  readonly readyTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface SentinelConfig extends TopologyConfig {
  /** How long a primary stays silent before the sentinels call it down. @defaultValue 2000 */
  readonly downAfterMs?: number;
}

export interface ClusterConfig extends TopologyConfig {
  /** Replicas per master (0 or 1). */
  readonly replicas: 0 | 1;
  /** `cluster-node-timeout`: how long a master stays silent before its replica takes over. @defaultValue 3000 */
  readonly nodeTimeoutMs?: number;
}

export interface NodeStatus {
  /** `primary`, `replica`, `sentinel-1`, `node-17001`… */
  readonly name: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** What the node says it is: `master`, `slave`, `sentinel`, or `-` when it does not answer. */
  readonly role: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function raw(host: string, port: number, ...args: string[]): string | undefined {
  const r = spawnSync('redis-cli', ['-h', host, '-p', String(port), '--raw', ...args], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  if (r.status !== 0 || r.stdout === undefined || r.stdout.startsWith('ERR')) return undefined;
  return r.stdout.trim();
}

/** `SENTINEL MASTER <name>` of one sentinel as a map (empty when it does not answer). */
function sentinelMasterFields(host: string, port: number): Map<string, string> {
  const lines = raw(host, port, 'SENTINEL', 'master', SENTINEL_MASTER)?.split('\n') ?? [];
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) out.set(lines[i] as string, lines[i + 1] as string);
  return out;
}

/** The `role:` of INFO replication (`master`/`slave`), `sentinel` for a sentinel, `-` when silent. */
export function roleOf(host: string, port: number): string {
  const info = raw(host, port, 'INFO', 'server');
  if (info === undefined) return '-';
  if (/redis_mode:sentinel/.test(info)) return 'sentinel';
  return /role:(\w+)/.exec(raw(host, port, 'INFO', 'replication') ?? '')?.[1] ?? '-';
}

function pidIn(folder: string): number | undefined {
  const file = join(folder, 'redis.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  const cmd = (() => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  })();
  return cmd === '' || cmd.includes('redis') ? pid : undefined;
}

function spawnNode(folder: string, args: readonly string[]): ChildProcess {
  mkdirSync(folder, { recursive: true });
  const out = openSync(join(folder, 'redis.log'), 'a');
  try {
    const child = spawn('redis-server', [...args], {
      cwd: folder,
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new RedisTopologyError(`could not start redis-server in ${folder}`);
    writeFileSync(join(folder, 'redis.pid'), String(child.pid));
    return child;
  } finally {
    closeSync(out);
  }
}

function tail(folder: string): string {
  const file = join(folder, 'redis.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-10).join('\n') : '';
}

async function waitFor(
  what: string,
  cfg: TopologyConfig,
  check: () => boolean,
  folder?: string,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < cfg.readyTimeoutMs) {
    if (check()) return;
    await sleep(250);
  }
  throw new RedisTopologyError(
    `${what} not ready within ${cfg.readyTimeoutMs / 1000} s${folder ? `. Last lines of ${folder}/redis.log:\n${tail(folder)}` : ''}`,
  );
}

function dataArgs(cfg: TopologyConfig, port: number, folder: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    cfg.host,
    '--dir',
    folder,
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
    '--auto-aof-rewrite-min-size',
    '1gb',
  ];
}

/** Starts a data node in `folder` unless its pid file names a live one; true when started. */
async function ensureNode(cfg: TopologyConfig, name: string, port: number, args: string[]): Promise<boolean> {
  const folder = join(cfg.dir, name);
  if (pidIn(folder) !== undefined) return false;
  if (roleOf(cfg.host, port) !== '-') {
    throw new RedisTopologyError(`port ${port} (${name}) already answers, but not a process of ${cfg.dir}`);
  }
  cfg.log(`starting ${name} on ${cfg.host}:${port}`);
  const child = spawnNode(folder, args);
  await waitFor(
    name,
    cfg,
    () => {
      if (child.pid !== undefined && !processAlive(child.pid)) {
        throw new RedisTopologyError(
          `${name} exited during start-up. Last lines of ${folder}/redis.log:\n${tail(folder)}`,
        );
      }
      return roleOf(cfg.host, port) !== '-';
    },
    folder,
  );
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Sentinel

export function sentinelPorts(cfg: TopologyConfig): {
  primary: number;
  replica: number;
  sentinels: number[];
} {
  const b = cfg.portBase;
  return { primary: b, replica: b + 1, sentinels: [b + 100, b + 101, b + 102] };
}

/** `REDIS_SENTINELS` for services: the three sentinels. */
export function sentinelAddresses(cfg: TopologyConfig): string {
  return sentinelPorts(cfg)
    .sentinels.map((p) => `${cfg.host}:${p}`)
    .join(',');
}

/** The primary's port as the sentinels see it (the first that answers), or undefined. */
export function sentinelPrimaryPort(cfg: TopologyConfig): number | undefined {
  for (const port of sentinelPorts(cfg).sentinels) {
    const out = raw(cfg.host, port, 'SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER);
    const lines = out?.split('\n') ?? [];
    if (lines.length >= 2) return Number(lines[1]);
  }
  return undefined;
}

/**
 * Starts whatever is down: the primary, the replica, the three sentinels. A node that was a
 * replica (or primary) before keeps its role: a restarted old primary is told by the sentinels to
 * follow the new one. Returns the names started.
 */
export async function upSentinel(cfg: SentinelConfig): Promise<string[]> {
  const ports = sentinelPorts(cfg);
  const started: string[] = [];
  const knownPrimary = sentinelPrimaryPort(cfg);
  for (const [name, port] of [
    ['primary', ports.primary],
    ['replica', ports.replica],
  ] as const) {
    const args = dataArgs(cfg, port, join(cfg.dir, name));
    // At first start the replica follows the primary; later the sentinels decide who follows whom.
    const follow =
      knownPrimary === undefined ? (name === 'replica' ? ports.primary : undefined) : knownPrimary;
    if (follow !== undefined && follow !== port) args.push('--replicaof', cfg.host, String(follow));
    if (await ensureNode(cfg, name, port, args)) started.push(name);
  }
  for (const [i, port] of ports.sentinels.entries()) {
    const name = `sentinel-${i + 1}`;
    const folder = join(cfg.dir, name);
    if (pidIn(folder) !== undefined) continue;
    mkdirSync(folder, { recursive: true });
    const conf = join(folder, 'sentinel.conf');
    // The sentinels rewrite their file (the primary they follow, the others they met): write it once.
    if (!existsSync(conf)) {
      writeFileSync(
        conf,
        [
          `port ${port}`,
          `bind ${cfg.host}`,
          `dir ${folder}`,
          `sentinel monitor ${SENTINEL_MASTER} ${cfg.host} ${ports.primary} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${cfg.downAfterMs ?? 2_000}`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          '',
        ].join('\n'),
      );
    }
    cfg.log(`starting ${name} on ${cfg.host}:${port}`);
    spawnNode(folder, [conf, '--sentinel', '--daemonize', 'no', '--logfile', '']);
    started.push(name);
  }
  await waitFor('sentinels', cfg, () => ports.sentinels.every((p) => roleOf(cfg.host, p) === 'sentinel'));
  await waitFor('replication', cfg, () => {
    const primary = sentinelPrimaryPort(cfg);
    if (primary === undefined) return false;
    const info = raw(cfg.host, primary, 'INFO', 'replication') ?? '';
    return /connected_slaves:1/.test(info) && /state=online/.test(info);
  });
  // Ready to fail over only once every sentinel knows the replica (from the primary's INFO, which
  // sentinels ask every 10 s) and the two other sentinels (their hellos, every 2 s): a primary lost
  // before that cannot be replaced, since no sentinel can be elected or no replica is known.
  await waitFor('sentinels ready to fail over', cfg, () =>
    ports.sentinels.every((p) => {
      const fields = sentinelMasterFields(cfg.host, p);
      return (
        Number(fields.get('num-slaves') ?? 0) >= 1 && Number(fields.get('num-other-sentinels') ?? 0) >= 2
      );
    }),
  );
  return started;
}

export function statusSentinel(cfg: TopologyConfig): NodeStatus[] {
  const ports = sentinelPorts(cfg);
  const nodes: [string, number][] = [
    ['primary', ports.primary],
    ['replica', ports.replica],
    ...ports.sentinels.map((p, i): [string, number] => [`sentinel-${i + 1}`, p]),
  ];
  return nodes.map(([name, port]) => {
    const pid = pidIn(join(cfg.dir, name));
    const role = roleOf(cfg.host, port);
    return { name, port, pid, running: pid !== undefined || role !== '-', role };
  });
}

// ---------------------------------------------------------------------------------------------------
// Cluster

export function clusterPorts(cfg: ClusterConfig): number[] {
  const count = REDIS_CLUSTER_MASTERS * (1 + cfg.replicas);
  return Array.from({ length: count }, (_, i) => cfg.portBase + i);
}

/** `REDIS_CLUSTER_NODES` for services: the masters as created (any node would do as a seed). */
export function clusterAddresses(cfg: ClusterConfig): string {
  return clusterPorts(cfg)
    .slice(0, REDIS_CLUSTER_MASTERS)
    .map((p) => `${cfg.host}:${p}`)
    .join(',');
}

function clusterState(cfg: TopologyConfig, port: number): { ok: boolean; known: number } {
  const info = raw(cfg.host, port, 'CLUSTER', 'INFO') ?? '';
  return {
    ok: /cluster_state:ok/.test(info),
    known: Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1] ?? '0'),
  };
}

/**
 * Starts the nodes that are down and, the first time, makes them a cluster (16384 slots over the
 * three masters, one replica each with `replicas: 1`); waits until every node reports
 * `cluster_state:ok`. Returns the names started.
 */
export async function upRedisCluster(cfg: ClusterConfig): Promise<string[]> {
  const ports = clusterPorts(cfg);
  const started: string[] = [];
  for (const port of ports) {
    const name = `node-${port}`;
    const args = [
      ...dataArgs(cfg, port, join(cfg.dir, name)),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(cfg.nodeTimeoutMs ?? 3_000),
      // A master down with no replica leaves its slots unserved: the rest keep answering theirs.
      '--cluster-require-full-coverage',
      'no',
    ];
    if (await ensureNode(cfg, name, port, args)) started.push(name);
  }
  const first = ports[0] as number;
  if (clusterState(cfg, first).known < ports.length) {
    cfg.log(`creating the cluster: ${REDIS_CLUSTER_MASTERS} masters, ${cfg.replicas} replica(s) each`);
    const r = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `${cfg.host}:${p}`),
        '--cluster-replicas',
        String(cfg.replicas),
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) {
      throw new RedisTopologyError(`redis-cli --cluster create failed:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    }
  }
  await waitFor('cluster', cfg, () =>
    ports.every((p) => {
      const s = clusterState(cfg, p);
      return s.ok && s.known === ports.length;
    }),
  );
  // A replica that has not finished its first sync refuses to take over (its data is too old), so
  // the cluster is ready once every replica's link to its master is up.
  await waitFor('cluster replicas', cfg, () => {
    const linked = ports.filter((p) =>
      /master_link_status:up/.test(raw(cfg.host, p, 'INFO', 'replication') ?? ''),
    );
    return linked.length === REDIS_CLUSTER_MASTERS * cfg.replicas;
  });
  return started;
}

export function statusRedisCluster(cfg: ClusterConfig): NodeStatus[] {
  return clusterPorts(cfg).map((port) => {
    const name = `node-${port}`;
    const pid = pidIn(join(cfg.dir, name));
    const role = roleOf(cfg.host, port);
    return { name, port, pid, running: pid !== undefined || role !== '-', role };
  });
}

// ---------------------------------------------------------------------------------------------------
// Stop

/** Stops every process with a pid file under `cfg.dir` (SIGTERM, SIGKILL after 10 s); `wipe` deletes the folder. */
export async function downTopology(cfg: TopologyConfig, opts: { wipe?: boolean } = {}): Promise<string[]> {
  const stopped: string[] = [];
  if (existsSync(cfg.dir)) {
    for (const name of readdirSync(cfg.dir)) {
      const folder = join(cfg.dir, name);
      const pid = pidIn(folder);
      if (pid === undefined) continue;
      cfg.log(`stopping ${name} (pid ${pid})`);
      await stopPid(pid);
      rmSync(join(folder, 'redis.pid'), { force: true });
      stopped.push(name);
    }
  }
  if (opts.wipe) rmSync(cfg.dir, { recursive: true, force: true });
  return stopped;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const started = Date.now();
  while (processAlive(pid) && Date.now() - started < 10_000) await sleep(100);
  if (processAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (processAlive(pid)) await sleep(100);
  }
}
