/**
 * The outbox on real Redis: a decision committed whose records never reached Kafka (the process
 * died in between) is published when its input comes again, with the same ids, and not decided a
 * second time; records a dead instance left behind are published by the next decision on the
 * matter; two decisions that want the same patrol unit cannot both have it.
 */
import { type Alert, examples, Topic } from '@fenghuo/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../test/setup/helpers.ts';
import { cityView } from '../src/city-view.ts';
import { DEFAULT_ACK_DEADLINES, parseAckDeadlines } from '../src/config.ts';
import { Decider } from '../src/decider.ts';
import { Ranker } from '../src/eta.ts';
import { builtinLadder } from '../src/ladder.ts';
import type { Outputs } from '../src/model.ts';
import { RouterStore } from '../src/store.ts';
import { alertTask, reportTask } from '../src/tasks.ts';
import { cleanRedis, defaultCity, incidentReport, pointOf } from './support/harness.ts';

describe('decisions, their outbox and unit claims on real Redis', () => {
  const prefix = uniquePrefix('router-outbox');
  const city = defaultCity();
  const view = cityView(city);
  let redis: Redis;
  let store: RouterStore;
  let now = Date.now();
  const published: Outputs[] = [];
  let failPublish = false;

  const decider = (orphanAfterMs = 10_000) =>
    new Decider({
      store,
      city: view,
      ranker: new Ranker(city.router, { hourAt: () => 12 }),
      ladder: () => builtinLadder('escalation-ladder', parseAckDeadlines(DEFAULT_ACK_DEADLINES)),
      now: () => now,
      publish: async (list) => {
        if (failPublish) throw new Error('the broker went away');
        for (const x of list) published.push(x.outputs);
      },
      options: {
        recommend: 3,
        queueRetryMs: 15_000,
        staleAfterMs: 300_000,
        unseenUnits: 'home',
        poolSize: 100,
        poolRadiusM: 50_000,
        orphanAfterMs,
        maxRounds: 4,
        summaryWindowMs: 3_600_000,
      },
    });

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
    store = new RouterStore(redis);
    await store.seed(view.roster());
  });

  afterAll(async () => {
    redis?.disconnect();
    await cleanRedis(prefix);
  });

  const where = pointOf(city, 4242);
  const officer = view.cellAt(where)?.officerId;
  const alert: Alert = {
    ...examples[Topic.AlertsRaised],
    alertId: 'al-outbox-1',
    revision: 1,
    level: 'warning',
    location: where,
    gridCellId: undefined,
    officerId: undefined,
  };

  it('publishes a committed decision when its input comes again, and decides it once', async () => {
    failPublish = true;
    await expect(decider().run([alertTask(view, alert, 'req-1')])).rejects.toThrow('the broker went away');
    expect(published).toHaveLength(0);
    // The input comes again (its offset was never committed): the decision is not made again, its
    // records are published as they were committed.
    failPublish = false;
    const stats = await decider().run([alertTask(view, alert, 'req-1')]);
    expect(stats).toMatchObject({ decisions: 0, duplicates: 1, republished: 1 });
    const [out] = published;
    expect(out?.orders.map((o) => [o.orderId, o.revision, o.unitId])).toEqual([
      [`ord-al-outbox-1-${officer}`, 1, officer],
    ]);
    expect(out?.timeline.map((e) => e.type)).toEqual(['raised', 'dispatched']);
    expect(out?.statuses.map((s) => s.status)).toEqual(['dispatched']);
    // Once published, it is gone from the outbox: a third delivery publishes nothing.
    published.length = 0;
    await decider().run([alertTask(view, alert, 'req-1')]);
    await decider().drain();
    expect(published).toEqual([]);
  });

  it('publishes what a dead instance left behind with the next decision on the matter', async () => {
    failPublish = true;
    const upgraded = { ...alert, revision: 2, level: 'urgent' as const };
    await expect(decider().run([alertTask(view, upgraded, 'req-2')])).rejects.toThrow();
    failPublish = false;
    published.length = 0;
    now += 60_000;
    const third = { ...alert, revision: 3, level: 'urgent' as const };
    // An entry counts as left behind once it is older (on the wall clock) than the orphan age:
    // 0 here, so the test need not wait the production 10 s.
    await decider(0).run([alertTask(view, third, 'req-3')]);
    // Revision 2's records (left behind), then revision 3's.
    expect(
      published.map((o) => o.timeline.map((e) => `${e.type}:${'revision' in e ? e.revision : ''}`)),
    ).toEqual([['raised:2', 'dispatched:2'], ['raised:3']]);
  });

  it('gives a patrol unit to one of two decisions that want it at once', async () => {
    // Two routers decide on two incidents at the same place at the same time: each ranks the same
    // unit first. Only one commit can claim it; the other decides again and takes the next unit.
    const at = pointOf(city, 777);
    const a = decider();
    const b = decider();
    published.length = 0;
    const [ra, rb] = await Promise.all([
      a.run([reportTask(incidentReport('inc-race-a', at), undefined)]),
      b.run([reportTask(incidentReport('inc-race-b', at), undefined)]),
    ]);
    expect(ra.decisions + rb.decisions).toBe(2);
    const units = published.flatMap((o) => o.orders.map((x) => x.unitId));
    expect(units).toHaveLength(2);
    expect(new Set(units).size).toBe(2);
  });
});
