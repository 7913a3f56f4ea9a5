/**
 * A router process killed with SIGKILL in the middle of a stream of incidents, then restarted:
 * every incident ends up with exactly the orders it needs (one, two for a robbery), none is lost,
 * none is doubled, and no unit holds two orders. Once with one phase (the default), once with
 * ROUTER_OVERLAP_RUNS=1 (a batch handed back once committed to Redis, its offsets committed once
 * published: a kill between the two leaves inputs whose decisions are made but not published).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import { type DispatchOrder, type IncidentReport, Topic } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
import { incidentReport, pointOf, type RouterTestBed, routerTestBed } from './support/harness.ts';

const INCIDENTS = 120;

describe.each(['0', '1'])('router killed with SIGKILL mid-stream (ROUTER_OVERLAP_RUNS=%s)', (overlap) => {
  const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  let bed: RouterTestBed;
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;

  const startChild = () => {
    const p = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = p;
    return p;
  };

  beforeAll(async () => {
    // The child processes read the default pack from disk: make sure it is there once, up front.
    loadOrGenerateDefaultPack();
    bed = await routerTestBed(`router-kill-${overlap}`);
    // Every patrol unit at its post, no phones: the pack's 200 patrol units are the candidates.
    env = bed.env({ ROUTER_UNSEEN_UNITS: 'home', ROUTER_OVERLAP_RUNS: overlap });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await bed?.close();
  });

  it('loses no order and doubles none', async () => {
    const { pack } = loadOrGenerateDefaultPack();
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    const incidents: IncidentReport[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const at = pointOf({ pack }, rnd() % pack.graph.nodeCount);
      incidents.push(
        incidentReport(
          `inc-k-${i}`,
          at,
          i % 10 === 0 ? { category: 'robbery', priority: 1 } : { priority: 3 },
        ),
      );
    }
    const needed = (r: IncidentReport) => (r.category === 'robbery' ? 2 : 1);

    const first = startChild();
    for (let i = 0; i < incidents.length; i += 10) {
      await bed.producer.send(Topic.IncidentsReported, incidents.slice(i, i + 10));
      if (i === 60) {
        await waitFor(() => bed.written.orders.length > 0, {
          timeoutMs: 90_000,
          message: 'orders before the kill',
        });
        first.kill('SIGKILL');
        await new Promise((resolve) => first.once('exit', resolve));
      }
    }
    const beforeRestart = bed.written.orders.length;
    startChild();
    const byIncident = () => {
      const m = new Map<string, Set<string>>();
      for (const o of bed.written.orders) {
        const ids = m.get(o.refId) ?? new Set<string>();
        ids.add(o.orderId);
        m.set(o.refId, ids);
      }
      return m;
    };
    await waitFor(() => incidents.every((r) => (byIncident().get(r.incidentId)?.size ?? 0) >= needed(r)), {
      timeoutMs: 120_000,
      intervalMs: 250,
      message: 'the orders of every incident',
    });
    // Wait until the group has committed every incident: nothing left to redeliver.
    const admin = bed.kafka.admin();
    await admin.connect();
    try {
      const topic = `${bed.prefix}${Topic.IncidentsReported}`;
      const ends = await admin.fetchTopicOffsets(topic);
      await waitFor(
        async () => {
          const [committed] = await admin.fetchOffsets({ groupId: `${bed.prefix}router`, topics: [topic] });
          return ends.every(
            (e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.offset,
          );
        },
        { timeoutMs: 60_000, message: 'every incident committed' },
      );
    } finally {
      await admin.disconnect();
    }

    const orders = bed.written.orders;
    expect(beforeRestart).toBeGreaterThan(0);
    expect(orders.length).toBeGreaterThan(beforeRestart);
    // Exactly the orders each incident needs.
    const got = byIncident();
    for (const r of incidents) expect(got.get(r.incidentId)?.size, r.incidentId).toBe(needed(r));
    // A record seen twice (published again after the crash) is the same record.
    const byKey = new Map<string, DispatchOrder>();
    for (const o of orders) {
      const key = `${o.orderId}#${o.revision}`;
      const seen = byKey.get(key);
      if (seen) expect(o).toEqual(seen);
      else byKey.set(key, o);
    }
    // No unit holds two orders.
    const unitOrders = new Map<string, Set<string>>();
    for (const o of orders) {
      const set = unitOrders.get(o.unitId) ?? new Set<string>();
      set.add(o.orderId);
      unitOrders.set(o.unitId, set);
    }
    for (const [unit, ids] of unitOrders) expect(ids.size, unit).toBe(1);
  });
});
