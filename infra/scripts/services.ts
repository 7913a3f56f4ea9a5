/**
 * The services `npm start` runs after the infra is up. Add a line when a service gets an entry point;
 * entries whose file does not exist yet are skipped, so the list can name services still being written.
 * Each runs as `node <nodeArgs> --import tsx <entry>` with the environment below on top of the caller's, plus
 * KAFKA_BROKERS and REDIS_URL pointing at the local infra. A service that dies is restarted with
 * back-off (restart-policy.ts) under `env` only, without `firstStartEnv`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServiceDefinition {
  /** Prefix of every output line, e.g. `ingest`. */
  readonly name: string;
  /** TypeScript entry point, relative to the repository root. */
  readonly entry: string;
  /** Extra environment variables for this service. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Variables for the first start only, not for restarts after a crash: e.g. demo keys and users,
   * which are made afresh when set (a restart must not revoke the ones already printed).
   */
  readonly firstStartEnv?: Readonly<Record<string, string>>;
  /**
   * Node/V8 flags the service runs with (its benchmark starts it with the same ones).
   * @defaultValue none
   */
  readonly nodeArgs?: readonly string[];
  /** Its `/readyz` under the environment it runs with: `npm start` waits for a 200 there. */
  readonly readyUrl: (env: NodeJS.ProcessEnv) => string;
}

const local = (port: string | undefined, fallback: number) => `http://127.0.0.1:${port || fallback}/readyz`;

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A young generation of 2 × 64 MB instead of V8's 2 × 16 MB, for the services that turn every event
 * into short-lived objects at thousands per second (ingest, the fraud scorer): fewer scavenges, and
 * fewer objects promoted to the old generation only because a batch was still being worked on when a
 * small nursery filled up. Costs up to ~100 MB more resident memory per process.
 */
export const THROUGHPUT_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64'];

/** Every service we know of, in start order. */
export const KNOWN_SERVICES: readonly ServiceDefinition[] = [
  // Service owners: put HTTP/ops ports here if the defaults in your config.ts clash.
  {
    name: 'ingest',
    entry: 'ingest/src/index.ts',
    env: {},
    nodeArgs: THROUGHPUT_NODE_ARGS,
    firstStartEnv: { INGEST_DEMO: '1' }, // prints the demo sources' keys
    readyUrl: (env) => local(env.INGEST_PORT, 8081),
  },
  {
    name: 'gateway',
    entry: 'dispatch-ui/gateway/src/index.ts',
    env: {},
    firstStartEnv: { GATEWAY_DEMO: '1' }, // creates and prints the demo users
    readyUrl: (env) => local(env.GATEWAY_PORT, 8080),
  },
  {
    name: 'fraud-scorer',
    entry: 'processors/fraud-scorer/src/index.ts',
    env: {},
    nodeArgs: THROUGHPUT_NODE_ARGS,
    readyUrl: (env) => local(env.SCORER_OPS_PORT, 9320),
  },
  {
    name: 'rules',
    entry: 'processors/rules/src/index.ts',
    env: {},
    readyUrl: (env) => local(env.RULES_PORT, 8082),
  },
  {
    name: 'router',
    entry: 'processors/router/src/index.ts',
    env: {},
    readyUrl: (env) => local(env.ROUTER_OPS_PORT, 9321),
  },
  {
    name: 'interceptor',
    entry: 'processors/interceptor/src/index.ts',
    env: {},
    readyUrl: (env) => local(env.INTERCEPTOR_OPS_PORT, 9322),
  },
  {
    name: 'audit-writer',
    entry: 'processors/audit-writer/src/index.ts',
    env: {},
    readyUrl: (env) => local(env.AUDIT_OPS_PORT, 9323),
  },
];

/** The node arguments of a known service, by name (none for an unknown one). */
export function nodeArgsOf(name: string): string[] {
  return [...(KNOWN_SERVICES.find((s) => s.name === name)?.nodeArgs ?? [])];
}

/** The known services whose entry file exists in this checkout. */
export const SERVICES: readonly ServiceDefinition[] = KNOWN_SERVICES.filter((s) =>
  existsSync(join(REPO_ROOT, s.entry)),
);
