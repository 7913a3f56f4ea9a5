/**
 * `npm run bench:e2e`: the whole path's capacity and latency on this machine, from a source's
 * request answered 202 by ingest to a supervisor's socket.io-client receiving the alert from the
 * gateway. Ingest, the fraud scorer and the gateway run as their own processes (as `npm start`
 * runs them) on private topics and Redis keys.
 *
 * Load: "victims", each one request of three calls from a listed number within 12 minutes (the
 * built-in rule pack raises one notice per victim), offered open-loop at increasing rates. Per step
 * it prints the offered and sustained events/s, how many alerts arrived, and p50/p99 latency (the
 * alert's receipt minus its request's 202). A step holds when 99 % of the requests got 202, 99 % of
 * its alerts arrived within BENCH_DRAIN_SECONDS of the step's end, and p99 stayed under
 * BENCH_P99_BUDGET_MS; the capacity is the last step that held (the knee of the curve). Then a
 * step at a third of the capacity gives the latency the issue asks for.
 *
 * Baseline in the same run: ingest alone (a second ingest on topics nobody consumes), closed loop,
 * BENCH_CONNECTIONS requests in flight, the same three-event requests. vsIngestAlone = the
 * end-to-end capacity over ingest's own. Targets: vsIngestAlone ≥ 0.33, p99 < 250 ms at a third.
 *
 * Ends with one JSON line: {"bench":"e2e","eventsPerSec","p50Ms","p99Ms","rateForLatency",
 * "ingestAloneEventsPerSec","vsIngestAlone","steps":[…]}.
 *
 * Environment: BENCH_START_RATE (30 events/s), BENCH_GROWTH (1.5), BENCH_MAX_STEPS (14),
 * BENCH_STEP_SECONDS (10), BENCH_DRAIN_SECONDS (10), BENCH_P99_BUDGET_MS (1000),
 * BENCH_CONNECTIONS (16), KAFKA_BROKERS (127.0.0.1:9092), REDIS_URL (redis://127.0.0.1:6379).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Alert, examples, type FraudIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { UserStore } from '../../dispatch-ui/gateway/src/users/user-store.ts';
import { KeyStore } from '../../ingest/src/key-store.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const START_RATE = num('BENCH_START_RATE', 30);
const GROWTH = num('BENCH_GROWTH', 1.5);
const MAX_STEPS = num('BENCH_MAX_STEPS', 14);
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 10);
const DRAIN_SECONDS = num('BENCH_DRAIN_SECONDS', 10);
const P99_BUDGET_MS = num('BENCH_P99_BUDGET_MS', 1000);
const CONNECTIONS = num('BENCH_CONNECTIONS', 16);
const EVENTS_PER_VICTIM = 3;
/** Requests in flight past which the offered rate is not being taken: the step fails. */
const MAX_IN_FLIGHT = 400;

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = randomBytes(32).toString('base64');

interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
}

