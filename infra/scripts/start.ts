/**
 * `npm start`: brings up local Kafka and Redis (if needed) and waits until the broker coordinates
 * groups, creates the catalogue topics (retention from TOPIC_RETENTION_DAYS), loads or generates
 * the city pack, runs every service of services.ts with its output prefixed by its name and waits
 * for each one's /readyz, then prints the ready banner. One short line per step, with its time.
 * Ctrl-C (SIGINT) or SIGTERM stops the services; Kafka and Redis keep running
 * (`npm run infra:down` stops them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
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
import { localInfraConfig, type UpResult, upLocal } from './local-infra.ts';
import { SERVICES, type ServiceDefinition } from './services.ts';

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
  const logger = createLogger({ service: 'start', level: 'warn' });
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: 'fenghuo-start', kafkaTopicPrefix: '' },
    logger,
  );
  const { created, existing, changed } = await withAdmin(kafka, (admin) =>
    ensureTopics(admin, specs, { alignExisting: true }),
  );
  for (const c of changed) say(`topic setting changed: ${describeTopicChange(c)}`);
  return `topics: ${created.length} created, ${existing.length} already there${changed.length > 0 ? `, ${changed.length} setting(s) changed` : ''}`;
}

function printBanner(infra: UpResult, services: readonly { def: ServiceDefinition; url: string }[]): void {
  const lines = [
    '',
    `Fenghuo (烽火) is ready after ${((Date.now() - began) / 1000).toFixed(0)} s`,
    `  Kafka   ${infra.kafkaBrokers.join(',')}`,
    `  Redis   ${infra.redisUrl}`,
    ...services.map(({ def, url }) => `  ${def.name.padEnd(13)} ${url.replace(/\/readyz$/, '')}`),
    '  Ctrl-C stops the services; Kafka and Redis keep running (npm run infra:down stops them).',
    '',
  ];
  console.log(lines.join('\n'));
}

function pipeWithPrefix(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WriteStream): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${line}\n`));
}

function startService(service: ServiceDefinition, root: string, infra: UpResult): ChildProcess {
  const prefix = `[${service.name}]`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, service.entry)], {
    cwd: root,
    env: {
      ...process.env,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      REDIS_URL: infra.redisUrl,
      ...service.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeWithPrefix(child.stdout, prefix, process.stdout);
  pipeWithPrefix(child.stderr, prefix, process.stderr);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Polls `url` until it answers 200; fails when the child exits first or the time-out passes. */
async function waitReady(name: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new FenghuoError(
        `${name} exited before it was ready (${child.signalCode ?? `code ${child.exitCode}`})`,
        {
          code: 'SERVICE_EXITED',
        },
      );
    }
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new FenghuoError(`${name} not ready at ${url} within ${READY_TIMEOUT_MS / 1000} s`, {
        code: 'SERVICE_NOT_READY',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopService(name: string, child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    say(`${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
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
  if (SERVICES.length === 0) {
    say('no service to run; Kafka and Redis are up (npm run infra:down stops them)');
    return;
  }

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping services…`);
    await Promise.all([...children].map(([name, child]) => stopService(name, child)));
    say('services stopped. Kafka and Redis are still running: `npm run infra:down` stops them.');
    process.exit(0);
  };
  process.on('SIGINT', (s) => void shutdown(s));
  process.on('SIGTERM', (s) => void shutdown(s));

  // Services start together (each waits for its own dependencies); each line says when it is ready.
  const ready = await Promise.all(
    SERVICES.map(async (def) => {
      const child = startService(def, config.root, infra);
      children.set(def.name, child);
      child.once('exit', (code, signal) => {
        if (!stopping)
          say(`${def.name} exited (${signal ?? `code ${code}`}); the other services keep running`);
      });
      const url = def.readyUrl({ ...process.env, ...def.env });
      try {
        await step(
          () => waitReady(def.name, url, child),
          () => `${def.name} ready (${url}, pid ${child.pid})`,
        );
        return { def, url };
      } catch (err) {
        say(`error: ${(err as Error).message}; its output above says why. The other services keep running.`);
        return undefined;
      }
    }),
  );
  if (stopping) return;
  printBanner(
    infra,
    ready.filter((r) => r !== undefined),
  );

  await Promise.all([...children.values()].map(exited));
  if (!stopping) say('all services have exited');
}

run().catch((err: unknown) => {
  console.error(err instanceof FenghuoError ? `[start] error: ${err.message}` : err);
  process.exit(1);
});
