import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, startOpsServer } from './ops.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function start(checks: Record<string, () => boolean | Promise<boolean>>): Promise<string> {
  const registry = createMetricsRegistry('ops-test');
  new Counter({ name: 'ops_test_events_total', help: 'events', registers: [registry] }).inc(3);
  server = await startOpsServer({ service: 'ops-test', registry, checks, port: 0, checkTimeoutMs: 100 });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ops endpoints', () => {
  it('answers /healthz, and /readyz 200 when every check passes', async () => {
    const base = await start({ kafka: () => true, redis: async () => true });
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'ops-test' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      service: 'ops-test',
      checks: { kafka: 'ok', redis: 'ok' },
    });
  });

  it('answers /readyz 503 naming the failing, throwing or hanging checks', async () => {
    const base = await start({
      kafka: () => false,
      redis: () => {
        throw new Error('down');
      },
      slow: () => new Promise<boolean>(() => undefined),
      fine: () => true,
    });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not_ready',
      service: 'ops-test',
      checks: { kafka: 'failing', redis: 'failing', slow: 'failing', fine: 'ok' },
    });
  });

  it('serves Prometheus metrics with the service label', async () => {
    const base = await start({});
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('ops_test_events_total{service="ops-test"} 3');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
