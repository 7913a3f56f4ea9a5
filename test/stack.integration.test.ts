/**
 * The whole stack as `npm start` runs it: infra/scripts/start.ts itself as a process (the same
 * steps, the same service list, ROUTER_UNSEEN_UNITS=skip, and the simulator it starts once every
 * service is ready), on the global setup's broker and Redis, under a topic, group and Redis key
 * prefix of its own, with its own ports and files. The simulator plays a short burst at high speed
 * with a fixed seed: residents living in a few cells (some of them fraud victims), 110 incidents,
 * patrol units and the community officers of the residents' cells answering through the gateway,
 * fleeing vehicles past cameras. Operators made with `npm run users -- add` (one for each of the
 * city's districts, since an operator sees their own region) log in through the gateway's login
 * API and connect with socket.io-client; between them they receive fraud warnings, dispatches,
 * acknowledgements and interception plans, and the outcomes the simulated officers record come back
 * as labels on `outcomes.labelled` (read from the broker, read_committed), one of them by a
 * community officer of the residents' cells. The audit writer chains it all into `audit.log`: the
 * operators' logins, the router's dispatches, the officers' acknowledgements and outcomes, each
 * once, without a break.
 *
 * Everything waits on events with generous deadlines (the machine may be three times slower and
 * busy with other tests); nothing asserts a time. Local infra only: start.ts brings up (or reuses)
 * the local Kafka and Redis, so the test is skipped when the global setup runs containers.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import {
  type Alert,
  type AuditLogEntry,
  type ClientToServerEvents,
  Codecs,
  type DispatchOrder,
  type InterceptionPlan,
  type LoginResponse,
  type OutcomeLabel,
  type ServerToClientEvents,
  type TimelineEvent,
  Topic,
  verifyAuditChain,
} from '@fenghuo/contracts';
import { partitionBounds, readPartitionRange, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from './setup/free-port.ts';
import { readAll, testKafka, uniquePrefix, waitFor } from './setup/helpers.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const KEEP_LINES = 400;

/** The burst the simulator plays: 90 simulated minutes at 90× (about a minute of wall time). */
const SIM: Readonly<Record<string, string>> = {
  SIM_SEED: '11',
  SIM_SPEED: '90',
  SIM_DURATION_MIN: '90',
  SIM_RESIDENTS: '40',
  SIM_VICTIM_SHARE: '0.3',
  SIM_HOME_CELLS: '3',
  SIM_INCIDENTS_PER_DAY: '1500',
  SIM_FLEEING_PER_DAY: '150',
  SIM_UNITS: '5',
};

interface Seen {
  readonly alerts: Map<string, Alert>;
  readonly orders: Map<string, DispatchOrder>;
  readonly acks: TimelineEvent[];
  readonly plans: Map<string, InterceptionPlan>;
}

function portOf(address: string): string {
  const port = /:(\d+)(?:\/.*)?$/.exec(address)?.[1];
  if (port === undefined) throw new Error(`no port in ${address}`);
  return port;
}

