/**
 * The roster on `units.status`: at start the router says that every unit that has never changed
 * status is available, so a console knows a unit's state before its first dispatch; a unit that
 * has changed status since is not announced again at the next start.
 */
import { Topic } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
import { cityView } from '../src/city-view.ts';
import { type RunningRouter, startRouter } from '../src/service.ts';
import { NS } from '../src/store.ts';
import {
  defaultCity,
  offDuty,
  type RouterTestBed,
  routerTestBed,
  testLog,
  testRedis,
} from './support/harness.ts';

describe('the roster on units.status', () => {
  let bed: RouterTestBed;
  let router: RunningRouter | undefined;
  const city = defaultCity();
  const roster = cityView(city).roster();

  beforeAll(async () => {
    bed = await routerTestBed('router-roster');
  });

  afterAll(async () => {
    await router?.stop();
    await bed?.close();
  });

  const announced = () =>
    bed.written.statuses.filter((s) => s.source === 'router' && s.note === 'on the roster, at its post');

  it('announces every unit available at start, and at the next start only those that never moved', async () => {
    router = await startRouter(bed.config(), testLog, { city });
    await waitFor(() => announced().length >= roster.length, {
      timeoutMs: 30_000,
      message: () => `${roster.length} roster units announced (${announced().length} so far)`,
    });
    const first = announced();
    expect(new Set(first.map((s) => s.unitId))).toEqual(new Set(roster.map((u) => u.id)));
    expect(first.every((s) => s.status === 'available')).toBe(true);
    const patrol = roster.find((u) => u.kind === 'patrol_car');
    expect(patrol).toBeDefined();
    expect(first.find((s) => s.unitId === patrol!.id)?.unitKind).toBe('patrol_car');

    // A person takes one unit off duty; the router applies it.
    const moved = patrol!.id;
    await bed.producer.send(Topic.UnitsStatus, [offDuty(moved)]);
    await waitFor(async () => (await router!.store.neverMoved([moved])).length === 0, {
      timeoutMs: 20_000,
      message: 'the off-duty status applied',
    });
    await router.stop();
    router = undefined;

    const before = announced().length;
    router = await startRouter(bed.config(), testLog, { city });
    await waitFor(() => announced().length >= before + roster.length - 1, {
      timeoutMs: 30_000,
      message: () => `the unmoved units announced again (${announced().length - before} so far)`,
    });
    const second = announced().slice(before);
    expect(second).toHaveLength(roster.length - 1);
    expect(second.some((s) => s.unitId === moved)).toBe(false);
    // The same event id at each start: readers that keep event ids see one announcement per unit.
    const firstIds = new Map(first.map((s) => [s.unitId, s.eventId]));
    expect(second.every((s) => firstIds.get(s.unitId) === s.eventId)).toBe(true);
  }, 120_000);

  it('puts back units that went missing from Redis, and leaves the others as they are', async () => {
    await router?.stop();
    router = await startRouter(bed.config({ ROUTER_ROSTER_CHECK_SEC: '1' }), testLog, { city });
    // Patrol cars still at their posts (the test above took one off duty).
    const patrols = roster.filter((u) => u.kind === 'patrol_car').map((u) => u.id);
    const unmoved = await router.store.neverMoved(patrols);
    expect(unmoved.length).toBeGreaterThanOrEqual(4);
    const lost = unmoved.slice(0, 3);
    const offDutyUnit = unmoved[3]!;
    await bed.producer.send(Topic.UnitsStatus, [offDuty(offDutyUnit)]);
    await waitFor(async () => (await router!.store.neverMoved([offDutyUnit])).length === 0, {
      timeoutMs: 20_000,
      message: 'the off-duty status applied',
    });
    expect(await router.store.neverMoved(lost)).toEqual(lost);

    // Three units' keys gone, as after a Redis emptied or restored from an old copy.
    const redis = testRedis(bed.prefix);
    try {
      const deleted = await redis.del(...lost.flatMap((id) => [`${NS}us:${id}`, `${NS}up:${id}`]));
      expect(deleted).toBe(6);
      expect(await redis.zrem(`${NS}geo`, ...lost)).toBe(lost.length);
      expect(await router.store.neverMoved(lost)).toEqual([]);
      await waitFor(async () => (await router!.store.neverMoved(lost)).length === lost.length, {
        timeoutMs: 20_000,
        message: 'the missing units put back by the roster check',
      });
      // Back in the geo index the ranking reads, and the off-duty unit was not reset to available.
      const geo = await redis.geopos(`${NS}geo`, ...lost);
      expect(geo.every((p) => p !== null)).toBe(true);
      expect(await router.store.neverMoved([offDutyUnit])).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});