async function startService(
  dir: string,
  name: string,
  entry: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<Service> {
  const log = join(dir, `${name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      KAFKA_BROKERS: brokers.join(','),
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'warn',
      CONTACT_STORE_KEY: randomBytes(32).toString('base64'),
      ACCOUNT_HASH_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `${name} exited (code ${child.exitCode}):\n${readFileSync(log, 'utf8').trim().split('\n').slice(-8).join('\n')}`,
      );
    const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { name, child, log };
    if (Date.now() > deadline) throw new Error(`${name} not ready at ${readyUrl} in 180 s; see ${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function stop(service: Service | undefined): Promise<void> {
  if (service === undefined || service.child.exitCode !== null) return;
  const exited = new Promise((r) => service.child.once('exit', r));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** One victim's three calls (a notice with the built-in pack), ids unique to this run. */
function victim(run: string, n: number): { subjectId: string; calls: FraudIndicator[] } {
  const subjectId = `e2e-${run}-${n}`;
  const now = Date.now();
  const calls = [10, 6, 2].map((m, i) => ({
    ...examples[Topic.FraudIndicators],
    eventId: `${subjectId}-c${i}`,
    subjectId,
    occurredAt: new Date(now - m * 60_000).toISOString(),
  }));
  return { subjectId, calls };
}

function post(url: string, key: string, body: unknown): Promise<number> {
  return fetch(`${url}/v1/fraud-indicators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  })
    .then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    })
    .catch(() => 0);
}

/** Ingest alone, closed loop: events/s answered 202 over `seconds` after a warm-up. */
async function ingestAlone(url: string, key: string, run: string, seconds: number): Promise<number> {
  let n = 0;
  let accepted = 0;
  let counting = false;
  const until = performance.now() + (2 + seconds) * 1000;
  setTimeout(() => {
    counting = true;
  }, 2_000);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const status = await post(url, key, victim(`alone-${run}`, n++).calls);
        if (status === 202 && counting) accepted += EVENTS_PER_VICTIM;
      }
    }),
  );
  return accepted / seconds;
}

interface StepResult {
  readonly offeredEventsPerSec: number;
  readonly sustainedEventsPerSec: number;
  readonly requests: number;
  readonly accepted: number;
  readonly alerts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly held: boolean;
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-e2e-${run}.`;
  const alonePrefix = `bench-e2e-alone-${run}.`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const kafka = new Kafka({ clientId: `${prefix}bench`, brokers, logLevel: logLevel.NOTHING });
  const cpu = cpus();
  console.log('end-to-end benchmark: ingest 202 → fraud scorer → gateway → a supervisor’s socket.io-client');
  console.log(
    `  machine  ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, TOPICS, { prefix });
    // Every topic for the baseline's ingest too (it warms up all it writes); nothing consumes them.
    await ensureTopics(admin, TOPICS, { prefix: alonePrefix });
  });
  const keysFile = join(dir, 'keys.json');
  const key = new KeyStore(keysFile).addKey('bench-bank', { kinds: ['fraud-indicators'] }).key;
  const usersFile = join(dir, 'users.json');
  const password = randomUUID();
  await new UserStore(usersFile).put('bench-supervisor', { role: 'supervisor', password });

  const ports = { ingest: freePort(), alone: freePort(), scorer: freePort(), gateway: freePort() };
  const ingestUrl = `http://127.0.0.1:${ports.ingest}`;
  const aloneUrl = `http://127.0.0.1:${ports.alone}`;
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const common = { KAFKA_TOPIC_PREFIX: prefix, REDIS_KEY_PREFIX: prefix };
  const services: Service[] = [];
  let socket: Socket | undefined;
  let failed = false;
  try {
    console.log('  starting ingest, fraud-scorer, gateway and a second ingest for the baseline…');
    const started = await Promise.all([
      startService(
        dir,
        'ingest',
        'ingest/src/index.ts',
        {
          ...common,
          KAFKA_CLIENT_ID: `${prefix}ingest`,
          INGEST_PORT: String(ports.ingest),
          INGEST_KEYS_FILE: keysFile,
          INGEST_DEDUPE_WINDOW_SEC: '600',
        },
        `${ingestUrl}/readyz`,
      ),
      startService(
        dir,
        'ingest-alone',
        'ingest/src/index.ts',
        {
          KAFKA_TOPIC_PREFIX: alonePrefix,
          REDIS_KEY_PREFIX: alonePrefix,
          KAFKA_CLIENT_ID: `${alonePrefix}ingest`,
          INGEST_PORT: String(ports.alone),
          INGEST_KEYS_FILE: keysFile,
          INGEST_DEDUPE_WINDOW_SEC: '600',
        },
        `${aloneUrl}/readyz`,
      ),
      startService(
        dir,
        'fraud-scorer',
        'processors/fraud-scorer/src/index.ts',
        {
          ...common,
          KAFKA_CLIENT_ID: `${prefix}fraud-scorer`,
          SCORER_GROUP_ID: `${prefix}fraud-scorer`,
          SCORER_OPS_PORT: String(ports.scorer),
        },
        `http://127.0.0.1:${ports.scorer}/readyz`,
      ),
      startService(
        dir,
        'gateway',
        'dispatch-ui/gateway/src/index.ts',
        {
          ...common,
          KAFKA_CLIENT_ID: `${prefix}gateway`,
          GATEWAY_PORT: String(ports.gateway),
          GATEWAY_GROUP_ID: `${prefix}gateway`,
          GATEWAY_USERS_FILE: usersFile,
          AUTH_JWT_SECRET: JWT_SECRET,
        },
        `${gatewayUrl}/readyz`,
      ),
    ]);
    services.push(...started);

    // Ingest alone first, while the rest idles.
    const aloneRate = await ingestAlone(aloneUrl, key, run, 8);
    await stop(services.find((s) => s.name === 'ingest-alone'));
    console.log(`  ingest alone (closed loop, ${CONNECTIONS} in flight): ${Math.round(aloneRate)} events/s`);

    const login = await fetch(`${gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-supervisor', password }),
    });
    if (login.status !== 200) throw new Error(`supervisor login answered ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const received = new Map<string, number>();
    socket = io(gatewayUrl, { auth: { token }, transports: ['websocket'] });
    socket.on('alert:upserted', (alert: Alert) => {
      if (!received.has(alert.subjectId)) received.set(alert.subjectId, performance.now());
    });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });

    let n = 0;
    const runStep = async (eventsPerSec: number, seconds: number): Promise<StepResult> => {
      const victimsPerSec = eventsPerSec / EVENTS_PER_VICTIM;
      const total = Math.max(1, Math.round(victimsPerSec * seconds));
      const acceptedAt = new Map<string, number>();
      let statuses = 0;
      let inFlight = 0;
      let overloaded = false;
      const start = performance.now();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / victimsPerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (inFlight >= MAX_IN_FLIGHT) {
          overloaded = true;
          continue;
        }
        const v = victim(run, n++);
        inFlight++;
        sends.push(
          post(ingestUrl, key, v.calls).then((status) => {
            inFlight--;
            statuses++;
            if (status === 202) acceptedAt.set(v.subjectId, performance.now());
          }),
        );
      }
      await Promise.all(sends);
      const elapsed = (performance.now() - start) / 1000;
      const deadline = performance.now() + DRAIN_SECONDS * 1000;
      while (performance.now() < deadline && [...acceptedAt.keys()].some((s) => !received.has(s)))
        await new Promise((r) => setTimeout(r, 100));
      const latencies = [...acceptedAt]
        .flatMap(([s, at]) => {
          const got = received.get(s);
          return got === undefined ? [] : [Math.max(0, got - at)];
        })
        .sort((a, b) => a - b);
      const p99Ms = quantile(latencies, 0.99);
      const held =
        !overloaded &&
        acceptedAt.size >= 0.99 * total &&
        latencies.length >= 0.99 * acceptedAt.size &&
        p99Ms <= P99_BUDGET_MS;
      return {
        offeredEventsPerSec: Math.round(eventsPerSec),
        sustainedEventsPerSec: Math.round(
          (latencies.length * EVENTS_PER_VICTIM) / Math.max(elapsed, seconds),
        ),
        requests: statuses,
        accepted: acceptedAt.size,
        alerts: latencies.length,
        p50Ms: Math.round(quantile(latencies, 0.5)),
        p99Ms: Math.round(p99Ms),
        held,
      };
    };
    const show = (label: string, s: StepResult) =>
      console.log(
        `  ${label.padEnd(12)} offered ${String(s.offeredEventsPerSec).padStart(6)} ev/s  sustained ${String(s.sustainedEventsPerSec).padStart(6)} ev/s  202 ${s.accepted}/${s.requests}  alerts ${s.alerts}  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  ${s.held ? 'held' : 'DID NOT HOLD'}`,
      );

    // Warm-up: first alerts pay for connections, rule compilation and JIT.
    await runStep(START_RATE / 2, 3);
    const steps: StepResult[] = [];
    let rate = START_RATE;
    let capacity = 0;
    for (let i = 0; i < MAX_STEPS; i++) {
      const step = await runStep(rate, STEP_SECONDS);
      steps.push(step);
      show(`step ${i + 1}`, step);
      if (!step.held) break;
      capacity = step.sustainedEventsPerSec;
      rate *= GROWTH;
      // Let the pipeline settle between steps.
      await new Promise((r) => setTimeout(r, 2_000));
    }
    if (capacity === 0) console.log('  not even the first step held: capacity below BENCH_START_RATE');
    const third = capacity > 0 ? capacity / 3 : START_RATE / 3;
    await new Promise((r) => setTimeout(r, 3_000));
    const latency = await runStep(third, STEP_SECONDS * 1.5);
    show('at a third', latency);

    const result = {
      bench: 'e2e',
      eventsPerSec: capacity,
      p50Ms: latency.p50Ms,
      p99Ms: latency.p99Ms,
      rateForLatency: Math.round(third),
      ingestAloneEventsPerSec: Math.round(aloneRate),
      vsIngestAlone: aloneRate > 0 ? Number((capacity / aloneRate).toFixed(3)) : 0,
      steps,
    };
    console.log(
      `  capacity ${capacity} events/s (${result.vsIngestAlone} of ingest alone; target ≥ 0.33); at a third: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (target < 250 ms)`,
    );
    console.log(JSON.stringify(result));
  } catch (err) {
    failed = true;
    for (const s of services) {
      const tail = readFileSync(s.log, 'utf8').trim().split('\n').slice(-5).join('\n');
      if (tail) console.error(`--- last lines of ${s.name} ---\n${tail}`);
    }
    throw err;
  } finally {
    socket?.disconnect();
    await Promise.all(services.map(stop));
    await withAdmin(kafka, async (admin) => {
      const topics = (await admin.listTopics()).filter(
        (t) => t.startsWith(prefix) || t.startsWith(alonePrefix),
      );
      if (topics.length > 0) await admin.deleteTopics({ topics });
    }).catch(() => undefined);
    const redis = new Redis(redisUrl);
    for (const p of [prefix, alonePrefix]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    redis.disconnect();
    // Kept on failure: the services' logs are there.
    if (!failed) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:e2e: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