describe.skipIf(inject('infraMode') === 'docker')('the whole stack as npm start runs it', () => {
  const prefix = uniquePrefix('stack');
  const dir = mkdtempSync(join(tmpdir(), 'fh-stack-'));
  const usersFile = join(dir, 'gateway', 'users.json');
  const lines: string[] = [];
  const seen: Seen = { alerts: new Map(), orders: new Map(), acks: [], plans: new Map() };
  const perOperator = new Map<string, { alerts: number; orders: number; acks: number; plans: number }>();
  const labels: OutcomeLabel[] = [];
  const sockets: Socket[] = [];
  let stack: ChildProcess | undefined;
  let kafka: Kafka;
  let labelReader: Consumer | undefined;
  let gatewayUrl = '';
  let operators: { username: string; password: string; district: string }[] = [];
  /** The district of each station of the city pack. */
  const districtOf = new Map<string, string>();
  /** The station of each unit of the city pack. */
  const stationOfUnit = new Map<string, string>();

  const output = () => lines.join('\n');
  /** Lines of npm start's output the test waits for, kept however much output follows them. */
  const marks = { ready: false, simulatorDone: false };

  beforeAll(async () => {
    kafka = testKafka('stack-test');
    const { pack } = loadOrGenerateDefaultPack();
    for (const d of pack.districts) for (const st of d.stationIds) districtOf.set(st, d.id);
    for (const u of pack.units) stationOfUnit.set(u.id, u.stationId);
    // Operators as an administrator makes them, before the gateway starts (it reads the file).
    mkdirSync(join(dir, 'gateway'), { recursive: true });
    operators = pack.districts.map((d) => ({
      username: `stack-op-${d.id}`,
      password: randomBytes(12).toString('base64url'),
      district: d.id,
    }));
    for (const op of operators) {
      await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'dispatch-ui/gateway/scripts/users.ts',
          'add',
          op.username,
          '--role',
          'operator',
          '--district',
          op.district,
          `--password=${op.password}`,
          '--file',
          usersFile,
        ],
        { cwd: REPO_ROOT },
      );
    }

    const ports = {
      INGEST_PORT: String(await freePort()),
      GATEWAY_PORT: String(await freePort()),
      SCORER_OPS_PORT: String(await freePort()),
      RULES_PORT: String(await freePort()),
      ROUTER_OPS_PORT: String(await freePort()),
      INTERCEPTOR_OPS_PORT: String(await freePort()),
      AUDIT_OPS_PORT: String(await freePort()),
    };
    gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    // `npm start` runs from a shell, without vitest's NODE_ENV=test.
    delete env.NODE_ENV;
    Object.assign(env, {
      KAFKA_PORT: portOf(inject('kafkaBrokers')[0] ?? ''),
      REDIS_PORT: portOf(inject('redisUrl')),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_KEY_PREFIX: prefix,
      SCORER_GROUP_ID: `${prefix}fraud-scorer`,
      RULES_GROUP_ID: `${prefix}rules`,
      ROUTER_GROUP_ID: `${prefix}router`,
      INTERCEPTOR_GROUP_ID: `${prefix}interceptor`,
      GATEWAY_GROUP_ID: `${prefix}gateway`,
      AUDIT_GROUP_ID: `${prefix}audit-writer`,
      AUDIT_TRANSACTIONAL_ID: `${prefix}audit-writer`,
      ...ports,
      INGEST_KEYS_FILE: join(dir, 'ingest', 'keys.json'),
      GATEWAY_USERS_FILE: usersFile,
      FENGHUO_CONSOLE_BUILD: '0',
      LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
      ...SIM,
      SIM_OFFICERS_FILE: join(dir, 'sim', 'officers.json'),
      SIM_TRUTH_FILE: join(dir, 'sim', 'truth.ndjson'),
    });
    // Its own process group, so the services it starts can be stopped with it whatever happens.
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/scripts/start.ts'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    stack = child;
    const show = process.env.TEST_SERVICE_OUTPUT === '1';
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        lines.push(line);
        if (lines.length > KEEP_LINES) lines.shift();
        if (line.includes('Fenghuo (烽火) is ready')) marks.ready = true;
        if (line.includes('simulator finished its simulated period')) marks.simulatorDone = true;
        if (show) console.log(line);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    // Ready: the banner is printed once every service answers /readyz.
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited (code ${child.exitCode})`);
        return marks.ready;
      },
      { timeoutMs: 300_000, intervalMs: 250, message: () => `the ready banner\n${output()}` },
    );

    labelReader = kafka.consumer({ groupId: `${prefix}labels-reader`, maxWaitTimeInMs: 250 });
    await labelReader.connect();
    await labelReader.subscribe({ topic: `${prefix}${Topic.OutcomesLabelled}`, fromBeginning: true });
    await labelReader.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) labels.push(JSON.parse(message.value.toString('utf8')) as OutcomeLabel);
      },
    });

    for (const op of operators) {
      const res = await fetch(`${gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: op.username, password: op.password }),
        signal: AbortSignal.timeout(30_000),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const { token } = (await res.json()) as LoginResponse;
      const counts = { alerts: 0, orders: 0, acks: 0, plans: 0 };
      perOperator.set(op.username, counts);
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(gatewayUrl, {
        auth: { token },
        transports: ['websocket'],
      });
      sockets.push(socket);
      socket.on('alert:upserted', (a) => {
        counts.alerts++;
        seen.alerts.set(a.alertId, a);
      });
      socket.on('order:upserted', (o) => {
        counts.orders++;
        seen.orders.set(o.orderId, o);
      });
      socket.on('timeline:appended', (t) => {
        if (t.type !== 'acknowledged') return;
        counts.acks++;
        seen.acks.push(t);
      });
      socket.on('plan:upserted', (p) => {
        counts.plans++;
        seen.plans.set(p.pursuitId, p);
      });
      // What happened before the socket connected comes in the first snapshot.
      socket.on('snapshot', (s) => {
        for (const a of s.alerts ?? []) seen.alerts.set(a.alertId, a);
        for (const o of s.orders ?? []) seen.orders.set(o.orderId, o);
        for (const p of s.plans ?? []) seen.plans.set(p.pursuitId, p);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
    }
  }, 420_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await labelReader?.disconnect().catch(() => undefined);
    const child = stack;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM'); // npm start's own shutdown: the services, then itself
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, 45_000);
      await exited;
      clearTimeout(timer);
    }
    // Whatever of its group is still there (a service that outlived start.ts).
    try {
      if (child?.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // none left
    }
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    } finally {
      redis.disconnect();
    }
    await withAdmin(kafka, async (admin) => {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
    }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('operators see warnings, dispatches, acknowledgements and plans; officers’ outcomes come back as labels', async () => {
    const deadline = { timeoutMs: 360_000, intervalMs: 500 };
    await waitFor(() => seen.alerts.size > 0, { ...deadline, message: () => `a fraud warning\n${output()}` });
    await waitFor(() => seen.orders.size > 0, { ...deadline, message: () => `a dispatch\n${output()}` });
    await waitFor(() => seen.acks.length > 0, {
      ...deadline,
      message: () => `an acknowledgement\n${output()}`,
    });
    await waitFor(() => seen.plans.size > 0, {
      ...deadline,
      message: () => `an interception plan\n${output()}`,
    });

    // The community officers of the residents' cells, as the simulator played them.
    const truth = (): {
      type: string;
      unitId?: string;
      kind?: string;
      officer?: string;
      alertId?: string;
      outcome?: string;
      ok?: boolean;
    }[] =>
      readFileSync(join(dir, 'sim', 'truth.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const community = new Set(
      truth()
        .filter((t) => t.type === 'unit' && t.kind === 'community_officer')
        .map((t) => t.officer),
    );
    expect(community.size, output()).toBeGreaterThan(0);
    await waitFor(() => labels.some((l) => community.has(l.labelledBy)), {
      ...deadline,
      message: () =>
        `a label recorded by a community officer (${[...community].join(', ')}); labels so far: ${JSON.stringify(labels)}\n${output()}`,
    });

    // One operator alone, of the district the residents live in, saw their warnings, the orders and
    // the acknowledgements.
    const homeDistricts = new Set(
      truth()
        .filter((t) => t.type === 'unit' && t.kind === 'community_officer')
        .map((t) => districtOf.get(stationOfUnit.get(t.unitId ?? '') ?? '')),
    );
    await waitFor(
      () =>
        operators.some((op) => {
          const c = perOperator.get(op.username);
          return (
            homeDistricts.has(op.district) && c !== undefined && c.alerts > 0 && c.orders > 0 && c.acks > 0
          );
        }),
      {
        ...deadline,
        message: `an operator of ${[...homeDistricts].join(', ')} with warnings, orders and acks`,
      },
    );

    // Once the simulated period is over, every outcome an officer recorded (the gateway said ok) is a
    // label by that officer.
    await waitFor(() => marks.simulatorDone, {
      ...deadline,
      message: () => `the simulator's end\n${output()}`,
    });
    const recorded = truth().filter((t) => t.type === 'outcome' && t.ok === true);
    expect(recorded.length).toBeGreaterThan(0);
    const allLabelled = (list: readonly OutcomeLabel[]) =>
      recorded.every((r) =>
        list.some(
          (l) => l.alertId === r.alertId && l.outcome === r.outcome && l.labelledBy === `sim-${r.unitId}`,
        ),
      );
    let nextRead = Date.now() + 10_000;
    await waitFor(
      async () => {
        if (allLabelled(labels)) return true;
        if (Date.now() < nextRead) return false;
        nextRead = Date.now() + 10_000;
        // The live reader can miss a record around a restart of its consumer on a starved machine
        // (a pinned run saw one label read twice and another never); the topic itself is the
        // authority: read it whole, and say so when it holds what the live reader missed.
        const stored = (await readAll(kafka, `${prefix}${Topic.OutcomesLabelled}`)).map(
          (m) => JSON.parse(m.value ?? '{}') as OutcomeLabel,
        );
        if (!allLabelled(stored)) return false;
        console.log(
          `[stack] the live label reader had ${labels.length} labels, the topic holds ${stored.length}: reading the topic`,
        );
        labels.splice(0, labels.length, ...stored);
        return true;
      },
      {
        ...deadline,
        message: () =>
          `labels of the ${recorded.length} outcomes recorded: ${JSON.stringify(recorded)}; labels: ${JSON.stringify(labels)}`,
      },
    );

    // Every label is a simulated officer's outcome of a warning the operators were shown.
    await waitFor(() => labels.every((l) => seen.alerts.has(l.alertId)), {
      ...deadline,
      message: 'the warnings of every label',
    });
    for (const l of labels) {
      expect(l.labelledBy).toMatch(/^sim-/);
      expect(seen.alerts.get(l.alertId)?.subjectId).toBe(l.subjectId);
    }
    // Acknowledgements on the operators' timelines name orders they were shown.
    expect(seen.acks.some((a) => 'orderId' in a && seen.orders.has(a.orderId ?? ''))).toBe(true);
    // Dispatches for fraud warnings went to the community officers first.
    const alertOrders = [...seen.orders.values()].filter((o) => o.kind === 'alert');
    expect(alertOrders.some((o) => o.rung === 'officer')).toBe(true);

    // The audit trail of it all: the operators' logins, the officers' acknowledgements and outcomes,
    // the router's dispatches, each once in audit.log, chained without a break.
    // One audit event per (warning, outcome): a repeat of the same outcome is appended once.
    const outcomeLabels = new Set(labels.map((l) => `${l.alertId}|${l.outcome}`)).size;
    let chain: AuditLogEntry[] = [];
    await waitFor(
      async () => {
        const topic = `${prefix}${Topic.AuditLog}`;
        const { low, high } = await partitionBounds(kafka, topic);
        chain = (await readPartitionRange(kafka, { topic, partition: 0, from: low, to: high })).map((m) => {
          const decoded = Codecs.AuditLogEntry.decode(m.value ?? Buffer.alloc(0));
          if (!decoded.ok) throw new Error(`audit.log offset ${m.offset} is not an entry`);
          return decoded.value;
        });
        const did = (action: string) =>
          chain.filter((e) => e.event.action === action && e.event.result === 'ok');
        return (
          operators.every((op) => did('login').some((e) => e.event.actor?.username === op.username)) &&
          did('ack').length > 0 &&
          did('dispatch').length > 0 &&
          did('outcome').length >= outcomeLabels
        );
      },
      { ...deadline, message: 'logins, dispatches, acknowledgements and outcomes in audit.log' },
    );
    expect(
      verifyAuditChain(chain, (t) => createHash('sha256').update(t, 'utf8').digest('hex')),
    ).toMatchObject({
      ok: true,
      entries: chain.length,
    });
    expect(new Set(chain.map((e) => e.event.eventId)).size).toBe(chain.length);

    console.log(
      `[stack] operators saw ${seen.alerts.size} warnings, ${seen.orders.size} orders (${alertOrders.length} for warnings), ` +
        `${seen.acks.length} acknowledgements, ${seen.plans.size} interception plans; ${labels.length} labels ` +
        `(audit.log: ${chain.length} entries) ` +
        `of ${recorded.length} outcomes recorded ` +
        `(${labels.filter((l) => community.has(l.labelledBy)).length} by community officers); per operator ${JSON.stringify(
          Object.fromEntries(perOperator),
        )}`,
    );
  }, 600_000);
});
