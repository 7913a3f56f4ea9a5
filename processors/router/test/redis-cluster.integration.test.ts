/**
 * The router on a Redis Cluster of three masters (private redis-server processes, the shared Redis
 * untouched): the same inputs give the same orders, escalation and timeline as on the single Redis.
 * The scenario covers each kind of script: seeding, positions, the pool search, the commit of a
 * decision with its outbox, and the acknowledgement deadline (jobs claimed and escalated). Every
 * router key carries the `{rt}` hash tag, so all of them live in one slot of one master.
 */
import {
  type EscalationLadderSet,
  escalationLadderExample,
  type TimelineEvent,
  Topic,
} from '@fenghuo/contracts';
import { keySlot } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../../infra/scripts/redis-topologies.ts';
import { waitFor } from '../../../test/setup/helpers.ts';
import { type PrivateRedis, startPrivateRedisCluster } from '../../../test/setup/redis-topology.ts';
import { startRouter } from '../src/service.ts';
import {
  defaultCity,
  findRiverCase,
  incidentReport,
  position,
  routerTestBed,
  testLog,
  unitsApplied,
} from './support/harness.ts';

const shortLadder: EscalationLadderSet = {
  ...escalationLadderExample,
  ruleSetId: 'escalation-ladder',
  ruleSetVersion: 1,
  deadlinesSec: { ...escalationLadderExample.deadlinesSec, p2: 3 },
  ladders: {
    alert: [{ rung: 'officer' }, { rung: 'duty_desk' }, { rung: 'patrol' }],
    incident: [{ rung: 'patrol' }, { rung: 'patrol' }, { rung: 'district' }, { rung: 'city' }],
    interception: [{ rung: 'patrol' }],
  },
};

interface Outcome {
  readonly first: { unitId: string; candidates: string[]; status: string };
  readonly next: { unitId: string; escalationLevel: number | undefined; rung: string | undefined };
  readonly timeline: string[];
  readonly statuses: string[];
  readonly keys: string[];
}

/** Dispatch at the river case, no acknowledgement, escalation at the 3 s deadline. */
async function scenario(redisEnv: Record<string, string>, keysOf: (prefix: string) => Promise<string[]>) {
  const bed = await routerTestBed('router-cluster', { redisEnv });
  const city = defaultCity();
  try {
    await bed.producer.send(Topic.RulesSets, [shortLadder]);
    const router = await startRouter(bed.config(), testLog, { city });
    try {
      await waitFor(() => router.ladder.current().ruleSetVersion === 1, { message: 'the ladder applied' });
      const c = findRiverCase(city, 0);
      await bed.producer.send(Topic.UnitsPositions, [
        position('unit-011', c.fastByRoad),
        position('unit-012', c.nearByAir),
      ]);
      await unitsApplied(bed.prefix, { 'unit-011': { seen: true }, 'unit-012': { seen: true } }, redisEnv);
      await bed.producer.send(Topic.IncidentsReported, [incidentReport('inc-cl', c.target)]);
      const ordersOf = () => bed.written.orders.filter((o) => o.refId === 'inc-cl');
      const first = await waitFor(() => ordersOf()[0], { timeoutMs: 30_000, message: 'an order' });
      const next = await waitFor(
        () => ordersOf().find((o) => o.supersedes === first.orderId && o.revision === 1),
        { timeoutMs: 30_000, message: 'the escalation' },
      );
      const timeline = await waitFor(
        () => {
          const t = bed.written.timeline.filter((e: TimelineEvent) => e.refId === 'inc-cl');
          return t.some((e) => e.type === 'escalated') ? t : undefined;
        },
        { timeoutMs: 30_000, message: 'the escalated timeline event' },
      );
      // The escalation's status change, not only the roster's `available` from the router's start:
      // units.status is another topic than the timeline, read in no fixed order with it.
      await waitFor(
        () => bed.written.statuses.some((s) => s.unitId === 'unit-012' && s.status === 'dispatched'),
        { message: 'unit-012 dispatched' },
      );
      return {
        first: {
          unitId: first.unitId,
          candidates: (first.candidates ?? []).map((x) => x.unitId),
          status: first.status,
        },
        next: { unitId: next.unitId, escalationLevel: next.escalationLevel, rung: next.rung },
        timeline: [...new Set(timeline.map((e) => e.type))],
        statuses: bed.written.statuses
          .filter((s) => s.unitId === 'unit-011' || s.unitId === 'unit-012')
          .map((s) => `${s.unitId}:${s.status}`)
          // Each unit's own order (units.status is keyed by unit: no order across units).
          .sort((a, b) => (a.split(':')[0] ?? '').localeCompare(b.split(':')[0] ?? '')),
        keys: await keysOf(bed.prefix),
      } satisfies Outcome;
    } finally {
      await router.stop();
    }
  } finally {
    await bed.close();
  }
}

describe('router on a three-master Redis Cluster', () => {
  let cluster: PrivateRedis<ClusterConfig> | undefined;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster('router-cluster');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives the same orders, escalation and timeline as on the single Redis, all keys in the {rt} slot', async () => {
    const single = await scenario({}, async () => []);
    const c = cluster as PrivateRedis<ClusterConfig>;
    const onCluster = await scenario(c.env, async (prefix) => {
      // Every key of this router, from every master.
      const found: string[] = [];
      for (let i = 0; i < 3; i++) {
        const node = new Redis({ host: c.config.host, port: c.config.portBase + i, lazyConnect: true });
        try {
          found.push(...(await node.keys(`${prefix}*`)).map((k) => `${i}|${k}`));
        } finally {
          node.disconnect();
        }
      }
      return found;
    });
    expect(single.first.unitId).toBe('unit-011');
    expect(single.next.unitId).toBe('unit-012');
    expect({ ...onCluster, keys: [] }).toEqual({ ...single, keys: [] });
    expect(onCluster.keys.length).toBeGreaterThan(5);
    const masters = new Set(onCluster.keys.map((k) => k.split('|')[0]));
    const slots = new Set(onCluster.keys.map((k) => keySlot(k.slice(k.indexOf('|') + 1))));
    expect(masters.size).toBe(1);
    expect([...slots]).toEqual([keySlot('{rt}')]);
  });
});
