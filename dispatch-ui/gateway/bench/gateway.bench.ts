/**
 * `npm run bench:gateway`: how many messages per second the gateway delivers from Kafka to
 * socket.io-client connections, and how long each takes from its write to Kafka to its receipt.
 *
 * One gateway (the production wiring, `startGateway`) on private topics and Redis keys; BENCH_CLIENTS
 * connections in a separate process (`clients.ts`): one in ten a supervisor (the whole city), the
 * rest operators spread over the city's stations, each with a token of its own user. Alerts are
 * written to Kafka at BENCH_RATE per second for BENCH_SECONDS, each in a random station and stamped
 * `updatedAt` = the time it was written; each reaches that station's operators and every
 * supervisor. Delivered messages/s = receipts / (last receipt − first write).
 *
 * Baseline in the same run: a bare Socket.IO server (no Kafka, no auth, no adapter) with the same
 * clients in the same rooms, broadcasting the same alerts at the same rate. Rounds alternate (ours,
 * bare) so load from elsewhere hits both; medians are reported. Each round has two phases:
 * - capacity: BENCH_RATE alerts/s, more than either server delivers on two cores, so delivered
 *   msgs/s is what each can do: `messagesPerSec`, and vsBareSocketIo = ours / bare;
 * - latency at the target: BENCH_LATENCY_RATE alerts/s, by default the rate that offers 11,000
 *   deliveries/s (the issue's 10,000 plus a tenth), so `p50Ms`/`p99Ms` are the latency of a
 *   gateway carrying the target load, not of a queue growing behind an overload
 *   (`saturatedP99Ms` keeps that one).
 *
 * Ends with one JSON line: {"bench":"gateway","clients","offeredPerSec","messagesPerSec",
 * "latencyOfferedPerSec","latencyMessagesPerSec","p50Ms","p99Ms","saturatedP99Ms",
 * "bareMessagesPerSec","bareP99Ms","vsBareSocketIo"}.
 *
 * Environment: BENCH_CLIENTS (2000), BENCH_RATE (40 alerts/s), BENCH_LATENCY_RATE (see above),
 * BENCH_SECONDS (10), BENCH_ROUNDS (2), KAFKA_BROKERS (127.0.0.1:9092), REDIS_URL
 * (redis://127.0.0.1:6379).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import { type Alert, examples, TOPICS, Topic, type UserIdentity } from '@fenghuo/contracts';
import {
  AuthTokens,
  closeRedis,
  createKafka,
  createLogger,
  createStandaloneRedis,
  EventProducer,
  ensureTopics,
  withAdmin,
} from '@fenghuo/kit';
import { Server } from 'socket.io';
import { loadConfig } from '../src/config.ts';
import { startGateway } from '../src/service.ts';
import { UserStore } from '../src/users/user-store.ts';
import type { FromClients, ToClients } from './clients.ts';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const CLIENTS = num('BENCH_CLIENTS', 2000);
const RATE = num('BENCH_RATE', 40);
const SECONDS = num('BENCH_SECONDS', 10);
/** Deliveries per second the latency phase offers by default: the issue's 10,000 and a tenth more. */
const LATENCY_DELIVERIES = 11_000;
const ROUNDS = num('BENCH_ROUNDS', 2);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = randomBytes(32).toString('hex');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(histogram: [number, number][], q: number): number {
  const total = histogram.reduce((s, [, n]) => s + n, 0);
  let seen = 0;
  for (const [bucket, n] of histogram) {
    seen += n;
    if (seen >= q * total) return (bucket + 1) * 0.1;
  }
  return Number.NaN;
}

