/**
 * `npm start`: brings up local Kafka and Redis (if needed) and waits until the broker coordinates
 * groups, creates the catalogue topics (retention from TOPIC_RETENTION_DAYS; under the services'
 * KAFKA_TOPIC_PREFIX when one is set), loads or generates the city pack, builds the console when its
 * workspace exists and it is not built yet (FENGHUO_CONSOLE_BUILD=0 skips that), runs every
 * service of services.ts with its output prefixed by its name and waits for each one's /readyz,
 * then prints the ready banner (URLs, the console, the demo logins) and starts the simulator
 * (`npm run simulate` with the SIM_* variables; `--no-sim` or FENGHUO_SIM=0 turn it off). One short
 * line per step, with its time. A service that dies is restarted with back-off (restart-policy.ts), and each restart is
 * logged. Ctrl-C (SIGINT) or SIGTERM stops the services; Kafka and Redis keep running
 * (`npm run infra:down` stops them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
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
import { errorMessage, recordLastError } from './last-errors.ts';
import { localInfraConfig, type UpResult, upLocal } from './local-infra.ts';
import { nextRestart } from './restart-policy.ts';
import { SERVICES, type ServiceDefinition } from './services.ts';
import { waitServiceReady } from './wait-ready.ts';

const STOP_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const began = Date.now();

function say(line: string): void {
  console.log(`[start] ${line}`);
}

/** Runs one step and prints `<what it did> (<seconds> s)`. */
async function step<T>(run: () => Promise<T> | T, done: (result: T) => string): Promise<T> {
  const started = Date.now();
  const result = await run();
  say(`${done(result)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function createTopics(brokers: string[]): Promise<string> {
  const specs = topicsFromEnv(TOPICS); // a bad TOPIC_RETENTION_DAYS stops here, naming the variable
  // The topics the services will use: under their prefix when the caller set one (a test's stack).
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const logger = createLogger({ service: 'start', level: 'warn' });
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: 'fenghuo-start', kafkaTopicPrefix: '' },
    logger,
  );
  const { created, existing, changed } = await withAdmin(kafka, (admin) =>
    ensureTopics(admin, specs, { alignExisting: true, prefix }),
  );
  for (const c of changed) say(`topic setting changed: ${describeTopicChange(c)}`);
  return `topics: ${created.length} created, ${existing.length} already there${changed.length > 0 ? `, ${changed.length} setting(s) changed` : ''}`;
}

interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly role: string;
}

/** The demo users the gateway wrote at its start (`<users dir>/demo-users.json`), if any. */
function readDemoLogins(root: string): DemoLogin[] {
  const usersFile = resolve(root, process.env.GATEWAY_USERS_FILE || '.local/gateway/users.json');
  const file = join(dirname(usersFile), 'demo-users.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { users?: DemoLogin[] };
    return Array.isArray(parsed.users) ? parsed.users : [];
  } catch {
    return [];
  }
}

function printBanner(
  infra: UpResult,
  root: string,
  services: readonly { def: ServiceDefinition; url: string }[],
): void {
  const gateway = services.find((s) => s.def.name === 'gateway');
  const logins = gateway ? readDemoLogins(root) : [];
  const width = Math.max(0, ...logins.map((u) => u.username.length));
  const lines = [
    '',
    `Fenghuo (烽火) is ready after ${((Date.now() - began) / 1000).toFixed(0)} s`,
    ...(gateway ? [`  Console       ${gateway.url.replace(/\/readyz$/, '/')}`] : []),
    `  Kafka         ${infra.kafkaBrokers.join(',')}`,
    `  Redis         ${infra.redisUrl}`,
    ...services.map(({ def, url }) => `  ${def.name.padEnd(13)} ${url.replace(/\/readyz$/, '')}`),
    ...(logins.length > 0
      ? [
          '  Demo logins (fresh passwords at every start):',
          ...logins.map((u) => `    ${u.username.padEnd(width)}  ${u.password}  ${u.role}`),
        ]
      : []),
    '  Ctrl-C stops the services; Kafka and Redis keep running (npm run infra:down stops them).',
    '',
  ];
  console.log(lines.join('\n'));
}

/**
 * Builds the browser console when its workspace exists in this checkout and has no `dist/index.html`
 * yet; a line says what was done. The gateway serves a placeholder page until it is built.
 */
async function buildConsoleIfMissing(root: string): Promise<string> {
  const dir = join(root, 'dispatch-ui', 'console');
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) return 'console: not in this checkout (the gateway serves a placeholder page)';
  if (existsSync(join(dir, 'dist', 'index.html'))) return 'console already built';
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { scripts?: Record<string, string> };
  if (pkg.scripts?.build === undefined) return 'console: its workspace has no build script; not built';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', 'build'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeWithPrefix(child.stdout, '[console]', process.stdout);
  pipeWithPrefix(child.stderr, '[console]', process.stderr);
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  if (code !== 0) {
    return `console build failed (code ${code}; output above); the gateway serves a placeholder page`;
  }
  return 'console built (dispatch-ui/console/dist)';
}

function pipeWithPrefix(
  stream: NodeJS.ReadableStream | null,
  prefix: string,
  out: NodeJS.WriteStream,
  onLine?: (line: string) => void,
): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    out.write(line.startsWith(`${prefix} `) ? `${line}\n` : `${prefix} ${line}\n`);
    onLine?.(line);
  });
}

function startService(
  service: ServiceDefinition,
  root: string,
  infra: UpResult,
  first: boolean,
): ChildProcess {
  const prefix = `[${service.name}]`;
  const child = spawn(
    process.execPath,
    [...(service.nodeArgs ?? []), '--import', 'tsx', join(root, service.entry)],
    {
      cwd: root,
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        REDIS_URL: infra.redisUrl,
        ...service.env,
        ...(first ? service.firstStartEnv : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The last error line of each service, for `npm run status`.
  const keepError = (line: string) => {
    const message = errorMessage(line);
    if (message !== undefined)
      recordLastError(root, service.name, { at: new Date().toISOString(), line: message });
  };
  pipeWithPrefix(child.stdout, prefix, process.stdout, keepError);
  pipeWithPrefix(child.stderr, prefix, process.stderr, keepError);
  return child;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** How the child ended (`SIGKILL`, `code 1`), or undefined while it runs. */
function exitOf(child: ChildProcess): string | undefined {
  if (!hasExited(child)) return undefined;
  return child.signalCode ?? `code ${child.exitCode}`;
}

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopService(name: string, child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    say(`${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

/**
 * One service under supervision: started, and restarted with back-off whenever it exits while
 * `npm start` is not stopping. `ready()` resolves once the first start answers /readyz (or failed).
 */
class Supervised {
  child: ChildProcess;
  private attempt = 0;
  private startedAt = Date.now();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  readonly url: string;

  constructor(
    readonly def: ServiceDefinition,
    private readonly root: string,
    private readonly infra: UpResult,
  ) {
    this.url = def.readyUrl({ ...process.env, ...def.env });
    this.child = this.spawn(true);
  }

  private spawn(first: boolean): ChildProcess {
    const child = startService(this.def, this.root, this.infra, first);
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(code, signal));
    return child;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const { attempt, delayMs } = nextRestart(this.attempt, Date.now() - this.startedAt);
    this.attempt = attempt;
    const why = signal ?? `code ${code}`;
    recordLastError(this.root, this.def.name, { at: new Date().toISOString(), line: `exited (${why})` });
    say(
      `${this.def.name} exited (${why}); restarting in ${(delayMs / 1000).toFixed(0)} s ` +
        `(crash ${attempt} in a row); the other services keep running`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.child = this.spawn(false);
      const child = this.child;
      void step(
        () => waitServiceReady(this.def.name, this.url, () => exitOf(child), READY_TIMEOUT_MS),
        () => `${this.def.name} ready again after a restart (pid ${child.pid})`,
      ).catch(() => {
        // its exit is logged and handled by onExit
      });
    }, delayMs);
  }

  /** Resolves true once the first start answers /readyz, false when it failed (it is restarted). */
  async ready(): Promise<boolean> {
    try {
      const child = this.child;
      await step(
        () => waitServiceReady(this.def.name, this.url, () => exitOf(child), READY_TIMEOUT_MS),
        () => `${this.def.name} ready (${this.url}, pid ${child.pid})`,
      );
      return true;
    } catch (err) {
      say(`error: ${(err as Error).message}; its output above says why. The other services keep running.`);
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await stopService(this.def.name, this.child);
  }
}

function simulatorWanted(): boolean {
  return !process.argv.includes('--no-sim') && process.env.FENGHUO_SIM !== '0';
}

/**
 * With the simulator on, the router offers only units whose phones report (the simulated units,
 * whose officers answer) and duty desks, so orders do not wait on units nobody plays; a
 * ROUTER_UNSEEN_UNITS of the caller's wins.
 */
function withSimulator(def: ServiceDefinition): ServiceDefinition {
  if (def.name !== 'router' || !simulatorWanted() || process.env.ROUTER_UNSEEN_UNITS !== undefined)
    return def;
  return { ...def, env: { ...def.env, ROUTER_UNSEEN_UNITS: 'skip' } };
}

/**
 * The simulator (infra/simulator) against the ingest that just started, with its demo keys; the
 * SIM_* variables of the caller's environment set its speed, seed and size. It is not restarted:
 * it ends when its simulated period does.
 */
function startSimulator(root: string, ingestUrl: string, gatewayUrl: string | undefined): ChildProcess {
  const keysFile = process.env.INGEST_KEYS_FILE
    ? join(dirname(resolve(root, process.env.INGEST_KEYS_FILE)), 'demo-keys.json')
    : undefined;
  // Where the services keep their phones and users, for the simulator's units and officers.
  const files: Record<string, string> = {
    ...(process.env.INGEST_KEYS_FILE && process.env.SIM_INGEST_KEY_STORE === undefined
      ? { SIM_INGEST_KEY_STORE: resolve(root, process.env.INGEST_KEYS_FILE) }
      : {}),
    ...(process.env.GATEWAY_USERS_FILE && process.env.SIM_GATEWAY_USERS_FILE === undefined
      ? { SIM_GATEWAY_USERS_FILE: resolve(root, process.env.GATEWAY_USERS_FILE) }
      : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'infra/simulator/src/index.ts')], {
    cwd: root,
    env: {
      ...process.env,
      SIM_INGEST_URL: process.env.SIM_INGEST_URL ?? ingestUrl,
      ...files,
      ...(gatewayUrl === undefined
        ? { SIM_OFFICERS: '0' }
        : { SIM_GATEWAY_URL: process.env.SIM_GATEWAY_URL ?? gatewayUrl }),
      ...(keysFile !== undefined && process.env.SIM_KEYS_FILE === undefined
        ? { SIM_KEYS_FILE: keysFile }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeWithPrefix(child.stdout, '[sim]', process.stdout);
  pipeWithPrefix(child.stderr, '[sim]', process.stderr);
  child.once('exit', (code, signal) => {
    if (code === 0) say('simulator finished its simulated period (npm run simulate runs another)');
    else if (signal === null) say(`simulator exited (code ${code}); its output above says why`);
  });
  say(
    `simulator started (speed ${process.env.SIM_SPEED ?? '1'}×, seed ${process.env.SIM_SEED ?? '1'}; --no-sim turns it off)`,
  );
  return child;
}

async function run(): Promise<void> {
  const config = localInfraConfig(process.env, { log: (line) => say(`  ${line}`) });
  const infra = await step(
    () => upLocal(config),
    (r) =>
      `infra: kafka ${r.kafkaBrokers.join(',')}, redis ${r.redisUrl} ` +
      (r.started.length === 0 ? '(already running)' : `(started ${r.started.join(', ')})`),
  );
  await step(
    () => createTopics(infra.kafkaBrokers),
    (line) => line,
  );
  await step(
    () => loadOrGenerateDefaultPack(),
    (city) =>
      `city pack "${city.pack.meta.name}" ${city.generated ? 'generated' : 'loaded'}: ` +
      `${city.pack.graph.nodeCount.toLocaleString()} road nodes, ${city.pack.cells.length} grid cells, ` +
      `${city.pack.posts.length} posts, ${city.pack.units.length} units`,
  );
  await step(
    () =>
      process.env.FENGHUO_CONSOLE_BUILD === '0'
        ? 'console build skipped (FENGHUO_CONSOLE_BUILD=0)'
        : buildConsoleIfMissing(config.root),
    (line) => line,
  );
  if (SERVICES.length === 0) {
    say('no service to run; Kafka and Redis are up (npm run infra:down stops them)');
    return;
  }

  const supervised: Supervised[] = [];
  let simulator: ChildProcess | undefined;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping services…`);
    await Promise.all([
      ...supervised.map((s) => s.stop()),
      ...(simulator ? [stopService('simulator', simulator)] : []),
    ]);
    say('services stopped. Kafka and Redis are still running: `npm run infra:down` stops them.');
    process.exit(0);
  };
  process.on('SIGINT', (s) => void shutdown(s));
  process.on('SIGTERM', (s) => void shutdown(s));

  // Services start together (each waits for its own dependencies); each line says when it is ready.
  for (const def of SERVICES) supervised.push(new Supervised(withSimulator(def), config.root, infra));
  const ready = await Promise.all(supervised.map(async (s) => ((await s.ready()) ? s : undefined)));
  if (stopping) return;
  printBanner(
    infra,
    config.root,
    ready.filter((s) => s !== undefined).map((s) => ({ def: s.def, url: s.url })),
  );
  const ingest = ready.find((s) => s?.def.name === 'ingest');
  if (!simulatorWanted()) say('simulator off (--no-sim or FENGHUO_SIM=0)');
  else if (ingest === undefined) say('simulator not started: ingest is not ready');
  else {
    const gateway = ready.find((s) => s?.def.name === 'gateway');
    if (gateway === undefined) say('gateway not ready: the simulated officers stay off');
    simulator = startSimulator(
      config.root,
      ingest.url.replace(/\/readyz$/, ''),
      gateway?.url.replace(/\/readyz$/, ''),
    );
  }
  // Runs until Ctrl-C: the supervised children (and their restart timers) keep the process alive.
}

run().catch((err: unknown) => {
  console.error(err instanceof FenghuoError ? `[start] error: ${err.message}` : err);
  process.exit(1);
});
