/**
 * The real services the browser tests and bench:console run against, as processes: one gateway
 * (serving the built console), and, when asked, one ingest, one fraud scorer and the dispatch
 * router, all on one private topic prefix with their own groups and Redis keys. People are created
 * in a users file with known passwords: an operator of station-01, the community officer of its first cell, a supervisor and
 * an analyst. Used by `test/e2e/*.e2e.test.ts` (one stack for the whole suite) and the bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CityPack, loadOrGenerateDefaultPack } from '@fenghuo/city';
import { TOPICS, type UserIdentity } from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { UserStore } from '../../dispatch-ui/gateway/src/users/user-store.ts';
import { KeyStore } from '../../ingest/src/key-store.ts';
import { freePort } from '../setup/free-port.ts';
import { type ServiceProcess, startService, stopServices } from '../setup/services.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CONSOLE_DIST = join(REPO_ROOT, 'dispatch-ui/console/dist');
export const STATION = 'station-01';

export type Person = 'operator' | 'officer' | 'supervisor' | 'analyst';
export interface Login extends UserIdentity {
  readonly password: string;
}

export interface StackOptions {
  readonly prefix: string;
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  /** Start ingest (with a bank's API key for fraud indicators). @defaultValue false */
  readonly ingest?: boolean;
  /** Start the fraud scorer. @defaultValue false */
  readonly scorer?: boolean;
  /** Start the dispatch router (orders, timeline, escalations). @defaultValue false */
  readonly router?: boolean;
  /** Extra gateway variables. */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** More people in the users file (e.g. a grid worker), with their passwords. */
  readonly extraUsers?: readonly Login[];
}

export interface Stack {
  readonly prefix: string;
  readonly kafka: Kafka;
  readonly pack: CityPack;
  readonly gatewayUrl: string;
  readonly ingestUrl: string | undefined;
  readonly bankKey: string | undefined;
  readonly people: Readonly<Record<Person, Login>>;
  /** Every process's recent output, for a failure message. */
  output(): string;
  /** Stops every process and removes the stack's topics' Redis keys and files. Idempotent. */
  stop(): Promise<void>;
}

const PASSWORD = 'e2e-password-123';

export async function startStack(opts: StackOptions): Promise<Stack> {
  const { prefix } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'fh-e2e-'));
  const kafka = new Kafka({
    clientId: `${prefix}e2e`,
    brokers: [...opts.brokers],
    logLevel: logLevel.NOTHING,
  });
  await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
  const { pack } = loadOrGenerateDefaultPack();
  // The officer is the community officer of the station's first cell, where the tests place their
  // victims (`placeIn`): the router sends that cell's fraud warnings to them.
  const cell = pack.cells.find((c) => c.stationId === STATION);
  const officerUnit = pack.units.find((u) => u.id === cell?.officerId);
  if (!officerUnit) throw new Error(`no community officer for the first cell of ${STATION}`);

  const users = new UserStore(join(dir, 'users.json'));
  const identities: Record<Person, UserIdentity> = {
    operator: { username: 'e2e-operator', role: 'operator', region: { kind: 'station', id: STATION } },
    officer: { username: 'e2e-officer', role: 'officer', unitId: officerUnit.id },
    supervisor: { username: 'e2e-supervisor', role: 'supervisor' },
    analyst: { username: 'e2e-analyst', role: 'analyst' },
  };
  const people = {} as Record<Person, Login>;
  for (const [who, id] of Object.entries(identities) as [Person, UserIdentity][]) {
    const { username, ...binding } = id;
    await users.put(username, { ...binding, password: PASSWORD });
    people[who] = { ...id, password: PASSWORD };
  }
  for (const { username, ...binding } of opts.extraUsers ?? []) await users.put(username, binding);

  const shared = {
    KAFKA_BROKERS: opts.brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: opts.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
  };
  const services: ServiceProcess[] = [];
  let bankKey: string | undefined;
  let ingestUrl: string | undefined;
  const gatewayPort = await freePort();
  try {
    const starts: Promise<ServiceProcess>[] = [
      startService({
        name: 'gateway',
        entry: 'dispatch-ui/gateway/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}gateway`,
          GATEWAY_PORT: String(gatewayPort),
          GATEWAY_GROUP_ID: `${prefix}gateway`,
          GATEWAY_USERS_FILE: join(dir, 'users.json'),
          GATEWAY_CONSOLE_DIR: CONSOLE_DIST,
          GATEWAY_FIGURES_INTERVAL_MS: '1000',
          AUTH_JWT_SECRET: `e2e-${prefix}-signing-key-0123456789abcdef`,
          ...opts.gatewayEnv,
        },
        readyUrl: `http://127.0.0.1:${gatewayPort}/readyz`,
        readyTimeoutMs: 180_000,
      }),
    ];
    if (opts.ingest) {
      const keysFile = join(dir, 'keys.json');
      bankKey = new KeyStore(keysFile).addKey('bank-e2e', { kinds: ['fraud-indicators'] }).key;
      const port = await freePort();
      ingestUrl = `http://127.0.0.1:${port}`;
      starts.push(
        startService({
          name: 'ingest',
          entry: 'ingest/src/index.ts',
          env: {
            ...shared,
            KAFKA_CLIENT_ID: `${prefix}ingest`,
            INGEST_PORT: String(port),
            INGEST_KEYS_FILE: keysFile,
          },
          readyUrl: `${ingestUrl}/readyz`,
          readyTimeoutMs: 180_000,
        }),
      );
    }
    if (opts.scorer) {
      const port = await freePort();
      starts.push(
        startService({
          name: 'fraud-scorer',
          entry: 'processors/fraud-scorer/src/index.ts',
          env: {
            ...shared,
            KAFKA_CLIENT_ID: `${prefix}fraud-scorer`,
            SCORER_GROUP_ID: `${prefix}fraud-scorer`,
            SCORER_OPS_PORT: String(port),
          },
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          readyTimeoutMs: 180_000,
        }),
      );
    }
    if (opts.router) {
      const port = await freePort();
      starts.push(
        startService({
          name: 'router',
          entry: 'processors/router/src/index.ts',
          env: {
            ...shared,
            KAFKA_CLIENT_ID: `${prefix}router`,
            ROUTER_GROUP_ID: `${prefix}router`,
            ROUTER_OPS_PORT: String(port),
            ROUTER_UNSEEN_UNITS: 'home',
          },
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          readyTimeoutMs: 180_000,
        }),
      );
    }
    const started = await Promise.allSettled(starts);
    for (const s of started) if (s.status === 'fulfilled') services.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await stopServices(services);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    prefix,
    kafka,
    pack,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    ingestUrl,
    bankKey,
    people,
    output: () => services.map((s) => `--- ${s.name} ---\n${s.output()}`).join('\n'),
    stop() {
      stopping ??= (async () => {
        await stopServices(services);
        const redis = new Redis(opts.redisUrl);
        try {
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
        } finally {
          redis.disconnect();
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