/** The clients' process and a typed request/answer over IPC. */
function startClients(): { child: ChildProcess; ask: (msg: ToClients) => Promise<FromClients> } {
  const child = fork(fileURLToPath(new URL('./clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (msg: ToClients) =>
    new Promise<FromClients>((resolve) => {
      child.once('message', (m) => resolve(m as FromClients));
      child.send(msg);
    });
  return { child, ask };
}

interface RoundResult {
  readonly messagesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly delivered: number;
  readonly expected: number;
}

async function main(): Promise<void> {
  const pack = loadOrGenerateDefaultPack().pack;
  const stations = pack.stations.map((s) => s.id);
  const places = stations.map((s) => {
    const cell = pack.cells.find((c) => c.stationId === s)!;
    const ring = cell.polygon[0]!.slice(0, -1);
    return {
      station: s,
      cellId: cell.id,
      location: {
        lon: ring.reduce((a, v) => a + v[0], 0) / ring.length,
        lat: ring.reduce((a, v) => a + v[1], 0) / ring.length,
      },
    };
  });
  const c = cpus();
  console.log(
    `machine: ${c.length} × ${c[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );

  // Who the clients are: the same for both servers.
  const identities: UserIdentity[] = [
    { username: 'bench-sup', role: 'supervisor' },
    ...stations.map(
      (id): UserIdentity => ({
        username: `bench-op-${id}`,
        role: 'operator',
        region: { kind: 'station', id },
      }),
    ),
  ];
  const clientRoles = Array.from({ length: CLIENTS }, (_, i) =>
    i % 10 === 0
      ? { user: identities[0]!, room: 'city' }
      : { user: identities[1 + (i % stations.length)]!, room: '' },
  ).map((c) => ({ ...c, room: c.user.region ? `station:${c.user.region.id}` : 'city' }));
  const perStation = new Map(
    stations.map((s) => [s, clientRoles.filter((c) => c.room === `station:${s}`).length]),
  );
  const supervisors = clientRoles.filter((c) => c.room === 'city').length;
  // Clients an alert reaches, on average over the stations it is spread over.
  const recipients = supervisors + (CLIENTS - supervisors) / stations.length;
  const LATENCY_RATE = num('BENCH_LATENCY_RATE', Math.ceil(LATENCY_DELIVERIES / recipients));
  console.log(
    `${CLIENTS} clients (10% supervisors, the rest operators of ${stations.length} stations), ${SECONDS} s per phase, ${ROUNDS} rounds: capacity at ${RATE} alerts/s, latency at ${LATENCY_RATE} alerts/s (about ${Math.round(LATENCY_RATE * recipients)} deliveries/s)`,
  );

  // Our gateway, on private topics and keys.
  const prefix = `bench-gw-${randomBytes(3).toString('hex')}.`;
  const logger = createLogger({ service: 'bench', level: 'warn' });
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: `${prefix}bench`, kafkaTopicPrefix: prefix },
    logger,
  );
  await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const users = new UserStore(join(dir, 'users.json'));
  for (const { username, ...binding } of identities)
    await users.put(username, { ...binding, password: randomUUID() });
  const config = loadConfig({
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    GATEWAY_PORT: '0',
    GATEWAY_GROUP_ID: `${prefix}gateway`,
    GATEWAY_USERS_FILE: join(dir, 'users.json'),
    GATEWAY_FIGURES_INTERVAL_MS: '60000',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
  });
  const redis = createStandaloneRedis(config, logger);
  const adapterRedis = createStandaloneRedis({ ...config, redisKeyPrefix: '' }, logger);
  const gateway = await startGateway({ config, logger, kafka, redis, adapterRedis, city: pack });
  const tokens = new AuthTokens({ secret: new TextEncoder().encode(SECRET), ttlSec: 3600 });
  const tokenOf = new Map<string, string>();
  for (const u of identities) tokenOf.set(u.username, (await tokens.issue(u)).token);
  const producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.warmUp([Topic.AlertsRaised]);

  // The bare baseline: same rooms, chosen by a query parameter; no auth, no adapter, no Kafka.
  const bareHttp = createServer();
  const bare = new Server(bareHttp, { serveClient: false });
  bare.on('connection', (socket) => {
    const room = socket.handshake.query.room;
    if (typeof room === 'string') socket.join(room);
  });
  await new Promise<void>((resolve) => bareHttp.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bareHttp.address() as AddressInfo).port}`;

  const template: Alert = examples[Topic.AlertsRaised];
  const alertsFor = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const place = places[i % places.length]!;
      return {
        place,
        alert: {
          ...template,
          alertId: `al-${randomUUID()}`,
          subjectId: `res-${i}`,
          location: place.location,
          gridCellId: place.cellId,
        },
      };
    });
  const expectedOf = (list: ReturnType<typeof alertsFor>) =>
    list.reduce((s, { place }) => s + supervisors + (perStation.get(place.station) ?? 0), 0);

  /** Sends `list` evenly over SECONDS, stamping each just before it goes; returns when the last went. */
  async function drive(
    list: ReturnType<typeof alertsFor>,
    rate: number,
    send: (a: Alert[]) => Promise<void>,
  ): Promise<number> {
    const started = Date.now();
    const tick = 50;
    const perTick = (rate * tick) / 1000;
    let sent = 0;
    const pending: Promise<void>[] = [];
    for (let t = 0; sent < list.length; t++) {
      const due = Math.min(list.length, Math.round((t + 1) * perTick));
      const now = new Date().toISOString();
      const batch = list.slice(sent, due).map(({ alert }) => ({ ...alert, raisedAt: now, updatedAt: now }));
      sent = due;
      if (batch.length > 0) pending.push(send(batch));
      const wait = started + (t + 1) * tick - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
    return started;
  }

  /** Both phases on one set of connected clients: capacity, then latency at the target rate. */
  async function measure(
    url: string,
    clientsOf: () => { auth?: Record<string, unknown>; query?: Record<string, string> }[],
    send: (a: Alert[]) => Promise<void>,
  ): Promise<{ capacity: RoundResult; latency: RoundResult }> {
    const { child, ask } = startClients();
    try {
      const connected = await ask({ type: 'connect', url, clients: clientsOf() });
      if (connected.type !== 'connected' || connected.failed > 0) {
        throw new Error(`clients failed to connect: ${JSON.stringify(connected)}`);
      }
      await ask({ type: 'report' }); // settles snapshots etc.
      const capacity = await phase(child, ask, RATE, send);
      const latency = await phase(child, ask, LATENCY_RATE, send);
      return { capacity, latency };
    } finally {
      await ask({ type: 'close' }).catch(() => undefined);
      child.kill();
    }
  }

  /** One phase: `rate` alerts/s for SECONDS, then waits until every delivery arrived (or stalls). */
  async function phase(
    child: ChildProcess,
    ask: (msg: ToClients) => Promise<FromClients>,
    rate: number,
    send: (a: Alert[]) => Promise<void>,
  ): Promise<RoundResult> {
    child.send({ type: 'reset' } satisfies ToClients); // IPC keeps order: reset before what follows
    const list = alertsFor(Math.round(rate * SECONDS));
    const expected = expectedOf(list);
    const started = await drive(list, rate, send);
    let report: FromClients = { type: 'report', received: 0, firstAt: 0, lastAt: 0, histogram: [] };
    const deadline = Date.now() + 30_000;
    let last = -1;
    let stillSince = Date.now();
    while (Date.now() < deadline) {
      report = await ask({ type: 'report' });
      if (report.type !== 'report' || report.received >= expected) break;
      if (report.received !== last) {
        last = report.received;
        stillSince = Date.now();
      } else if (Date.now() - stillSince > 5_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (report.type !== 'report') throw new Error('no report');
    const seconds = (report.lastAt - started) / 1000;
    return {
      messagesPerSec: Math.round(report.received / seconds),
      p50Ms: round1(percentile(report.histogram, 0.5)),
      p99Ms: round1(percentile(report.histogram, 0.99)),
      delivered: report.received,
      expected,
    };
  }

  const ours: { capacity: RoundResult; latency: RoundResult }[] = [];
  const bases: { capacity: RoundResult; latency: RoundResult }[] = [];
  const show = (name: string, r: RoundResult) =>
    console.log(
      `  ${name.padEnd(5)} delivered ${r.delivered}/${r.expected}  ${r.messagesPerSec} msgs/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms`,
    );
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    const o = await measure(
      gateway.url,
      () => clientRoles.map((c) => ({ auth: { token: tokenOf.get(c.user.username)! } })),
      async (batch) => {
        await producer.send(Topic.AlertsRaised, batch);
      },
    );
    show('ours', o.capacity);
    show('ours', o.latency);
    ours.push(o);
    const b = await measure(
      bareUrl,
      () => clientRoles.map((c) => ({ query: { room: c.room } })),
      async (batch) => {
        for (const alert of batch) {
          const place = places.find((p) => p.cellId === alert.gridCellId)!;
          bare.to(['city', `station:${place.station}`]).emit('alert:upserted', alert);
        }
      },
    );
    show('bare', b.capacity);
    show('bare', b.latency);
    bases.push(b);
  }

  const result = {
    bench: 'gateway',
    clients: CLIENTS,
    offeredPerSec: Math.round(ours[0]!.capacity.expected / SECONDS),
    messagesPerSec: median(ours.map((r) => r.capacity.messagesPerSec)),
    latencyOfferedPerSec: Math.round(ours[0]!.latency.expected / SECONDS),
    latencyMessagesPerSec: median(ours.map((r) => r.latency.messagesPerSec)),
    p50Ms: round1(median(ours.map((r) => r.latency.p50Ms))),
    p99Ms: round1(median(ours.map((r) => r.latency.p99Ms))),
    saturatedP99Ms: round1(median(ours.map((r) => r.capacity.p99Ms))),
    bareMessagesPerSec: median(bases.map((r) => r.capacity.messagesPerSec)),
    bareP99Ms: round1(median(bases.map((r) => r.latency.p99Ms))),
    vsBareSocketIo: 0,
  };
  result.vsBareSocketIo = Math.round((result.messagesPerSec / result.bareMessagesPerSec) * 100) / 100;
  console.log(
    `gateway: capacity ${result.messagesPerSec} msgs/s delivered to ${CLIENTS} clients (offered ${result.offeredPerSec}; p99 ${result.saturatedP99Ms} ms while saturated), bare Socket.IO ${result.bareMessagesPerSec} msgs/s: vsBareSocketIo ${result.vsBareSocketIo}; at ${result.latencyOfferedPerSec} offered: ${result.latencyMessagesPerSec} msgs/s delivered, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (bare p99 ${result.bareP99Ms} ms)`,
  );

  await producer.close();
  await gateway.stop();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await closeRedis(redis);
  await closeRedis(adapterRedis);
  // Leave the shared Redis and broker as found: drop this run's keys (topics stay, as every bench's do).
  const raw = createStandaloneRedis({ redisUrl, redisKeyPrefix: '' }, logger);
  for await (const keys of raw.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await raw.unlink(...keys);
  }
  await closeRedis(raw);
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
