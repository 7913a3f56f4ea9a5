/**
 * Operational endpoints every service exposes: `/healthz` (the process is alive), `/readyz` (its
 * dependencies answer; 503 with the failing checks otherwise) and `/metrics` (Prometheus text).
 */
import { createServer, type Server } from 'node:http';
import express, { type Router } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A readiness check: resolves true when the dependency is usable. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsOptions {
  readonly service: string;
  readonly registry: Registry;
  /** Named readiness checks, e.g. `{ kafka: () => producerConnected, redis: () => redisReady(r) }`. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /**
   * A check slower than this counts as failed.
   * @defaultValue `1000`
   */
  readonly checkTimeoutMs?: number;
}

/** A metrics registry with Node's default process metrics, labelled with the service. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function createOpsRouter(opts: OpsOptions): Router {
  const router = express.Router();
  const started = Date.now();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: opts.service, uptimeSec: Math.round((Date.now() - started) / 1000) });
  });
  router.get('/readyz', async (_req, res) => {
    const entries = Object.entries(opts.checks ?? {});
    const results = await Promise.all(entries.map(([, c]) => runCheck(c, opts.checkTimeoutMs ?? 1_000)));
    const checks = Object.fromEntries(entries.map(([name], i) => [name, results[i] ? 'ok' : 'failing']));
    const ready = results.every(Boolean);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', service: opts.service, checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
  return router;
}

/** A standalone ops server for services without an HTTP API of their own (processors). */
export async function startOpsServer(
  opts: OpsOptions & { readonly port: number; readonly host?: string },
): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(opts));
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
