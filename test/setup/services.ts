/**
 * Real services as child processes, for cross-service tests: `node --import tsx <entry>` with the
 * environment a test gives it (its own topic prefix, group ids, Redis key prefix and ports), ready
 * once its `/readyz` answers 200, stopped with SIGTERM (SIGKILL after a grace period). A service
 * that exits or stays unready fails the start with the tail of its output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { waitFor } from './helpers.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEEP_LINES = 200;

/**
 * The privacy keys every service of this test process shares (ingest seals contacts and hashes
 * accounts, the gateway opens contacts), fresh for each test process: services run with
 * `NODE_ENV=production`, where a missing key stops them. A test may override them in `env`.
 */
export const TEST_PRIVACY_KEYS: Readonly<Record<string, string>> = {
  CONTACT_STORE_KEY: randomBytes(32).toString('base64'),
  ACCOUNT_HASH_KEY: randomBytes(32).toString('base64'),
};

export interface ServiceProcessOptions {
  /** Shown in errors and (with `TEST_SERVICE_OUTPUT=1`) as the prefix of its output lines. */
  readonly name: string;
  /** Entry point relative to the repository root, e.g. `ingest/src/index.ts`. */
  readonly entry: string;
  /** Variables on top of the test process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Polled until it answers 200, e.g. `http://127.0.0.1:PORT/readyz`. */
  readonly readyUrl: string;
  /** @defaultValue `90000` */
  readonly readyTimeoutMs?: number;
  /** How many of its last output lines to keep. @defaultValue `200` */
  readonly keepLines?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the service wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The environment every service shares under a test's prefix: the global setup's broker and Redis,
 * the topic and Redis key prefix, quiet logs (`TEST_SERVICE_LOG_LEVEL` to see more).
 */
export function sharedServiceEnv(prefix: string): Record<string, string> {
  return {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
  };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts a service and resolves once its `/readyz` answers 200. */
export async function startService(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', opts.entry], {
    cwd: REPO_ROOT,
    // As in production: vitest sets NODE_ENV=test, which among other things gives kafkajs other
    // retry defaults.
    env: { ...process.env, NODE_ENV: 'production', ...TEST_PRIVACY_KEYS, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const show = process.env.TEST_SERVICE_OUTPUT === '1';
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > (opts.keepLines ?? KEEP_LINES)) lines.shift();
      if (show) console.log(`[${opts.name}] ${line}`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopping: Promise<void> | undefined;
  const service: ServiceProcess = {
    name: opts.name,
    child,
    output: () => lines.join('\n'),
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (exited(child)) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };

  try {
    const state = await waitFor(
      async () => {
        if (exited(child)) return 'exited';
        const res = await fetch(opts.readyUrl, { signal: AbortSignal.timeout(2_000) });
        return res.status === 200 ? 'ready' : undefined;
      },
      {
        timeoutMs: opts.readyTimeoutMs ?? 90_000,
        intervalMs: 200,
        message: `${opts.name} ready at ${opts.readyUrl}`,
      },
    );
    if (state === 'exited') {
      throw new Error(
        `${opts.name} exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was ready`,
      );
    }
  } catch (err) {
    await service.stop(2_000);
    throw new Error(`${(err as Error).message}\n--- last output of ${opts.name} ---\n${service.output()}`, {
      cause: err,
    });
  }
  return service;
}

/** Stops every service, each even when another fails to stop. */
export async function stopServices(services: readonly (ServiceProcess | undefined)[]): Promise<void> {
  await Promise.allSettled(services.map((s) => s?.stop()));
}
