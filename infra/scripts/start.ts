/**
 * `npm start`: brings up local Kafka and Redis (if needed), creates the catalogue topics, then runs
 * every service of services.ts with its output prefixed by its name. Ctrl-C (SIGINT) or SIGTERM stops
 * the services; Kafka and Redis keep running (`npm run infra:down` stops them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import { TOPICS } from '@fenghuo/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '../kit/src/kafka/topics.ts';
import { InfraError, localInfraConfig, type UpResult, upLocal } from './local-infra.ts';
import { SERVICES, type ServiceDefinition } from './services.ts';

const STOP_TIMEOUT_MS = 15_000;

function say(line: string): void {
  console.log(`[start] ${line}`);
}

async function createTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'fenghuo-start', brokers, logLevel: logLevel.WARN }).admin();
  try {
    await admin.connect();
    const { created, existing } = await ensureTopics(admin, TOPICS);
    say(`topics: ${created.length} created, ${existing.length} already existed`);
  } finally {
    await admin.disconnect();
  }
}

function printBanner(infra: UpResult, services: readonly ServiceDefinition[]): void {
  const lines = [
    'Fenghuo (烽火) local stack',
    `  Kafka   ${infra.kafkaBrokers.join(',')}`,
    `  Redis   ${infra.redisUrl}`,
    `  Services: ${services.length === 0 ? 'none yet (add them to infra/scripts/services.ts)' : services.map((s) => s.name).join(', ')}`,
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
  say(`started ${service.name} (pid ${child.pid}): ${service.entry}`);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
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
  const config = localInfraConfig(process.env, { log: (line) => say(line) });
  const infra = await upLocal(config);
  await createTopics(infra.kafkaBrokers);
  const city = loadOrGenerateDefaultPack();
  say(
    `city pack "${city.pack.meta.name}" ${city.generated ? 'generated' : 'loaded'} at ${city.dir}: ` +
      `${city.pack.graph.nodeCount.toLocaleString()} road nodes, ${city.pack.cells.length} grid cells, ` +
      `${city.pack.posts.length} posts, ${city.pack.units.length} units`,
  );
  printBanner(infra, SERVICES);
  if (SERVICES.length === 0) {
    say('nothing to run; Kafka and Redis are up (npm run infra:down stops them)');
    return;
  }

  const children = new Map(SERVICES.map((s) => [s.name, startService(s, config.root, infra)]));
  let stopping = false;
  for (const [name, child] of children) {
    child.once('exit', (code, signal) => {
      if (!stopping) say(`${name} exited (${signal ?? `code ${code}`}); the other services keep running`);
    });
  }

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

  await Promise.all([...children.values()].map(exited));
  if (!stopping) say('all services have exited');
}

run().catch((err: unknown) => {
  console.error(err instanceof InfraError ? `[start] error: ${err.message}` : err);
  process.exit(1);
});
